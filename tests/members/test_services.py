from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from members import services
from members.models import Invitation, Membership, User, hash_token
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _token_from(mail):
    body = mail.body
    start = body.index("/invitations/") + len("/invitations/")
    return body[start : body.index("/", start)]


def test_invite_new_person_creates_invitation_and_sends_link(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.invite_member(
            campus=world.campus,
            email=" New.Person@Example.edu ",
            role="peer_supporter",
            by=world.coordinator,
        )
    invitation = result.invitation
    assert result.membership is None
    assert invitation.email == "new.person@example.edu"
    assert invitation.role == "peer_supporter"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["new.person@example.edu"]
    assert "Riverside" in mail.subject
    assert invitation.token_hash == hash_token(_token_from(mail))
    assert mail.alternatives[0][1] == "text/html"


def test_invite_existing_account_adds_membership_at_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.invite_member(
            campus=world.campus,
            email=world.other_coordinator.email,
            role="partner_representative",
            by=world.coordinator,
        )
    assert result.invitation is None
    assert result.membership.user == world.other_coordinator
    assert result.membership.role == "partner_representative"
    assert Invitation.objects.count() == 0
    assert mailoutbox[0].subject.startswith("[CoPractice] You have joined")


def test_invite_someone_already_a_member_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.invite_member(
            campus=world.campus,
            email=world.peer.email.upper(),
            role="peer_supporter",
            by=world.coordinator,
        )
    assert error.value.message_dict["email"] == [
        f"{world.peer.email.upper().lower()} is already a member of Riverside."
    ]
    assert Membership.objects.filter(user=world.peer).count() == 1


def test_invite_twice_is_refused_with_resend_hint(world):
    services.invite_member(
        campus=world.campus, email="a@example.edu", role="peer_supporter", by=world.coordinator
    )
    with pytest.raises(ValidationError) as error:
        services.invite_member(
            campus=world.campus, email="A@example.edu", role="coordinator", by=world.coordinator
        )
    assert "already been invited" in error.value.message_dict["email"][0]
    assert Invitation.objects.get().role == "peer_supporter"


def test_invite_with_admin_role_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.invite_member(
            campus=world.campus, email="x@example.edu", role="admin", by=world.coordinator
        )
    assert "role" in error.value.message_dict
    assert Invitation.objects.count() == 0


def test_accept_invitation_creates_verified_account_and_membership(world):
    InvitationFactory(
        campus=world.campus, email="new@example.edu", token="t0k", role="partner_representative"
    )
    user = services.accept_invitation(
        token="t0k", name="New Person", password="a-good-long-passphrase"
    )
    assert user.email == "new@example.edu"
    assert user.check_password("a-good-long-passphrase")
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).count() == 1
    membership = Membership.objects.get(user=user)
    assert (membership.campus, membership.role, membership.status) == (
        world.campus,
        "partner_representative",
        "active",
    )
    assert Invitation.objects.get().accepted_by == user


def test_reused_invitation_is_refused(world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="t0k")
    services.accept_invitation(token="t0k", name="New Person", password="a-good-long-passphrase")
    with pytest.raises(services.InvitationError, match="already been used"):
        services.accept_invitation(
            token="t0k", name="Someone Else", password="another-long-passphrase"
        )
    assert User.objects.filter(email="new@example.edu").count() == 1


def test_expired_invitation_is_refused(world):
    InvitationFactory(
        campus=world.campus, token="old", expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(services.InvitationError, match="expired"):
        services.accept_invitation(token="old", name="Late", password="a-good-long-passphrase")
    assert Membership.objects.filter(campus=world.campus).count() == 3


def test_resend_replaces_link_and_extends_expiry(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-01-01 12:00Z", tick=False):
        invitation = InvitationFactory(
            campus=world.campus, token="old", expires_at=timezone.now() - timedelta(days=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.resend_invitation(invitation=invitation, by=world.coordinator)
        invitation.refresh_from_db()
        assert invitation.expires_at.isoformat() == "2026-01-15T12:00:00+00:00"
        with pytest.raises(services.InvitationError, match="not valid"):
            services.find_invitation(token="old")
        assert services.find_invitation(token=_token_from(mailoutbox[0])) == invitation


def test_revoked_invitation_cannot_be_accepted_or_resent(world):
    invitation = InvitationFactory(campus=world.campus, token="t")
    services.revoke_invitation(invitation=invitation, by=world.coordinator)
    with pytest.raises(services.InvitationError, match="withdrawn"):
        services.find_invitation(token="t")
    with pytest.raises(ValidationError, match="already revoked"):
        services.resend_invitation(invitation=invitation, by=world.coordinator)


def test_existing_account_accepts_invitation_as_itself(world):
    person = UserFactory(email="known@example.edu")
    InvitationFactory(campus=world.campus, email="known@example.edu", token="k")
    with pytest.raises(services.InvitationError, match="exists already"):
        services.accept_invitation(token="k", name="X", password="a-good-long-passphrase")
    with pytest.raises(services.InvitationError, match=r"is for known@example\.edu"):
        services.accept_invitation_as(token="k", user=world.peer)
    services.accept_invitation_as(token="k", user=person)
    assert Membership.objects.get(user=person).campus == world.campus


def test_leaving_keeps_the_record_and_sets_left_on(world):
    membership = world.peer.memberships.get()
    with time_machine.travel("2027-03-04 12:00Z", tick=False):
        services.change_membership(
            membership=membership, role="peer_supporter", status="left", by=world.coordinator
        )
    membership.refresh_from_db()
    assert (membership.status, str(membership.left_on)) == ("left", "2027-03-04")
    services.change_membership(
        membership=membership, role="peer_supporter", status="active", by=world.coordinator
    )
    membership.refresh_from_db()
    assert (membership.status, membership.left_on) == ("active", None)
    assert membership.history.count() == 3


def test_last_coordinator_cannot_step_down(world):
    membership = world.coordinator.memberships.get()
    with pytest.raises(ValidationError, match="only active coordinator"):
        services.change_membership(
            membership=membership, role="peer_supporter", status="active", by=world.coordinator
        )
    membership.refresh_from_db()
    assert membership.role == "coordinator"
    MembershipFactory(campus=world.campus, role="coordinator")
    services.change_membership(
        membership=membership, role="peer_supporter", status="active", by=world.coordinator
    )
    membership.refresh_from_db()
    assert membership.role == "peer_supporter"


def test_database_refuses_left_without_date(world):
    membership = world.peer.memberships.get()
    with pytest.raises(IntegrityError):
        Membership.objects.filter(pk=membership.pk).update(status="left")


def test_database_refuses_two_memberships_on_one_campus(world):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=world.peer, campus=world.campus, role="coordinator")


def test_database_refuses_case_variant_duplicate_email(db):
    UserFactory(email="same@example.edu")
    with pytest.raises(IntegrityError):
        User.objects.create(email="SAME@example.edu", name="Twin")


def test_membership_history_names_who_changed_it_outside_a_request(world):
    membership = world.peer.memberships.get()
    services.change_membership(
        membership=membership, role="peer_supporter", status="on_leave", by=world.coordinator
    )
    latest = membership.history.first()
    assert (latest.status, latest.history_user) == ("on_leave", world.coordinator)
