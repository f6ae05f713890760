import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from tests.factories import CampusFactory, MeetingFactory, MembershipFactory

from .conftest import attendance

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_meeting_ics_has_stable_uid_utc_times_and_own_response(client, world, meeting):
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    client.force_login(world.peer)
    response = client.get(
        reverse("meetings:meeting_ics", kwargs={"campus": "riverside", "pk": meeting.pk})
    )
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = _events(response.content)
    assert str(event["UID"]) == f"meeting-{meeting.pk}@copractice"
    assert event.decoded("DTSTART") == dt.datetime(2026, 9, 8, 21, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == dt.datetime(2026, 9, 8, 22, 30, tzinfo=UTC)
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "September meeting (Riverside)"
    assert str(event["LOCATION"]) == "Student Centre, room 204"
    assert "ATTENDEE" not in event  # a published event names no attendee (RFC 5546)
    assert "Your response: Attending" in str(event["DESCRIPTION"])


def test_cancelled_meeting_is_cancelled_in_the_ics(client, world, meeting):
    services.cancel_meeting(meeting=meeting, reason="Storm warning", by=None)
    client.force_login(world.coordinator)
    response = client.get(
        reverse("meetings:meeting_ics", kwargs={"campus": "riverside", "pk": meeting.pk})
    )
    [event] = _events(response.content)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]) == "Cancelled: September meeting (Riverside)"
    assert "Cancelled: Storm warning" in str(event["DESCRIPTION"])


def test_feed_lists_the_persons_campuses_with_their_response(client, world, meeting):
    services.respond(attendance=attendance(meeting, world.peer), response="not_attending")
    second = CampusFactory(name="Lakeside")
    MembershipFactory(campus=second, user=world.peer)
    lakeside = MeetingFactory(campus=second, title="Lakeside meeting")
    MeetingFactory(campus=world.other_campus, title="Not theirs")
    cancelled = MeetingFactory(campus=world.campus, title="Called off")
    services.cancel_meeting(meeting=cancelled, reason="Holiday", by=None)
    token = services.calendar_feed_for(user=world.peer).token
    response = client.get(reverse("meetings:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    events = {str(e["UID"]): e for e in _events(response.content)}
    assert set(events) == {
        meeting.ical_uid,
        lakeside.ical_uid,
        cancelled.ical_uid,
    }
    assert events[meeting.ical_uid]["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    assert "ATTENDEE" not in events[lakeside.ical_uid]  # scheduled before they joined
    assert str(events[cancelled.ical_uid]["STATUS"]) == "CANCELLED"


def test_feed_with_unknown_token_is_404(client, world):
    response = client.get(reverse("meetings:calendar_feed", kwargs={"token": "nope"}))
    assert response.status_code == 404
    assert response.content == b"This calendar address is not valid (it may have been reset)."


def test_rescheduling_bumps_the_ics_sequence(client, world, meeting):
    services.update_meeting(
        meeting=meeting,
        version=1,
        title=meeting.title,
        description="",
        starts_at=meeting.starts_at + dt.timedelta(hours=1),
        ends_at=meeting.ends_at + dt.timedelta(hours=1),
        location=meeting.location,
        online_link="",
        by=None,
    )
    client.force_login(world.peer)
    response = client.get(
        reverse("meetings:meeting_ics", kwargs={"campus": "riverside", "pk": meeting.pk})
    )
    [event] = _events(response.content)
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == dt.datetime(2026, 9, 8, 22, 0, tzinfo=UTC)
