"""iCalendar for meetings: one meeting's .ics and a person's private feed.

Only what every attendee may see goes in: never minutes, never case-collaboration notes."""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from copractice.mail import absolute_url

from .models import Attendance, Meeting

PRODID = "-//CoPractice//Community of practice meetings//EN"

PARTSTAT = {
    Attendance.Response.ATTENDING: "ACCEPTED",
    Attendance.Response.NOT_ATTENDING: "DECLINED",
    Attendance.Response.NO_RESPONSE: "NEEDS-ACTION",
}


def _calendar(name: str, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", name)
    return cal


def meeting_event(*, meeting: Meeting, attendance: Attendance | None) -> Event:
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("sequence", meeting.sequence)
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    title = f"{meeting.title} ({meeting.campus.name})"
    url = absolute_url(meeting.get_absolute_url())
    lines = []
    if meeting.is_cancelled:
        event.add("status", "CANCELLED")
        title = f"Cancelled: {title}"
        lines.append(f"Cancelled: {meeting.cancelled_reason}")
    else:
        event.add("status", "CONFIRMED")
    event.add("summary", title)
    if meeting.location:
        event.add("location", meeting.location)
    elif meeting.online_link:
        event.add("location", meeting.online_link)
    if meeting.description:
        lines.append(meeting.description)
    if meeting.online_link:
        lines.append(f"Join online: {meeting.online_link}")
    if attendance is not None:
        lines.append(f"Your response: {attendance.get_response_display()}")
        attendee = vCalAddress(f"mailto:{attendance.user.email}")
        attendee.params["cn"] = attendance.user.name or attendance.user.email
        attendee.params["partstat"] = PARTSTAT[attendance.response]
        attendee.params["role"] = "REQ-PARTICIPANT"
        event.add("attendee", attendee, encode=0)
    lines.append(f"Meeting page: {url}")
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    return event


def meeting_calendar(*, meeting: Meeting, attendance: Attendance | None) -> bytes:
    cal = _calendar(meeting.campus.name, method="PUBLISH")
    cal.add_component(meeting_event(meeting=meeting, attendance=attendance))
    return cal.to_ical()


def invitation_calendar(*, meetings: list[Meeting], attendances: dict, method: str) -> str:
    """The .ics an e-mail carries: METHOD:REQUEST for an invitation or a change (SEQUENCE tells
    calendars which version is newer), METHOD:CANCEL for a cancellation. Same UID throughout."""
    from django.conf import settings
    from django.core.mail.message import sanitize_address

    cal = _calendar(meetings[0].campus.name, method=method)
    organizer = vCalAddress(
        "mailto:" + sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8").split("<")[-1].strip(">")
    )
    organizer.params["cn"] = f"CoPractice, {meetings[0].campus.name}"
    for meeting in meetings:
        event = meeting_event(meeting=meeting, attendance=attendances.get(meeting.pk))
        event.add("organizer", organizer, encode=0)
        cal.add_component(event)
    return cal.to_ical().decode()


def feed_calendar(*, user, meetings: list[Meeting]) -> bytes:
    """Meetings with `own_attendances` prefetched (meetings.selectors.feed_meetings)."""
    cal = _calendar("Community of practice meetings")
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for meeting in meetings:
        own = meeting.own_attendances[0] if meeting.own_attendances else None
        if own is not None:
            own.user = user  # spare a query per event
        cal.add_component(meeting_event(meeting=meeting, attendance=own))
    return cal.to_ical()
