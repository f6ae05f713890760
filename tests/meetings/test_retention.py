"""Retention: each campus, in its own time zone, erases the text of case-collaboration notes
(and, when it sets so, of minutes) older than its setting; the rows stay, marked erased."""

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings import minutes as minutes_service
from meetings.models import Attendance, CaseCollaborationNotes, Minutes
from meetings.retention import apply_retention, months_before
from meetings.tasks import apply_retention_task
from tests.factories import AttendanceFactory, CampusFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# 28 November 2026, 03:00 UTC: still the 27th in Toronto (22:00), already the 28th in Auckland.
NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)
NOTES = "We discussed a referral pathway for residence students."
SECTIONS = {
    "going_well": "Drop-in hours are busy.",
    "proving_difficult": "Evening shifts.",
    "ideas_for_improving": "Pair new peers with experienced ones.",
    "administrative_updates": "Training on 3 March.",
}


def _meeting(campus, starts_at, *, notes=NOTES, minutes=False, by):
    meeting = MeetingFactory(
        campus=campus, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1)
    )
    if notes:
        minutes_service.save_case_notes(meeting=meeting, version=0, text=notes, by=by)
    if minutes:
        minutes_service.save_minutes(meeting=meeting, version=0, by=by, **SECTIONS)
    return meeting


@pytest.fixture
def meetings(world):
    """Riverside (Toronto, 24 months): one meeting just past the period, one just inside it."""
    toronto = world.campus.tz
    old = _meeting(
        world.campus, dt.datetime(2024, 11, 26, 17, tzinfo=toronto), by=world.coordinator
    )
    recent = _meeting(
        world.campus, dt.datetime(2024, 11, 27, 9, tzinfo=toronto), by=world.coordinator
    )
    return old, recent


def _notes(meeting):
    return CaseCollaborationNotes.objects.get(meeting=meeting)


def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month():
    assert months_before(dt.date(2026, 11, 28), 24) == dt.date(2024, 11, 28)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_dry_run_changes_nothing_and_prints_what_would_be_erased(world, meetings):
    old, recent = meetings
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--at", NOW.isoformat(), stdout=out)
    assert out.getvalue().splitlines() == [
        "Retention at 2026-11-28T03:00:00+00:00 (dry run):",
        "  riverside: would erase the case-collaboration notes of 1 meeting before 2024-11-27:",
        f"    2024-11-26 {old.title} (#{old.pk})",
    ]
    for meeting in (old, recent):
        notes = _notes(meeting)
        assert (notes.text, notes.version, notes.erased_at) == (NOTES, 1, None)


def test_retention_erases_exactly_the_old_notes_and_twice_is_the_same(world, meetings):
    old, recent = meetings
    with time_machine.travel(NOW, tick=False):
        first = apply_retention()
    assert [(d.campus, d.notes_meetings, d.minutes_meetings) for d in first] == [
        (world.campus, [old], [])
    ]
    erased, kept = _notes(old), _notes(recent)
    assert (erased.text, erased.version, erased.erased_at) == ("", 2, NOW)
    assert (kept.text, kept.version, kept.erased_at) == (NOTES, 1, None)
    # The history says who wrote the notes and when, never the text; it stays.
    assert CaseCollaborationNotes.history.filter(meeting_id=old.pk).count() == 1
    assert not hasattr(CaseCollaborationNotes.history.model, "text")
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert apply_retention() == []
    erased.refresh_from_db()
    assert (erased.text, erased.version, erased.erased_at) == ("", 2, NOW)


def test_each_campus_counts_months_in_its_own_time_zone(world):
    auckland = CampusFactory(slug="auckland", time_zone="Pacific/Auckland")
    # 27 November 2024, 08:00 UTC: 03:00 on the 27th in Toronto, 21:00 on the 27th in Auckland.
    instant = dt.datetime(2024, 11, 27, 8, tzinfo=dt.UTC)
    in_toronto = _meeting(world.campus, instant, by=world.coordinator)
    in_auckland = _meeting(auckland, instant, by=world.coordinator)
    decisions = apply_retention(now=NOW)
    # Toronto's today is the 27th (cut-off 27 Nov 2024); Auckland's is the 28th.
    assert [(d.campus, d.notes_before, d.notes_meetings) for d in decisions] == [
        (auckland, dt.date(2024, 11, 28), [in_auckland])
    ]
    assert (_notes(in_toronto).text, _notes(in_auckland).text) == (NOTES, "")


def test_campus_setting_shortens_the_period(world, meetings):
    old, recent = meetings
    world.campus.case_notes_retention_months = 1
    world.campus.save()
    apply_retention(now=NOW)
    assert (_notes(old).text, _notes(recent).text) == ("", "")


def test_minutes_are_kept_indefinitely_unless_the_campus_sets_a_period(world):
    meeting = _meeting(
        world.campus,
        dt.datetime(2020, 5, 5, 17, tzinfo=world.campus.tz),
        minutes=True,
        by=world.coordinator,
    )
    AttendanceFactory(meeting=meeting, user=world.peer)
    apply_retention(now=NOW)
    assert Minutes.objects.get(meeting=meeting).going_well == SECTIONS["going_well"]

    world.campus.minutes_retention_months = 60
    world.campus.save()
    decisions = apply_retention(now=NOW)
    assert [(d.campus, d.minutes_before, d.minutes_meetings) for d in decisions] == [
        (world.campus, dt.date(2021, 11, 27), [meeting])
    ]
    minutes = Minutes.objects.get(meeting=meeting)
    assert [getattr(minutes, f) for f in SECTIONS] == ["", "", "", ""]
    assert (minutes.version, minutes.erased_at) == (2, NOW)
    # The minutes' history kept each version's text: scrubbed too, rows kept.
    history = list(Minutes.history.filter(meeting_id=meeting.pk).values(*SECTIONS))
    assert history == [dict.fromkeys(SECTIONS, "")]
    # Attendance stays for the campus's figures.
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_erased_notes_show_that_they_existed(client, world, meetings):
    old, _recent = meetings
    apply_retention(now=NOW)
    client.force_login(world.coordinator)
    url = reverse("meetings:minutes", kwargs={"campus": "riverside", "pk": old.pk})
    page = client.get(url).content.decode()
    assert "Case notes erased on 27 Nov 2026 under the campus's retention setting." in page
    assert NOTES not in page


def test_writing_erased_notes_again_clears_the_mark(world, meetings):
    old, _recent = meetings
    apply_retention(now=NOW)
    notes = minutes_service.save_case_notes(
        meeting=old, version=2, text="Written again.", by=world.coordinator
    )
    assert (notes.text, notes.version, notes.erased_at) == ("Written again.", 3, None)


def test_daily_task_is_scheduled_and_erases(world, meetings):
    old, _recent = meetings
    schedule = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert schedule["task"] == apply_retention_task.name == "meetings.apply_retention"
    with time_machine.travel(NOW, tick=False):
        assert apply_retention_task.delay().get() == 1
    assert _notes(old).text == ""


@pytest.mark.parametrize("at", ["yesterday", "2026-11-28T03:00:00", "1999-01-01T00:00:00+00:00"])
def test_command_refuses_a_bad_instant(world, at):
    with pytest.raises(CommandError):
        call_command("apply_retention", "--at", at, stdout=io.StringIO())


@pytest.mark.parametrize("value", ["0", "-3", "241"])
def test_retention_setting_out_of_range_is_refused(coordinator_client, world, value):
    data = {
        "time_zone": "America/Toronto",
        "partner_organisation": "",
        "reminder_hours_before": 48,
        "partner_initial_meetings": 3,
        "attendance_window": 3,
        "attendance_max_missed": 2,
        "check_in_grace_minutes": 10,
        "check_in_opens_minutes_before": 15,
        "check_in_closes_minutes_after": 30,
        "case_notes_retention_months": value,
        "minutes_retention_months": value,
    }
    response = coordinator_client.post("/c/riverside/settings/", data)
    errors = response.context["form"].errors
    assert set(errors) == {"case_notes_retention_months", "minutes_retention_months"}
    world.campus.refresh_from_db()
    assert (world.campus.case_notes_retention_months, world.campus.minutes_retention_months) == (
        24,
        None,
    )


def test_coordinator_sets_retention(coordinator_client, world):
    data = {
        "time_zone": "America/Toronto",
        "partner_organisation": "",
        "reminder_hours_before": 48,
        "partner_initial_meetings": 3,
        "attendance_window": 3,
        "attendance_max_missed": 2,
        "check_in_grace_minutes": 10,
        "check_in_opens_minutes_before": 15,
        "check_in_closes_minutes_after": 30,
        "case_notes_retention_months": "36",
        "minutes_retention_months": "120",
    }
    response = coordinator_client.post("/c/riverside/settings/", data)
    assert response.status_code == 302
    world.campus.refresh_from_db()
    assert (world.campus.case_notes_retention_months, world.campus.minutes_retention_months) == (
        36,
        120,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("case_notes_retention_months", 0), ("minutes_retention_months", 0)],
)
def test_database_refuses_a_zero_retention(world, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        type(world.campus).objects.filter(pk=world.campus.pk).update(**{field: value})


def test_database_refuses_erased_notes_with_text(world, meetings):
    old, _recent = meetings
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseCollaborationNotes.objects.filter(meeting=old).update(erased_at=NOW)
