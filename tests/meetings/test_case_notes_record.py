"""Every read and every edit of a meeting's case-collaboration notes is in the access record;
reading the minutes without the notes is not."""

import pytest
from django.urls import reverse

from meetings import minutes, services
from members.models import AccessRecord
from tests.factories import give_second_factor

pytestmark = pytest.mark.django_db

NOTES = "A student in residence felt isolated; we discussed referral options."


@pytest.fixture
def held(world, meeting, after_start):
    services.record_presence(
        meeting=meeting,
        presences={meeting.attendances.get(user=world.peer).pk: "present"},
        by=world.coordinator,
    )
    return meeting


def _url(meeting):
    return reverse("meetings:minutes", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk})


def _reads():
    return list(
        AccessRecord.objects.filter(kind="case_notes_read")
        .order_by("pk")
        .values_list("actor_id", "campus_id", "meeting_id", "role")
    )


def test_case_notes_read_by_a_present_peer_is_recorded(client, world, held):
    client.force_login(world.peer)
    assert client.get(_url(held)).status_code == 200
    assert _reads() == [(world.peer.pk, world.campus.pk, held.pk, "peer_supporter")]


def test_case_notes_read_by_a_coordinator_is_recorded(client, world, held):
    client.force_login(give_second_factor(world.coordinator))
    client.get(_url(held))
    assert _reads() == [(world.coordinator.pk, world.campus.pk, held.pk, "coordinator")]


def test_site_admin_sees_no_notes_and_records_no_read(client, world, held):
    client.force_login(give_second_factor(world.admin))
    assert client.get(_url(held)).status_code == 200
    assert _reads() == []


def test_minutes_without_the_notes_record_no_read(client, world, held):
    client.force_login(world.partner)  # not present: reads the minutes, never the notes
    assert client.get(_url(held)).status_code == 200
    assert _reads() == []


def test_case_notes_edit_is_recorded(world, held):
    minutes.save_case_notes(meeting=held, version=0, text=NOTES, by=world.coordinator)
    assert list(
        AccessRecord.objects.filter(kind="case_notes_edit").values_list(
            "actor_id", "campus_id", "meeting_id", "role", "detail"
        )
    ) == [(world.coordinator.pk, world.campus.pk, held.pk, "coordinator", "")]


def _history_url(meeting):
    return reverse(
        "meetings:minutes_history", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk}
    )


def test_minutes_history_shows_coordinators_who_read_the_notes(client, world, held):
    client.force_login(world.peer)
    client.get(_url(held))
    client.force_login(give_second_factor(world.coordinator))
    client.get(_url(held))
    html = client.get(_history_url(held)).content.decode()
    section = html.split('id="reads-heading"')[1].split("</section>")[0]
    assert f"{world.peer} (Peer supporter)" in section
    assert f"{world.coordinator} (Coordinator)" in section
    assert section.index(str(world.coordinator)) < section.index(str(world.peer))  # latest first
    assert "access record" not in section  # fewer reads than a page shows
    assert _reads() == [  # reading the history is no reading of the notes
        (world.peer.pk, world.campus.pk, held.pk, "peer_supporter"),
        (world.coordinator.pk, world.campus.pk, held.pk, "coordinator"),
    ]


def test_minutes_history_leads_to_the_access_record_for_older_reads(client, world, held):
    from members.records import record
    from members.selectors import CASE_NOTES_READS_SHOWN

    for _ in range(CASE_NOTES_READS_SHOWN):
        record(kind="case_notes_read", user=world.peer, campus=world.campus, meeting=held)
    client.force_login(give_second_factor(world.coordinator))
    html = client.get(_history_url(held)).content.decode()
    section = html.split('id="reads-heading"')[1].split("</section>")[0]
    assert section.count("(Peer supporter)") == CASE_NOTES_READS_SHOWN
    record_url = reverse("reports:campus_access_record", kwargs={"campus": world.campus.slug})
    assert f'href="{record_url}?kind=case_notes_read"' in section


def test_peers_see_no_reads_and_no_history(client, world, held):
    client.force_login(world.peer)
    assert "Who read the case notes" not in client.get(_url(held)).content.decode()
    assert client.get(_history_url(held)).status_code == 403


def test_who_read_the_notes_in_the_campus_time_zone_latest_first_in_one_query(
    world, held, django_assert_num_queries
):
    import datetime as dt

    import time_machine

    from members.records import record
    from members.selectors import CASE_NOTES_READS_SHOWN, case_notes_reads

    start = dt.datetime(2026, 9, 8, 21, 30, 15, tzinfo=dt.UTC)  # 17:30:15 in Toronto (EDT)
    for i in range(CASE_NOTES_READS_SHOWN + 5):
        with time_machine.travel(start + dt.timedelta(seconds=20 * i), tick=False):
            who = world.peer if i % 2 else None  # None: someone no longer known
            role = "peer_supporter" if i % 2 else "site_admin"
            record(kind="case_notes_read", user=who, campus=world.campus, meeting=held, role=role)
    with django_assert_num_queries(1):
        reads = case_notes_reads(campus=world.campus, meeting_id=held.pk)
    assert len(reads) == CASE_NOTES_READS_SHOWN
    assert reads[0] == {  # the 105th read: 17:30:15 + 104 x 20 s
        "at": "2026-09-08T18:04:55-04:00",
        "when": "8 Sep 2026, 18:04 EDT",
        "actor": None,
        "role": "Site admin",
    }
    assert reads[1] == {
        "at": "2026-09-08T18:04:35-04:00",
        "when": "8 Sep 2026, 18:04 EDT",
        "actor": str(world.peer),
        "role": "Peer supporter",
    }
    assert [read["when"] for read in reads[3:5]] == ["8 Sep 2026, 18:03 EDT"] * 2
    assert reads[-1]["at"] == "2026-09-08T17:31:55-04:00"  # the 6th read; older ones not shown
