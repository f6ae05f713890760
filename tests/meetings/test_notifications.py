import datetime as dt
import time

import pytest
from django.test import Client
from icalendar import Calendar

from meetings import minutes, services
from meetings.models import Attendance
from meetings.reminders import send_meeting_reminders, send_presence_nudges
from outbox import tasks
from outbox.models import OutboundEmail

from .conftest import local

pytestmark = pytest.mark.django_db


def _mail(kind, **filters):
    return list(OutboundEmail.objects.filter(kind=kind, **filters).order_by("to"))


def _ics(email):
    return Calendar.from_ical(email.ics)


def test_scheduling_invites_everyone_expected_with_ics_and_respond_links(world, meeting):
    invitations = _mail("meeting_invitation")
    assert sorted(e.to for e in invitations) == sorted(
        u.email for u in (world.coordinator, world.peer, world.partner)
    )
    email = next(e for e in invitations if e.to == world.peer.email)
    assert (
        email.subject
        == "[CoPractice] Community of practice: September meeting, Tue 8 Sep 2026, 17:00"
    )
    assert "Riverside" in email.body_text
    assert "Tue 8 Sep 2026, 17:00\N{EN DASH}18:30 EDT (America/Toronto)" in email.body_text
    assert "/profile/" in email.body_text and "/profile/" in email.body_html
    cal = _ics(email)
    assert cal["method"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.ical_uid
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == dt.datetime(2026, 9, 8, 21, 0, tzinfo=dt.UTC)
    assert "mailto:" in str(event["organizer"])


def test_one_click_link_from_the_invitation_records_the_answer(world, meeting, now):
    email = _mail("meeting_invitation", to=world.peer.email)[0]
    link = next(
        line.split(": ", 1)[1]
        for line in email.body_text.splitlines()
        if line.strip().startswith("I can't come:")
    )
    path = link.replace("http://127.0.0.1:8000", "")
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert "September meeting" in page.content.decode()
    anonymous.post(path)
    assert meeting.attendances.get(user=world.peer).response == "not_attending"


def test_moving_a_meeting_sends_an_update_with_a_higher_sequence(world, meeting):
    services.update_meeting(
        meeting=meeting,
        version=meeting.version,
        title=meeting.title,
        description=meeting.description,
        starts_at=local(2026, 9, 9, 17),
        ends_at=local(2026, 9, 9, 18, 30),
        location=meeting.location,
        online_link="",
        by=world.coordinator,
    )
    updates = _mail("meeting_update")
    assert len(updates) == 3
    event = _ics(updates[0]).walk("VEVENT")[0]
    assert (str(event["uid"]), event["sequence"]) == (meeting.ical_uid, 1)
    assert "Wed 9 Sep 2026, 17:00" in updates[0].body_text


def test_a_title_only_change_sends_nothing(world, meeting):
    services.update_meeting(
        meeting=meeting,
        version=meeting.version,
        title="September meeting (welcome back)",
        description=meeting.description,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        online_link="",
        by=world.coordinator,
    )
    assert _mail("meeting_update") == []


def test_cancelling_sends_method_cancel(world, meeting):
    services.cancel_meeting(
        meeting=meeting, reason="Campus closed for the storm", by=world.coordinator
    )
    cancellations = _mail("meeting_cancellation")
    assert len(cancellations) == 3
    cal = _ics(cancellations[0])
    assert cal["method"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert (str(event["uid"]), event["sequence"], str(event["status"])) == (
        meeting.ical_uid,
        1,
        "CANCELLED",
    )
    assert "Reason: Campus closed for the storm" in cancellations[0].body_text


def test_series_invitation_is_one_email_per_person(world, now):
    meetings = services.schedule_series(
        campus=world.campus,
        recurrence=services.Recurrence(
            frequency="monthly",
            first_day=dt.date(2026, 9, 1),
            last_day=dt.date(2027, 4, 30),
            start_time=dt.time(17),
            end_time=dt.time(18, 30),
            weekday=1,
            week_of_month=2,
        ),
        title="Community of practice",
        location="Room 1",
        by=world.coordinator,
    )
    invitations = _mail("meeting_invitation")
    assert len(meetings) == 8
    assert len(invitations) == 3
    [event] = _ics(invitations[0]).walk("VEVENT")  # one recurring event
    assert (str(event["UID"]), event["RRULE"]["COUNT"]) == (meetings[0].series.ical_uid, [8])
    assert invitations[0].body_text.count("I'll be there:") == 8


def test_reminder_goes_to_attending_and_undecided_once(world, meeting, now):
    services.respond(
        attendance=meeting.attendances.get(user=world.partner), response="not_attending"
    )
    services.respond(attendance=meeting.attendances.get(user=world.peer), response="attending")
    now.move_to(local(2026, 9, 6, 16, 59))  # 48 h + 1 min before
    assert send_meeting_reminders() == 0
    now.move_to(local(2026, 9, 6, 17, 1))
    assert send_meeting_reminders() == 2
    assert send_meeting_reminders() == 0
    reminders = _mail("meeting_reminder")
    assert sorted(e.to for e in reminders) == sorted([world.peer.email, world.coordinator.email])
    peer = next(e for e in reminders if e.to == world.peer.email)
    assert "you said you'll be there" in peer.body_text


def test_people_who_turned_reminders_off_get_none(world, meeting, now):
    world.peer.wants_meeting_reminders = False
    world.peer.save()
    now.move_to(local(2026, 9, 7, 9))
    send_meeting_reminders()
    assert [e.to for e in _mail("meeting_reminder")] == [
        world.coordinator.email,
        world.partner.email,
    ]


def test_campus_lead_time_is_respected(world, meeting, now):
    world.campus.reminder_hours_before = 2
    world.campus.save()
    now.move_to(local(2026, 9, 8, 14, 30))
    assert send_meeting_reminders() == 0
    now.move_to(local(2026, 9, 8, 15, 5))
    assert send_meeting_reminders() == 3


def test_meeting_scheduled_inside_the_window_gets_no_reminder(world, now):
    services.schedule_meeting(
        campus=world.campus,
        starts_at=local(2026, 9, 2, 17),
        ends_at=local(2026, 9, 2, 18),
        title="Short notice",
        location="Room 2",
        by=world.coordinator,
    )
    assert send_meeting_reminders() == 0


def test_presence_nudge_a_day_after_if_unrecorded(world, meeting, now):
    now.move_to(local(2026, 9, 9, 18, 0))  # 23.5 h after the end
    assert send_presence_nudges() == 0
    now.move_to(local(2026, 9, 9, 19, 0))
    assert send_presence_nudges() == 1
    assert send_presence_nudges() == 0
    nudge = _mail("presence_nudge")[0]
    assert nudge.to == world.coordinator.email
    assert f"/c/riverside/meetings/{meeting.pk}/roster/" in nudge.body_text


def test_no_nudge_once_presence_is_recorded(world, meeting, now):
    now.move_to(local(2026, 9, 8, 18, 0))
    Attendance.objects.filter(meeting=meeting).update(presence="present")
    now.move_to(local(2026, 9, 10, 9, 0))
    assert send_presence_nudges() == 0


def test_no_email_names_case_collaboration_notes(world, meeting, now):
    now.move_to(local(2026, 9, 8, 18, 0))
    minutes.save_case_notes(
        meeting=meeting, text="SECRET-CASE-MARKER", version=0, by=world.coordinator
    )
    now.move_to(local(2026, 9, 10, 9, 0))
    send_presence_nudges()
    for email in OutboundEmail.objects.all():
        assert "SECRET-CASE-MARKER" not in email.body_text + email.body_html + email.ics


@pytest.mark.django_db(transaction=True)
def test_scheduling_with_the_broker_down_is_prompt_and_mail_follows(world, mailoutbox, dead_broker):
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    began = time.monotonic()
    services.schedule_meeting(
        campus=world.campus,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        title="Despite the outage",
        location="Room 3",
        by=world.coordinator,
    )
    assert time.monotonic() - began < 2
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"pending"}
    assert mailoutbox == []
    dead_broker()  # the broker is back
    assert tasks.sweep() == 3  # the sweep dispatches, a worker delivers
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        u.email for u in (world.coordinator, world.peer, world.partner)
    )
    assert tasks.sweep() == 0
