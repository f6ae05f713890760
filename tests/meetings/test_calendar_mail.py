"""The calendars of meeting e-mails, read as calendar applications read them: with `icalendar`
(strict) and with Mozilla's ical.js (Thunderbird's parser, run by node), for a single meeting, a
series across the end of daylight saving time, a reschedule, and cancellations."""

import datetime as dt
import json
import os
import shutil
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from meetings import services
from meetings.models import Meeting
from outbox.delivery import build_message
from outbox.models import OutboundEmail
from tests.factories import MembershipFactory

from .conftest import local

pytestmark = pytest.mark.django_db

ICALJS = Path(__file__).resolve().parent.parent / "icaljs"
UTC = dt.UTC


def icaljs(text: str) -> dict:
    """What ical.js makes of a calendar (tests/icaljs/read.mjs); fails on a parse error."""
    node = shutil.which("node")
    if node is None or not (ICALJS / "node_modules" / "ical.js").exists():
        pytest.skip(
            "node and ical.js are needed (npm ci --prefix tests/icaljs; `make test` does it "
            "when npm is installed)"
        )
    result = subprocess.run(
        [node, str(ICALJS / "read.mjs")],
        input=text,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def mail_to(user, kind: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=user.email, kind=kind).order_by("pk"))


def received(email: OutboundEmail) -> str:
    """The e-mail as a mail client receives it (Python's parser, policy.default): checks the
    parts and headers that make it a meeting request, and returns its inline calendar."""
    raw = build_message(email).message().as_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    inline = list(alternative.iter_parts())[2]
    text = inline.get_content()
    assert inline.get_param("method") == strict(text)["METHOD"]
    assert str(inline["Content-Type"]).lower().count("charset") == 1
    assert (attachment.get_content_type(), attachment.get_filename()) == (
        "application/ics",
        "invite.ics",
    )
    assert attachment.get_content().decode().splitlines() == text.splitlines()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["Message-ID"].endswith("@127.0.0.1>")
    assert message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/stop-emails/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return text


def strict(text: str) -> Calendar:
    return Calendar.from_ical(text)


def uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def occurrences(text: str, uid: str) -> list[tuple[str, str]]:
    return [(o["start"], o["status"]) for o in icaljs(text)["occurrences"][uid]]


@pytest.fixture
def series(world, now):
    """The second Tuesday of each month at 17:00 in Toronto, September 2026 to January 2027:
    clocks go back on 1 November, so the first two are at 21:00 UTC and the rest at 22:00."""
    return services.schedule_series(
        campus=world.campus,
        recurrence=services.Recurrence(
            frequency="monthly",
            first_day=dt.date(2026, 9, 1),
            last_day=dt.date(2027, 1, 31),
            start_time=dt.time(17),
            end_time=dt.time(18, 30),
            weekday=1,
            week_of_month=2,
        ),
        title="Community of practice",
        location="Room 1",
        by=world.coordinator,
    )


def _move(meeting, *, starts_at, ends_at, scope="this", by=None):
    meeting.refresh_from_db()
    return services.update_meeting(
        meeting=meeting,
        version=meeting.version,
        title=meeting.title,
        description=meeting.description,
        starts_at=starts_at,
        ends_at=ends_at,
        location=meeting.location,
        online_link=meeting.online_link,
        scope=scope,
        by=by,
    )


# --- a single meeting ----------------------------------------------------------------------
def test_single_meeting_invitation_is_one_request_for_the_person(world, meeting):
    [email] = mail_to(world.peer, "meeting_invitation")
    ics = received(email)
    calendar = strict(ics)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.ical_uid
    assert event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]) == "mailto:noreply@localhost"
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{world.peer.email}"
    assert (attendee.params["RSVP"], attendee.params["PARTSTAT"]) == ("FALSE", "NEEDS-ACTION")

    read = icaljs(ics)
    assert read["method"] == "REQUEST"
    assert [e["uid"] for e in read["events"]] == [meeting.ical_uid]
    assert read["events"][0]["attendees"][0]["params"]["RSVP"] == "FALSE"
    assert occurrences(ics, meeting.ical_uid) == [(iso(meeting.starts_at), "CONFIRMED")]
    assert read["events"][0]["end"] == iso(meeting.ends_at)


def test_moving_a_meeting_updates_the_same_event_with_a_higher_sequence(world, meeting):
    _move(meeting, starts_at=local(2026, 9, 9, 18), ends_at=local(2026, 9, 9, 19, 30))
    [email] = mail_to(world.peer, "meeting_update")
    ics = received(email)
    read = icaljs(ics)
    assert (read["method"], len(read["events"])) == ("REQUEST", 1)
    assert (read["events"][0]["uid"], read["events"][0]["sequence"]) == (meeting.ical_uid, 1)
    assert occurrences(ics, meeting.ical_uid) == [(iso(local(2026, 9, 9, 18)), "CONFIRMED")]


def test_cancelling_a_meeting_cancels_its_event(world, meeting):
    services.cancel_meeting(meeting=meeting, reason="Storm", by=world.coordinator)
    [email] = mail_to(world.peer, "meeting_cancellation")
    ics = received(email)
    read = icaljs(ics)
    assert read["method"] == "CANCEL"
    [event] = read["events"]
    assert (event["uid"], event["sequence"], event["status"]) == (
        meeting.ical_uid,
        1,
        "CANCELLED",
    )
    assert uids(strict(ics)) == {meeting.ical_uid}


def test_add_to_calendar_is_a_published_event_without_attendees(client, world, meeting):
    client.force_login(world.peer)
    body = client.get(f"/c/riverside/meetings/{meeting.pk}/meeting.ics").content.decode()
    calendar = strict(body)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:noreply@localhost"
    assert "ATTENDEE" not in event
    assert "Your response: No response" in str(event["DESCRIPTION"])
    read = icaljs(body)
    assert (read["method"], read["events"][0]["attendees"]) == ("PUBLISH", [])


def test_feed_events_name_their_organizer(client, world, meeting):
    token = services.calendar_feed_for(user=world.peer).token
    body = client.get(f"/calendar/{token}.ics").content.decode()
    assert "METHOD" not in strict(body)
    read = icaljs(body)
    [event] = read["events"]
    assert event["organizer"]["value"] == "mailto:noreply@localhost"
    assert [a["value"] for a in event["attendees"]] == [f"mailto:{world.peer.email}"]


# --- a series ------------------------------------------------------------------------------
def test_series_invitation_is_one_recurring_event_across_the_clock_change(world, series):
    assert len(series) == 5
    [email] = mail_to(world.peer, "meeting_invitation")
    ics = received(email)
    calendar = strict(ics)
    assert calendar["METHOD"] == "REQUEST"
    assert uids(calendar) == {series[0].series.ical_uid}
    [event] = calendar.walk("VEVENT")
    assert event["RRULE"]["COUNT"] == [5]
    assert "UNTIL" not in event["RRULE"]
    assert event["DTSTART"].params["TZID"] == "America/Toronto"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Toronto"]
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"

    read = icaljs(ics)
    assert occurrences(ics, series[0].series.ical_uid) == [
        (iso(m.starts_at), "CONFIRMED") for m in series
    ]
    hours = [o["start"][11:16] for o in read["occurrences"][series[0].series.ical_uid]]
    assert hours == ["21:00", "21:00", "22:00", "22:00", "22:00"]
    # The e-mail lists every date with its own answer links.
    assert email.body_text.count("I'll be there:") == 5


def test_moving_one_occurrence_overrides_it_by_its_original_start(world, series):
    october = series[1]
    _move(october, starts_at=local(2026, 10, 14, 18), ends_at=local(2026, 10, 14, 19, 30))
    [email] = mail_to(world.peer, "meeting_update")
    ics = received(email)
    calendar = strict(ics)
    assert uids(calendar) == {october.series.ical_uid}
    master, override = calendar.walk("VEVENT")
    assert master["SEQUENCE"] == override["SEQUENCE"] == 1
    assert override.decoded("RECURRENCE-ID") == local(2026, 10, 13, 17)
    page = [m.starts_at for m in Meeting.objects.filter(series=october.series)]
    assert occurrences(ics, october.series.ical_uid) == [
        (iso(start), "CONFIRMED") for start in page
    ]
    assert iso(local(2026, 10, 14, 18)) in [iso(start) for start in page]


def test_moving_this_and_the_following_overrides_each_of_them(world, series):
    november = series[2]
    _move(
        november,
        starts_at=local(2026, 11, 10, 18),
        ends_at=local(2026, 11, 10, 19, 30),
        scope="following",
    )
    [email] = mail_to(world.peer, "meeting_update")
    ics = received(email)
    calendar = strict(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 4  # the rule and three moved occurrences
    assert {e["SEQUENCE"] for e in events} == {3}
    read = icaljs(ics)
    starts = [o["start"] for o in read["occurrences"][november.series.ical_uid]]
    assert starts == [
        iso(local(2026, 9, 8, 17)),
        iso(local(2026, 10, 13, 17)),
        iso(local(2026, 11, 10, 18)),
        iso(local(2026, 12, 8, 18)),
        iso(local(2027, 1, 12, 18)),
    ]


def test_cancelling_one_occurrence_cancels_it_by_its_original_start(world, series):
    december = series[3]
    services.cancel_meeting(meeting=december, reason="Exams", by=world.coordinator)
    [email] = mail_to(world.peer, "meeting_cancellation")
    ics = received(email)
    calendar = strict(ics)
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == december.series.ical_uid
    assert event.decoded("RECURRENCE-ID") == local(2026, 12, 8, 17)
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)
    read = icaljs(email.ics)
    assert read["events"][0]["recurrenceId"] == iso(local(2026, 12, 8, 17))

    # A later change sends the whole series again: the cancelled one stays out.
    _move(series[4], starts_at=local(2027, 1, 13, 17), ends_at=local(2027, 1, 13, 18, 30))
    [update] = mail_to(world.peer, "meeting_update")
    ics = received(update)
    calendar = strict(ics)
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 2
    starts = [o["start"] for o in icaljs(ics)["occurrences"][december.series.ical_uid]]
    assert starts == [
        iso(local(2026, 9, 8, 17)),
        iso(local(2026, 10, 13, 17)),
        iso(local(2026, 11, 10, 17)),
        iso(local(2027, 1, 13, 17)),
    ]


def test_a_persons_own_answers_travel_with_the_series(world, series):
    for meeting, answer in zip(
        series,
        ["attending", "not_attending", "attending", "attending", "attending"],
        strict=True,
    ):
        services.respond(attendance=meeting.attendances.get(user=world.peer), response=answer)
    # Moving January asks everyone to answer again for it.
    _move(series[4], starts_at=local(2027, 1, 12, 18), ends_at=local(2027, 1, 12, 19, 30))
    [update] = mail_to(world.peer, "meeting_update")
    ics = received(update)
    read = icaljs(ics)
    partstat = {e["recurrenceId"]: e["attendees"][0]["params"]["PARTSTAT"] for e in read["events"]}
    # What most occurrences say is the rule's; each other answer is an override.
    assert partstat == {
        None: "ACCEPTED",
        iso(local(2026, 10, 13, 17)): "DECLINED",
        iso(local(2027, 1, 12, 17)): "NEEDS-ACTION",
    }


def test_someone_who_joined_later_gets_only_their_occurrences(world, series, now):
    now.move_to(local(2026, 10, 20, 9))  # after the October meeting
    newcomer = MembershipFactory(campus=world.campus).user
    _move(series[4], starts_at=local(2027, 1, 12, 18), ends_at=local(2027, 1, 12, 19, 30))
    [update] = mail_to(newcomer, "meeting_update")
    ics = received(update)
    starts = [o["start"] for o in icaljs(ics)["occurrences"][series[0].series.ical_uid]]
    assert starts == [
        iso(local(2026, 11, 10, 17)),
        iso(local(2026, 12, 8, 17)),
        iso(local(2027, 1, 12, 18)),
    ]


def test_cancelling_the_rest_of_a_series_cancels_each_occurrence(world, series):
    cancelled = services.cancel_meeting(
        meeting=series[2], reason="The programme pauses", scope="following", by=world.coordinator
    )
    assert [m.pk for m in cancelled] == [m.pk for m in series[2:]]
    [email] = mail_to(world.peer, "meeting_cancellation")
    ics = received(email)
    assert email.subject == "[CoPractice] Cancelled: Community of practice, 3 meetings from 10 Nov"
    assert "These community-of-practice meetings at Riverside are cancelled" in email.body_text
    calendar = strict(ics)
    assert calendar["METHOD"] == "CANCEL"
    assert uids(calendar) == {series[0].series.ical_uid}
    events = calendar.walk("VEVENT")
    assert [e.decoded("RECURRENCE-ID") for e in events] == [
        local(2026, 11, 10, 17),
        local(2026, 12, 8, 17),
        local(2027, 1, 12, 17),
    ]
    assert {(e["SEQUENCE"], str(e["STATUS"])) for e in events} == {(3, "CANCELLED")}
    read = icaljs(ics)
    assert [e["recurrenceId"] for e in read["events"]] == [
        iso(local(2026, 11, 10, 17)),
        iso(local(2026, 12, 8, 17)),
        iso(local(2027, 1, 12, 17)),
    ]


def test_coordinator_cancels_the_rest_of_a_series_from_the_page(client, world, series):
    client.force_login(world.coordinator)
    url = f"/c/riverside/meetings/{series[3].pk}/cancel/"
    page = client.get(url)
    assert "This and the following meetings" in page.content.decode()
    response = client.post(url, {"reason": "Renovation", "scope": "following"})
    assert response.status_code == 302
    statuses = list(
        Meeting.objects.filter(series=series[0].series)
        .order_by("starts_at")
        .values_list("status", flat=True)
    )
    assert statuses == ["scheduled", "scheduled", "scheduled", "cancelled", "cancelled"]


def test_a_single_meeting_has_no_scope_to_cancel(client, world, meeting):
    client.force_login(world.coordinator)
    page = client.get(f"/c/riverside/meetings/{meeting.pk}/cancel/")
    assert "This and the following meetings" not in page.content.decode()
    with pytest.raises(ValidationError) as error:
        services.cancel_meeting(meeting=meeting, reason="x", scope="following", by=None)
    assert error.value.message_dict == {"scope": ["This meeting is not part of a series."]}
    assert Meeting.objects.get().status == "scheduled"
