"""The access record's pages: a campus's for its coordinators (times in the campus's zone,
filtered by kind and dates, 50 a page), everything for site admins, and its CSV export."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from members.models import AccessKind, AccessRecord
from members.records import record
from tests.factories import give_second_factor

pytestmark = pytest.mark.django_db

CAMPUS_RECORD_QUERIES = 8
ALL_RECORD_QUERIES = 4


def _campus_url(world):
    return reverse("reports:campus_access_record", kwargs={"campus": world.campus.slug})


def _at(when, **fields):
    """A row as if written at `when` (the record is append-only: created with its time)."""
    return AccessRecord.objects.create(at=when, **fields)


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(give_second_factor(world.coordinator))
    return client


@pytest.fixture
def admin_client(client, world):
    client.force_login(give_second_factor(world.admin))
    return client


def test_campus_record_shows_this_campus_only_in_its_zone(coordinator_client, world):
    _at(
        dt.datetime(2026, 9, 1, 3, 30, tzinfo=dt.UTC),
        kind=AccessKind.CASE_NOTES_READ,
        actor=world.peer,
        campus=world.campus,
        role="peer_supporter",
        meeting_id=7,
    )
    _at(
        dt.datetime(2026, 9, 1, 4, 0, tzinfo=dt.UTC),
        kind=AccessKind.EXPORT,
        actor=world.other_coordinator,
        campus=world.other_campus,
        role="coordinator",
    )
    response = coordinator_client.get(_campus_url(world))
    assert response.status_code == 200
    assert [r.actor for r in response.context["records"]] == [world.peer]
    html = response.content.decode()
    assert "31 Aug 2026, 23:30 EDT" in html  # the campus is in Toronto
    assert str(world.other_coordinator) not in html


def test_campus_record_filters_by_kind_and_days(coordinator_client, world):
    for day, kind in [(1, "export"), (2, "case_notes_read"), (3, "export"), (4, "export")]:
        _at(
            dt.datetime(2026, 9, day, 15, tzinfo=dt.UTC),
            kind=kind,
            actor=world.coordinator,
            campus=world.campus,
        )
    response = coordinator_client.get(
        _campus_url(world), {"kind": "export", "start": "2026-09-02", "end": "2026-09-03"}
    )
    assert [r.at.day for r in response.context["records"]] == [3]


def test_campus_record_bad_filter_says_so_and_shows_everything(coordinator_client, world):
    record(kind=AccessKind.EXPORT, user=world.coordinator, campus=world.campus)
    response = coordinator_client.get(
        _campus_url(world), {"kind": "drop table", "start": "1999-01-01", "end": "x"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice. drop table is not one of the available choices." in html
    assert "Enter a date as YYYY-MM-DD, e.g. 2026-09-01." in html
    assert len(response.context["records"]) == 1


def test_campus_record_start_after_end_is_refused(coordinator_client, world):
    response = coordinator_client.get(
        _campus_url(world), {"start": "2026-09-05", "end": "2026-09-01"}
    )
    assert "The start (2026-09-05) is after the end (2026-09-01)." in response.content.decode()


def test_campus_record_pages_by_fifty(coordinator_client, world):
    AccessRecord.objects.bulk_create(
        AccessRecord(kind="export", actor=world.coordinator, campus=world.campus) for _ in range(51)
    )
    response = coordinator_client.get(_campus_url(world), {"kind": "export", "page": "2"})
    assert len(response.context["records"]) == 1
    assert "?kind=export&amp;page=1" in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_record_pages_change_nothing_through_any_method(coordinator_client, world, method):
    record(kind=AccessKind.EXPORT, user=world.coordinator, campus=world.campus)
    response = getattr(coordinator_client, method)(_campus_url(world))
    assert response.status_code == 405
    assert AccessRecord.objects.filter(kind="export").count() == 1


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_site_admin_record_pages_refuse_writes(admin_client, world, method):
    for name in ("reports:access_record", "reports:access_record_csv"):
        assert getattr(admin_client, method)(reverse(name)).status_code == 405


@pytest.mark.parametrize("count", [3, 60])
def test_campus_record_queries(coordinator_client, world, django_assert_num_queries, count):
    AccessRecord.objects.bulk_create(
        AccessRecord(kind="case_notes_read", actor=world.peer, campus=world.campus, meeting_id=i)
        for i in range(count)
    )
    with django_assert_num_queries(CAMPUS_RECORD_QUERIES):
        response = coordinator_client.get(_campus_url(world))
    assert len(response.context["records"]) == min(count, 50)


@pytest.mark.parametrize("count", [3, 60])
def test_all_record_queries(admin_client, world, django_assert_num_queries, count):
    AccessRecord.objects.bulk_create(
        AccessRecord(kind="export", actor=world.coordinator, campus=world.campus)
        for _ in range(count)
    )
    with django_assert_num_queries(ALL_RECORD_QUERIES):
        response = admin_client.get(reverse("reports:access_record"), {"kind": "export"})
    assert len(response.context["records"]) == min(count, 50)


def test_site_admin_sees_every_campus(admin_client, world):
    record(kind=AccessKind.EXPORT, user=world.coordinator, campus=world.campus)
    record(kind=AccessKind.EXPORT, user=world.other_coordinator, campus=world.other_campus)
    record(kind=AccessKind.SIGN_IN_FAILED, user=None)
    response = admin_client.get(reverse("reports:access_record"), {"kind": "export"})
    assert {r.actor for r in response.context["records"]} == {
        world.coordinator,
        world.other_coordinator,
    }


def test_record_export_is_csv_with_inert_formulas_and_is_recorded(admin_client, world):
    world.peer.name = '=HYPERLINK("http://evil.test")'
    world.peer.save()
    _at(
        dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC),
        kind=AccessKind.CASE_NOTES_READ,
        actor=world.peer,
        campus=world.campus,
        role="peer_supporter",
        meeting_id=12,
    )
    response = admin_client.get(
        reverse("reports:access_record_csv"), {"start": "2026-09-01", "end": "2026-09-30"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="access-record-2026-09-01-to-2026-09-30.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert rows == [
        ["at (UTC)", "what", "who", "who (id)", "role", "campus", "meeting", "detail"],
        [
            "2026-09-01T12:00:00+00:00",
            "Read the case-collaboration notes",
            '\'=HYPERLINK("http://evil.test")',
            str(world.peer.pk),
            "Peer supporter",
            "riverside",
            "12",
            "",
        ],
    ]
    exported = AccessRecord.objects.get(kind="record_export")
    assert (exported.actor, exported.role, exported.detail) == (
        world.admin,
        "site_admin",
        "2026-09-01/2026-09-30",
    )
