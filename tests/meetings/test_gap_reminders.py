import logging
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from meetings.models import GapReminder, Meeting
from meetings.reminders import check_meeting_gaps, due_stages
from outbox.models import OutboundEmail
from tests.factories import CampusFactory, MeetingFactory, MembershipFactory, UserFactory

TORONTO = ZoneInfo("America/Toronto")
ROOT = Path(__file__).resolve().parents[2]


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ((2026, 12, 1, 0, 0), [(date(2026, 12, 1), "overdue")]),
        ((2026, 12, 14, 23, 59), [(date(2026, 12, 1), "overdue")]),
        ((2026, 12, 15, 0, 0), [(date(2026, 12, 1), "escalation")]),
        ((2026, 12, 19, 23, 59), [(date(2026, 12, 1), "escalation")]),
        (
            (2026, 12, 20, 0, 0),
            [(date(2026, 12, 1), "escalation"), (date(2027, 1, 1), "upcoming")],
        ),
    ],
)
def test_due_stages(moment, expected):
    assert due_stages(local(TORONTO, *moment)) == expected


@pytest.fixture
def quiet_campus(world):
    """Riverside (Toronto) with November 2026 held, so only December is in question."""
    MeetingFactory(campus=world.campus, starts_at=local(TORONTO, 2026, 11, 10, 17, 0))
    return world.campus


def _gap_mail(campus):
    return sorted(
        OutboundEmail.objects.filter(campus=campus, kind__startswith="gap_").values_list(
            "kind", "to"
        )
    )


@pytest.mark.django_db
def test_overdue_month_reminds_coordinators_once(quiet_campus, world):
    at = local(TORONTO, 2026, 12, 1, 9, 0)
    first = [str(d) for d in check_meeting_gaps(at=at) if d.campus == quiet_campus]
    again = [str(d) for d in check_meeting_gaps(at=at) if d.campus == quiet_campus]
    assert first == [
        f"riverside: December 2026 overdue — sent to 1 person (user id {world.coordinator.pk})"
    ]
    assert again == ["riverside: December 2026 overdue — already sent"]
    assert _gap_mail(quiet_campus) == [("gap_overdue", world.coordinator.email)]
    email = OutboundEmail.objects.get(kind="gap_overdue", campus=quiet_campus)
    assert "December 2026" in email.subject
    assert "/c/riverside/meetings/new/" in email.body_text
    assert "/profile/" in email.body_text
    assert "Riverside" in email.body_html


@pytest.mark.django_db
def test_escalation_goes_to_site_admins_too(quiet_campus, world):
    check_meeting_gaps(at=local(TORONTO, 2026, 12, 15, 0, 30))
    assert _gap_mail(quiet_campus) == sorted(
        [("gap_escalation", world.coordinator.email), ("gap_escalation", world.admin.email)]
    )


@pytest.fixture
def campus_without_coordinator(world):
    """Lakeside: a peer supporter, a coordinator on leave and one whose account is closed."""
    campus = CampusFactory(slug="lakeside", name="Lakeside")
    MembershipFactory(campus=campus)
    MembershipFactory(campus=campus, role="coordinator", status="on_leave")
    closed = MembershipFactory(campus=campus, role="coordinator").user
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    return campus


def _lakeside(decisions):
    return [str(d) for d in decisions if d.campus.slug == "lakeside"]


@pytest.mark.django_db
@pytest.mark.parametrize("stage_day", [(2, "overdue"), (16, "escalation")])
def test_a_campus_without_an_active_coordinator_tells_the_site_admins_why(
    campus_without_coordinator, world, stage_day
):
    day, stage = stage_day
    second_admin = UserFactory(is_superuser=True, email="root@example.edu")
    decisions = check_meeting_gaps(at=local(TORONTO, 2027, 3, day, 9, 0))
    assert _lakeside(decisions) == [
        f"lakeside: March 2027 {stage} — sent to 2 people (user id {world.admin.pk}, "
        f"{second_admin.pk}), the site admins: no active coordinator"
    ]
    assert _gap_mail(campus_without_coordinator) == sorted(
        [(f"gap_{stage}", world.admin.email), (f"gap_{stage}", "root@example.edu")]
    )
    email = OutboundEmail.objects.get(campus=campus_without_coordinator, to=world.admin.email)
    assert "Lakeside has no active coordinator, so this comes to you." in email.body_text
    assert "<strong>Lakeside</strong> has no active coordinator, so this comes to you." in (
        email.body_html
    )
    assert "Appoint a coordinator: http://127.0.0.1:8000/c/lakeside/members/" in email.body_text
    assert "Site admins receive this reminder too." not in email.body_text
    assert GapReminder.objects.get(campus=campus_without_coordinator).recipients == 2


@pytest.mark.django_db
def test_with_nobody_to_tell_nothing_is_recorded_and_the_next_check_tries_again(
    campus_without_coordinator, world, caplog
):
    caplog.set_level(logging.WARNING, logger="meetings.reminders")
    world.admin.is_active = False
    world.admin.save(update_fields=["is_active"])
    at = local(TORONTO, 2027, 3, 2, 9, 0)
    assert _lakeside(check_meeting_gaps(at=at)) == [
        "lakeside: March 2027 overdue — nobody to tell (no active coordinator, no active site "
        "admin)"
    ]
    assert GapReminder.objects.filter(campus=campus_without_coordinator).count() == 0
    assert _gap_mail(campus_without_coordinator) == []
    assert [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "meetings.reminders"
    ] == [
        (
            "WARNING",
            "Gap reminder lakeside 2027-03 overdue: nobody to tell (no active coordinator, no "
            "active site admin); the next check tries again",
        )
    ]
    assert _lakeside(check_meeting_gaps(at=at, dry_run=True)) == [
        "lakeside: March 2027 overdue — nobody to tell (no active coordinator, no active site "
        "admin)"
    ]

    world.admin.is_active = True
    world.admin.save(update_fields=["is_active"])
    assert _lakeside(check_meeting_gaps(at=at + timedelta(hours=1))) == [
        f"lakeside: March 2027 overdue — sent to 1 person (user id {world.admin.pk}), the site "
        "admins: no active coordinator"
    ]
    assert _gap_mail(campus_without_coordinator) == [("gap_overdue", world.admin.email)]
    assert _lakeside(check_meeting_gaps(at=at + timedelta(hours=2))) == [
        "lakeside: March 2027 overdue — already sent"
    ]


@pytest.mark.django_db
def test_nothing_is_sent_once_a_meeting_exists(quiet_campus):
    MeetingFactory(campus=quiet_campus, starts_at=local(TORONTO, 2026, 12, 8, 17, 0))
    decisions = check_meeting_gaps(at=local(TORONTO, 2026, 12, 16, 9, 0))
    assert [d.outcome for d in decisions if d.campus == quiet_campus] == ["has a meeting"]
    assert _gap_mail(quiet_campus) == []


@pytest.mark.django_db
def test_a_cancelled_meeting_does_not_count(quiet_campus):
    MeetingFactory(
        campus=quiet_campus,
        starts_at=local(TORONTO, 2026, 12, 8, 17, 0),
        status=Meeting.Status.CANCELLED,
        cancelled_reason="Room unavailable",
        cancelled_at=local(TORONTO, 2026, 12, 1, 9, 0),
    )
    check_meeting_gaps(at=local(TORONTO, 2026, 12, 2, 9, 0))
    assert [kind for kind, _ in _gap_mail(quiet_campus)] == ["gap_overdue"]


@pytest.mark.django_db
def test_late_evening_on_the_last_day_counts_for_that_month_in_the_campus_zone(world):
    # 23:30 on 30 November in Toronto is already 1 December in UTC.
    MeetingFactory(campus=world.campus, starts_at=local(TORONTO, 2026, 11, 30, 23, 30))
    decisions = check_meeting_gaps(at=local(TORONTO, 2026, 11, 30, 23, 45))
    mine = [(d.month, d.stage, d.outcome) for d in decisions if d.campus == world.campus]
    assert mine == [
        (date(2026, 11, 1), "escalation", "has a meeting"),
        (date(2026, 12, 1), "upcoming", "sent"),
    ]


@pytest.mark.django_db
def test_dry_run_decides_but_sends_nothing(quiet_campus, world):
    decisions = check_meeting_gaps(at=local(TORONTO, 2026, 12, 3, 9, 0), dry_run=True)
    assert [str(d) for d in decisions if d.campus == quiet_campus] == [
        "riverside: December 2026 overdue — would send to 1 person "
        f"(user id {world.coordinator.pk})"
    ]
    assert GapReminder.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_command_prints_each_campus_decision(quiet_campus, world, capsys):
    call_command("check_meeting_gaps", "--at", "2026-12-03T09:00:00-05:00", "--dry-run")
    out = capsys.readouterr().out
    assert "Meeting gaps at 2026-12-03T09:00:00-05:00 (dry run):" in out
    assert (
        f"  riverside: December 2026 overdue — would send to 1 person "
        f"(user id {world.coordinator.pk})\n" in out
    )
    assert "hillside: December 2026" in out
    assert "@" not in out  # people by id, never by address
    with pytest.raises(CommandError, match="needs a UTC offset"):
        call_command("check_meeting_gaps", "--at", "2026-12-03T09:00:00")
    with pytest.raises(CommandError, match="--at"):
        call_command("check_meeting_gaps", "--at", "next tuesday")


@pytest.mark.django_db
def test_check_takes_the_same_queries_for_campuses_that_need_nothing(
    world, django_assert_num_queries
):
    at = local(TORONTO, 2026, 12, 5, 9, 0)
    for campus in (world.campus, world.other_campus):
        MeetingFactory(campus=campus, starts_at=local(TORONTO, 2026, 12, 9, 17, 0))
    with django_assert_num_queries(3):
        check_meeting_gaps(at=at)
    for _ in range(30):
        campus = CampusFactory()
        MeetingFactory(campus=campus, starts_at=local(TORONTO, 2026, 12, 9, 17, 0))
    with django_assert_num_queries(3):
        check_meeting_gaps(at=at)


@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_from_two_processes_send_once(quiet_campus, world, second_process_env):
    env = {**second_process_env, "EMAIL_URL": "consolemail://"}
    command = [sys.executable, "manage.py", "check_meeting_gaps", "--at", "2026-12-16T09:00-05:00"]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0]
    said = Counter(
        line.split("— ")[1].split(" to ")[0]
        for out in outputs
        for line in out.splitlines()
        if line.strip().startswith("riverside: December 2026 escalation")
    )
    assert said == {"sent": 1, "already sent": 1}
    assert GapReminder.objects.filter(campus=quiet_campus).count() == 1
    assert len(_gap_mail(quiet_campus)) == 2  # the coordinator and the site admin


# --- two whole years, hour by hour -------------------------------------------------------
ZONES = {"toronto": "America/Toronto", "vancouver": "America/Vancouver", "kolkata": "Asia/Kolkata"}
MISSING = {
    # months without a meeting; DST changes fall in March and November in North America
    "toronto": {(2027, 3), (2027, 5), (2027, 11)},
    "vancouver": {(2027, 10), (2028, 3), (2028, 11)},
    "kolkata": {(2027, 7), (2028, 1)},
}


def _months(start, end):
    year, month = start
    while (year, month) <= end:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@pytest.mark.django_db
def test_two_years_of_hourly_checks_send_exactly_the_expected_reminders(db):
    from tests.factories import UserFactory

    UserFactory(is_superuser=True, email="root@example.edu")
    campuses = {}
    for slug, zone in ZONES.items():
        campus = CampusFactory(slug=slug, time_zone=zone)
        MembershipFactory(campus=campus, role="coordinator")
        tz = ZoneInfo(zone)
        for year, month in _months((2026, 11), (2029, 2)):
            if (year, month) in MISSING[slug]:
                continue
            day, hour, minute = (10, 18, 0)
            if slug == "toronto" and (year, month) == (2027, 4):
                day, hour, minute = (30, 23, 30)  # the last evening of April still counts
            MeetingFactory(
                campus=campus, starts_at=datetime(year, month, day, hour, minute, tzinfo=tz)
            )
        # A cancelled meeting is no meeting.
        if slug == "kolkata":
            MeetingFactory(
                campus=campus,
                starts_at=datetime(2027, 7, 10, 18, 0, tzinfo=tz),
                status=Meeting.Status.CANCELLED,
                cancelled_reason="Festival holiday",
                cancelled_at=datetime(2027, 7, 1, 9, 0, tzinfo=tz),
            )
        campuses[slug] = campus

    at = datetime(2027, 1, 1, 0, 0, tzinfo=ZoneInfo("UTC"))
    end = datetime(2029, 1, 1, 0, 0, tzinfo=ZoneInfo("UTC"))
    while at < end:
        check_meeting_gaps(at=at)
        at += timedelta(hours=1)

    for slug, campus in campuses.items():
        sent = sorted(
            (r.month.year, r.month.month, r.stage)
            for r in GapReminder.objects.filter(campus=campus)
        )
        expected = sorted(
            (year, month, stage)
            for year, month in MISSING[slug]
            for stage in ("upcoming", "overdue", "escalation")
        )
        assert sent == expected, slug
        kinds = Counter(OutboundEmail.objects.filter(campus=campus).values_list("kind", flat=True))
        missing = len(MISSING[slug])
        assert kinds == {
            "gap_upcoming": missing,
            "gap_overdue": missing,
            "gap_escalation": 2 * missing,
        }
    keys = list(OutboundEmail.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))


@pytest.mark.django_db
def test_hourly_task_is_scheduled_and_sends(quiet_campus, world, settings, caplog):
    from meetings.tasks import check_meeting_gaps_task

    caplog.set_level(logging.INFO, logger="meetings.tasks")
    entry = settings.CELERY_BEAT_SCHEDULE["check-meeting-gaps"]
    assert entry["task"] == check_meeting_gaps_task.name
    assert entry["schedule"].minute == {0}
    assert len(entry["schedule"].hour) == 24
    with time_machine.travel(local(TORONTO, 2026, 12, 2, 9, 0), tick=False):
        sent = check_meeting_gaps_task()
    assert [line for line in sent if line.startswith("riverside")] == [
        f"riverside: December 2026 overdue — sent to 1 person (user id {world.coordinator.pk})"
    ]
    assert (
        f"Gap reminder riverside: December 2026 overdue — sent to 1 person "
        f"(user id {world.coordinator.pk})"
    ) in [r.getMessage() for r in caplog.records if r.name == "meetings.tasks"]
    assert "@" not in caplog.text  # no address in the logs
    assert not any("@" in line for line in sent)  # nor in the task's result
