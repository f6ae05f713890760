"""The access record: append-only (the model and the database refuse changes), and written at
every sensitive step: sign-ins, failed sign-ins, role changes, invitations, second factors,
single sign-on links, exports."""

import pytest
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from members import services
from members.models import AccessKind, AccessRecord, Membership
from members.records import record
from tests.factories import PASSWORD, give_second_factor

pytestmark = pytest.mark.django_db


def _rows(**filters):
    return list(
        AccessRecord.objects.filter(**filters).values_list("kind", "actor_id", "campus_id", "role")
    )


def test_record_keeps_who_where_and_role(world):
    row = record(kind=AccessKind.EXPORT, user=world.coordinator, campus=world.campus, detail="x")
    assert (row.kind, row.actor, row.campus, row.role, row.detail) == (
        "export",
        world.coordinator,
        world.campus,
        "coordinator",
        "x",
    )


def test_record_of_a_site_admin_outside_any_campus_says_site_admin(world):
    row = record(kind=AccessKind.EXPORT, user=world.admin, campus=world.campus)
    assert row.role == "site_admin"


def test_record_row_cannot_be_saved_again(world):
    row = record(kind=AccessKind.EXPORT, user=world.coordinator)
    row.detail = "changed"
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    assert AccessRecord.objects.get().detail == ""


def test_record_row_cannot_be_deleted_through_the_model(world):
    row = record(kind=AccessKind.EXPORT, user=world.coordinator)
    with pytest.raises(ValueError, match="append-only"):
        row.delete()
    assert AccessRecord.objects.count() == 1


def test_record_database_refuses_raw_update(world):
    row = record(kind=AccessKind.EXPORT, user=world.coordinator)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE members_accessrecord SET detail = 'changed' WHERE id = %s", [row.pk])
    assert AccessRecord.objects.get().detail == ""


def test_record_database_refuses_raw_delete_and_queryset_delete(world):
    record(kind=AccessKind.EXPORT, user=world.coordinator)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM members_accessrecord")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.update(actor=None)
    assert AccessRecord.objects.count() == 1


def test_sign_in_is_recorded(client, world):
    client.post(reverse("account_login"), {"login": world.peer.email, "password": PASSWORD})
    assert _rows(kind="sign_in") == [("sign_in", world.peer.pk, None, "")]


def test_failed_sign_in_is_recorded_without_address(client, world):
    client.post(reverse("account_login"), {"login": world.peer.email, "password": "wrong"})
    client.post(reverse("account_login"), {"login": "nobody@example.edu", "password": "x"})
    rows = AccessRecord.objects.filter(kind="sign_in_failed")
    assert list(rows.values_list("actor_id", "campus_id", "role", "detail")) == [
        (None, None, "", ""),
        (None, None, "", ""),
    ]


def test_role_change_is_recorded_with_before_and_after(world):
    membership = Membership.objects.get(user=world.peer)
    services.change_membership(
        membership=membership, role="coordinator", status="active", by=world.coordinator
    )
    row = AccessRecord.objects.get(kind="role_change")
    assert (row.actor, row.campus, row.role, row.detail) == (
        world.coordinator,
        world.campus,
        "coordinator",
        f"membership {membership.pk}: peer_supporter/active → coordinator/active",
    )


def test_unchanged_role_records_nothing(world):
    membership = Membership.objects.get(user=world.peer)
    services.change_membership(
        membership=membership, role="peer_supporter", status="active", by=world.coordinator
    )
    assert _rows(kind="role_change") == []


def test_invitation_is_recorded_without_the_address(world):
    result = services.invite_member(
        campus=world.campus, email="new@example.edu", role="peer_supporter", by=world.coordinator
    )
    row = AccessRecord.objects.get(kind="invitation")
    assert (row.actor, row.campus, row.detail) == (
        world.coordinator,
        world.campus,
        f"invitation {result.invitation.pk} as peer_supporter",
    )


def test_second_factor_reset_and_changes_are_recorded(world):
    give_second_factor(world.coordinator)
    authenticator = Authenticator.objects.get(user=world.coordinator)
    mfa_signals.authenticator_added.send(
        sender=Authenticator, request=None, user=world.coordinator, authenticator=authenticator
    )
    services.reset_second_factors(user=world.coordinator, by=world.admin)
    assert list(
        AccessRecord.objects.filter(kind="mfa_change")
        .order_by("pk")
        .values_list("actor_id", "detail")
    ) == [
        (world.coordinator.pk, "added totp"),
        (world.admin.pk, f"reset the second factors of user {world.coordinator.pk}"),
    ]


def test_single_sign_on_link_is_recorded(world):
    SocialAccount.objects.create(user=world.peer, provider="campus-idp", uid="abc")
    assert list(AccessRecord.objects.values_list("kind", "actor_id", "detail")) == [
        ("sso_link", world.peer.pk, "linked campus-idp")
    ]


def test_csv_export_is_recorded_with_its_range(client, world):
    give_second_factor(world.coordinator)
    client.force_login(world.coordinator)
    url = reverse("reports:attendance_csv", kwargs={"campus": world.campus.slug})
    response = client.get(url, {"start": "2026-01-01", "end": "2026-03-31"})
    assert response.status_code == 200
    row = AccessRecord.objects.get(kind="export")
    assert (row.actor, row.campus, row.role, row.detail) == (
        world.coordinator,
        world.campus,
        "coordinator",
        "attendance-riverside-2026-01-01-to-2026-03-31.csv",
    )


def test_a_person_with_record_lines_is_erased_not_deleted(world):
    """Deleting would have to change the lines that name them: refused cleanly (the site
    admin's way is erasure, which keeps the lines pointing at the anonymised account)."""
    from django.db.models import ProtectedError

    record(kind=AccessKind.SIGN_IN, user=world.peer)
    with pytest.raises(ProtectedError), transaction.atomic():
        world.peer.delete()
    assert AccessRecord.objects.filter(actor=world.peer).count() == 1
