"""A term's cohort: inviting many at once, re-sending what is pending, leaving together."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.invite_lists import read_invite_list
from members.models import Invitation, Membership
from outbox.models import OutboundEmail
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FIVE_WITH_ONE_BAD = (
    "Ama Owusu <ama@example.edu>\n"
    "ben@example.edu, Ben Tremblay\n"
    "not-an-address\n"
    "cleo@example.edu\n"
    "dana@example.edu, Dana Roy, coordinator\n"
)


def _invite(world, text, **kwargs):
    return services.invite_many(
        campus=world.campus,
        rows=read_invite_list(text),
        default_role=Membership.Role.PEER_SUPPORTER,
        by=world.coordinator,
        **kwargs,
    )


def test_invite_many_with_a_bad_row_invites_nobody(world):
    with pytest.raises(services.BatchRefused) as refused:
        _invite(world, FIVE_WITH_ONE_BAD)
    bad = [(row.line, row.problem) for row in refused.value.rows if not row.is_valid]
    assert bad == [(3, "Not an e-mail address: “not-an-address”.")]
    assert Invitation.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_invite_many_skipping_bad_rows_invites_the_others(world):
    result = _invite(world, FIVE_WITH_ONE_BAD, skip_bad=True)
    assert [i.email for i in result.invited] == [
        "ama@example.edu",
        "ben@example.edu",
        "cleo@example.edu",
        "dana@example.edu",
    ]
    assert [row.line for row in result.skipped] == [3]
    dana = Invitation.objects.get(email="dana@example.edu")
    assert (dana.name, dana.role) == ("Dana Roy", "coordinator")
    assert Invitation.objects.get(email="ama@example.edu").name == "Ama Owusu"
    assert OutboundEmail.objects.filter(kind="invitation").count() == 4


def test_invite_many_reports_every_kind_of_bad_row(world):
    MembershipFactory(campus=world.campus, user=UserFactory(email="member@example.edu"))
    MembershipFactory(
        campus=world.campus,
        user=UserFactory(email="gone@example.edu"),
        status=Membership.Status.LEFT,
        joined_on="2025-09-01",
        left_on="2026-04-30",
    )
    InvitationFactory(campus=world.campus, email="pending@example.edu")
    text = (
        "email,name,role\n"
        "new@example.edu,New Person,\n"
        "NEW@example.edu,Again,\n"
        "member@example.edu,,\n"
        "gone@example.edu,,\n"
        "pending@example.edu,,\n"
        "boss@example.edu,,admin\n"
        "odd@example.edu,,captain\n"
        "@example.edu,,\n"
    )
    with pytest.raises(services.BatchRefused) as refused:
        _invite(world, text)
    assert [(row.line, row.problem) for row in refused.value.rows] == [
        (2, ""),
        (3, "Duplicate: new@example.edu is already on line 2."),
        (4, "member@example.edu is already a member."),
        (5, "gone@example.edu left on 30 Apr 2026: set them active again on the members page."),
        (6, "pending@example.edu has already been invited: re-send it from the members page."),
        (
            7,
            "Role not allowed: an invitation cannot make a site admin (coordinator, peer "
            "supporter or partner representative).",
        ),
        (
            8,
            "Unknown role “captain”: use coordinator, peer supporter or partner representative.",
        ),
        (9, "Not an e-mail address: “@example.edu”."),
    ]
    assert Invitation.objects.count() == 1


def test_invite_many_adds_people_with_an_account_at_once(world):
    UserFactory(email="known@example.edu")
    result = _invite(world, "known@example.edu\nfresh@example.edu\n")
    assert [m.user.email for m in result.added] == ["known@example.edu"]
    assert [i.email for i in result.invited] == ["fresh@example.edu"]


def test_invite_many_with_only_bad_rows_is_refused_even_when_skipping(world):
    with pytest.raises(services.BatchRefused):
        _invite(world, "nope\n", skip_bad=True)
    assert Invitation.objects.count() == 0


def test_invite_many_refuses_an_empty_list(world):
    with pytest.raises(ValidationError, match="the list is empty"):
        _invite(world, "\n\n")


def test_resend_pending_invitations_sends_each_once_per_resend(world):
    old = timezone.now() - timezone.timedelta(days=20)
    expired = InvitationFactory(
        campus=world.campus, sent_at=old, expires_at=old + timezone.timedelta(days=14)
    )
    pending = InvitationFactory(campus=world.campus, sent_at=old)
    InvitationFactory(campus=world.campus, sent_at=old, accepted_at=timezone.now())
    InvitationFactory(campus=world.other_campus, sent_at=old)

    result = services.resend_pending_invitations(campus=world.campus, by=world.coordinator)

    assert sorted(i.pk for i in result.resent) == sorted([expired.pk, pending.pk])
    assert OutboundEmail.objects.filter(kind="invitation").count() == 2
    expired.refresh_from_db()
    assert expired.expires_at > timezone.now()
    # A second click straight away sends nothing again.
    again = services.resend_pending_invitations(campus=world.campus, by=world.coordinator)
    assert (len(again.resent), len(again.too_recent)) == (0, 2)
    assert OutboundEmail.objects.filter(kind="invitation").count() == 2
    # A later re-send goes out once more, once.
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        later = services.resend_pending_invitations(campus=world.campus, by=world.coordinator)
    assert len(later.resent) == 2
    assert OutboundEmail.objects.filter(kind="invitation").count() == 4


def test_mark_members_left_marks_all_of_them(world):
    leaving = [MembershipFactory(campus=world.campus) for _ in range(3)]
    services.mark_members_left(campus=world.campus, memberships=leaving, by=world.coordinator)
    today = timezone.localdate()
    assert {
        (m.status, m.left_on) for m in Membership.objects.filter(pk__in=[m.pk for m in leaving])
    } == {("left", today)}


def test_mark_members_left_keeps_the_last_coordinator_and_changes_nothing(world):
    peer = world.peer.memberships.get()
    coordinator = world.coordinator.memberships.get()
    with pytest.raises(ValidationError, match="would have no active coordinator left"):
        services.mark_members_left(
            campus=world.campus, memberships=[peer, coordinator], by=world.coordinator
        )
    assert set(Membership.objects.filter(campus=world.campus).values_list("status", flat=True)) == {
        "active"
    }


def test_mark_members_left_lets_a_coordinator_go_when_another_stays(world):
    MembershipFactory(campus=world.campus, role=Membership.Role.COORDINATOR)
    coordinator = world.coordinator.memberships.get()
    services.mark_members_left(campus=world.campus, memberships=[coordinator], by=world.coordinator)
    coordinator.refresh_from_db()
    assert coordinator.status == "left"


def test_mark_members_left_refuses_another_campus_member(world):
    stranger = world.other_coordinator.memberships.get()
    with pytest.raises(ValidationError, match="not members of this campus"):
        services.mark_members_left(
            campus=world.campus, memberships=[stranger], by=world.coordinator
        )


def test_invite_many_knows_members_whatever_the_case_of_their_address(world):
    type(world.peer).objects.filter(pk=world.peer.pk).update(email="Peer.Person@Example.edu")
    with pytest.raises(services.BatchRefused) as refused:
        _invite(world, "peer.person@example.edu\n")
    assert refused.value.rows[0].problem == "peer.person@example.edu is already a member."


def test_invite_many_greets_each_person_by_the_name_given(world):
    _invite(world, "Ama Owusu <ama@example.edu>\nben@example.edu\n")
    bodies = dict(OutboundEmail.objects.values_list("to", "body_text"))
    assert bodies["ama@example.edu"].startswith("Hello Ama Owusu,\n")
    assert bodies["ben@example.edu"].startswith("Hello,\n")


def test_mark_members_left_is_in_the_access_record_as_one_change_each(world):
    from members.models import AccessRecord

    leaving = [MembershipFactory(campus=world.campus) for _ in range(2)]
    services.mark_members_left(campus=world.campus, memberships=leaving, by=world.coordinator)
    assert sorted(
        AccessRecord.objects.filter(kind="role_change").values_list("actor", "role", "detail")
    ) == sorted(
        (world.coordinator.pk, "coordinator", f"membership {m.pk}: {m.role}/active → {m.role}/left")
        for m in leaving
    )
