"""iCalendar for meetings, in the three forms a calendar application expects (RFC 5545/5546).

- The private feed a person subscribes to: no METHOD; one event per meeting, with the person as
  ATTENDEE carrying their own answer.
- A download ("Add to calendar"): METHOD:PUBLISH with an ORGANIZER and no ATTENDEE.
- The calendar part of a meeting e-mail (iTIP: METHOD:REQUEST or CANCEL), for one person, with
  exactly one UID. A single meeting is one event. A series is one recurring event: the rule of
  the series (RRULE with COUNT), an override (RECURRENCE-ID) for each occurrence that differs
  from what most occurrences look like, and an EXDATE for each one that is cancelled or at which
  the person is not expected. A cancelled occurrence is cancelled by its RECURRENCE-ID. The
  person is the only ATTENDEE, with RSVP=FALSE: people answer with the e-mail's one-click links,
  which record the answer; a reply from a calendar application would reach nobody.

SEQUENCE tells calendars which version is newer: a meeting's own sequence, or for a series the
sum of its meetings' sequences (each change or cancellation of an occurrence raises it).

Only what every attendee may see goes in: never minutes, never case-collaboration notes.

What CoPractice writes (the calendar's name, "Cancelled", the description's labels) is in the
active language: the recipient's for an e-mail (meetings.notifications), the owner's for the
feed, the reader's for a download. Titles and places are as the coordinator wrote them."""

import datetime as dt
from collections import Counter
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vRecur

from members.language import language_of
from outbox.mail import absolute_url

from .models import Attendance, Meeting, MeetingSeries

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


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _organizer(campus) -> vCalAddress:
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = f"CoPractice, {campus.name}"
    return organizer


def _attendee(attendance: Attendance, *, response: str | None = None) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{attendance.user.email}")
    attendee.params["cn"] = attendance.user.name or attendance.user.email
    attendee.params["partstat"] = PARTSTAT[response or attendance.response]
    attendee.params["role"] = "REQ-PARTICIPANT"
    return attendee


def _invited(attendance: Attendance, *, response: str | None = None) -> vCalAddress:
    """The person an e-mail invites: no reply expected from their calendar application."""
    attendee = _attendee(attendance, response=response)
    attendee.params["rsvp"] = "FALSE"
    return attendee


def _stamp(event: Event, *, uid: str, sequence: int, modified: dt.datetime, campus) -> None:
    event.add("uid", uid)
    event.add("dtstamp", _utc(timezone.now()))
    event.add("sequence", sequence)
    event.add("last-modified", _utc(modified))
    event.add("organizer", _organizer(campus), encode=0)


def _describe(event: Event, meeting: Meeting, *, url: str, own: Attendance | None = None) -> None:
    """What a meeting says in a calendar: title, status, place, description and its page."""
    title = f"{meeting.title} ({meeting.campus.name})"
    lines = []
    if meeting.is_cancelled:
        title = _("Cancelled: %(title)s") % {"title": title}
        lines.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancelled_reason})
    event.add("summary", title)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    elif meeting.online_link:
        event.add("location", meeting.online_link)
    if meeting.description:
        lines.append(meeting.description)
    if meeting.online_link:
        lines.append(_("Join online: %(link)s") % {"link": meeting.online_link})
    if own is not None:
        lines.append(_("Your response: %(response)s") % {"response": own.get_response_display()})
    lines.append(_("Meeting page: %(url)s") % {"url": url})
    event.add("description", "\n\n".join(lines))
    event.add("url", url)


def _meeting_event(meeting: Meeting, *, own: Attendance | None = None) -> Event:
    """One meeting as its own event (UTC times, the meeting's UID and sequence)."""
    event = Event()
    _stamp(
        event,
        uid=meeting.ical_uid,
        sequence=meeting.sequence,
        modified=meeting.updated_at,
        campus=meeting.campus,
    )
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    _describe(event, meeting, url=absolute_url(meeting.get_absolute_url()), own=own)
    return event


# --- files people download or subscribe to -------------------------------------------------
def meeting_calendar(*, meeting: Meeting, attendance: Attendance | None) -> bytes:
    """ "Add to calendar": a published event, the person's answer in its description only."""
    cal = _calendar(meeting.campus.name, method="PUBLISH")
    cal.add_component(_meeting_event(meeting, own=attendance))
    return cal.to_ical()


def feed_calendar(*, user, meetings: list[Meeting]) -> bytes:
    """Meetings with `own_attendances` prefetched (meetings.selectors.feed_meetings), in the
    language of the feed's owner (whoever's calendar application fetches it)."""
    with translation.override(language_of(user)):
        return _feed_calendar(user=user, meetings=meetings)


def _feed_calendar(*, user, meetings: list[Meeting]) -> bytes:
    cal = _calendar(_("Community of practice meetings"))
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for meeting in meetings:
        own = meeting.own_attendances[0] if meeting.own_attendances else None
        event = _meeting_event(meeting, own=own)
        if own is not None:
            own.user = user  # spare a query per event
            event.add("attendee", _attendee(own), encode=0)
        cal.add_component(event)
    return cal.to_ical()


# --- the calendar of a meeting e-mail ------------------------------------------------------
def itip_calendar(
    *,
    meetings: list[Meeting],
    rows: dict[int, Attendance],
    method: str,
    series_meetings: list[Meeting] | None = None,
) -> str:
    """The calendar part of an e-mail to one person about `meetings` (one meeting, or meetings
    of one series); `rows` is the person's attendance by meeting id (for a series, at any of its
    meetings); `series_meetings` every meeting of the series, when there is one. METHOD:REQUEST
    invites or updates, METHOD:CANCEL cancels `meetings`."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"Unknown iTIP method {method!r}")
    first = meetings[0]
    cal = _calendar(first.campus.name, method=method)
    if first.series_id is None:
        event = _meeting_event(first)
        event.add("attendee", _invited(rows[first.pk]), encode=0)
        cal.add_component(event)
    elif method == "CANCEL":
        sequence = _series_sequence(series_meetings)
        for meeting in meetings:
            cal.add_component(_cancelled_occurrence(meeting, rows[meeting.pk], sequence))
    else:
        for event in _series_events(series_meetings, rows):
            cal.add_component(event)
    _add_time_zones(cal, series_meetings or meetings)
    return cal.to_ical().decode()


def _add_time_zones(cal: Calendar, meetings: list[Meeting]) -> None:
    """A VTIMEZONE for the campus's zone, with its changes from a year before the first meeting
    to a year after the last, one date per RDATE: ical.js (Thunderbird's parser) reads only the
    first date of a list."""
    moments = [m.starts_at for m in meetings] + [
        m.original_starts_at for m in meetings if m.original_starts_at
    ]
    cal.add_missing_timezones(
        first_date=(min(moments) - dt.timedelta(days=366)).date(),
        last_date=(max(moments) + dt.timedelta(days=366)).date(),
    )
    for zone in cal.walk("VTIMEZONE"):
        for onset in zone.subcomponents:
            lists = onset.get("RDATE")
            if lists is None:
                continue
            lists = lists if isinstance(lists, list) else [lists]
            del onset["RDATE"]
            for value in lists:
                for date in value.dts:
                    onset.add("rdate", date.dt)


def _series_sequence(meetings: list[Meeting]) -> int:
    return sum(meeting.sequence for meeting in meetings)


def _local(meeting: Meeting, moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(meeting.campus.tz)


def _shape(meeting: Meeting) -> tuple:
    """What an occurrence of a series looks like, apart from when it starts."""
    return (
        meeting.ends_at - meeting.starts_at,
        meeting.title,
        meeting.description,
        meeting.location,
        meeting.online_link,
    )


def _rule(series: MeetingSeries, count: int) -> vRecur:
    """The series' rule (stored as dateutil wrote it, on the campus's clock), ending after the
    `count` meetings it made instead of on a date."""
    line = next(line for line in series.rrule.splitlines() if line.startswith("RRULE:"))
    rule = vRecur.from_ical(line.removeprefix("RRULE:"))
    rule.pop("UNTIL", None)
    rule["COUNT"] = [count]
    return rule


def _series_events(meetings: list[Meeting], rows: dict[int, Attendance]) -> list[Event]:
    """One recurring event: the rule with what most occurrences look like, an EXDATE for each
    occurrence that is cancelled or where the person is not expected, and an override for each
    one that differs (moved, another place or title, or the person's own answer)."""
    meetings = sorted(meetings, key=lambda m: (m.original_starts_at, m.pk))
    first = meetings[0]
    series = first.series
    sequence = _series_sequence(meetings)
    included = [m for m in meetings if not m.is_cancelled and m.pk in rows]
    shapes = Counter(_shape(m) for m in included)
    base_shape = shapes.most_common(1)[0][0] if shapes else _shape(first)
    base = next((m for m in included if _shape(m) == base_shape), first)
    answers = Counter(rows[m.pk].response for m in included)
    base_answer = answers.most_common(1)[0][0] if answers else Attendance.Response.NO_RESPONSE

    master = Event()
    _stamp(
        master,
        uid=series.ical_uid,
        sequence=sequence,
        modified=max(m.updated_at for m in meetings),
        campus=first.campus,
    )
    start = _local(first, first.original_starts_at)
    master.add("dtstart", start)
    master.add("dtend", start + base_shape[0])
    master.add("rrule", _rule(series, len(meetings)))
    excluded = [m for m in meetings if m not in included]
    if excluded:
        master.add("exdate", [_local(m, m.original_starts_at) for m in excluded])
    list_url = absolute_url(reverse("meetings:meeting_list", kwargs={"campus": first.campus.slug}))
    _describe(master, base, url=list_url)
    if included:
        master.add("attendee", _invited(rows[base.pk], response=base_answer), encode=0)
    events = [master]
    for meeting in included:
        moved = meeting.starts_at != meeting.original_starts_at
        answer = rows[meeting.pk].response
        if not moved and _shape(meeting) == base_shape and answer == base_answer:
            continue
        override = Event()
        _stamp(
            override,
            uid=series.ical_uid,
            sequence=sequence,
            modified=meeting.updated_at,
            campus=meeting.campus,
        )
        override.add("recurrence-id", _local(meeting, meeting.original_starts_at))
        override.add("dtstart", _local(meeting, meeting.starts_at))
        override.add("dtend", _local(meeting, meeting.ends_at))
        _describe(override, meeting, url=absolute_url(meeting.get_absolute_url()))
        override.add("attendee", _invited(rows[meeting.pk]), encode=0)
        events.append(override)
    return events


def _cancelled_occurrence(meeting: Meeting, row: Attendance, sequence: int) -> Event:
    event = Event()
    _stamp(
        event,
        uid=meeting.series.ical_uid,
        sequence=sequence,
        modified=meeting.updated_at,
        campus=meeting.campus,
    )
    event.add("recurrence-id", _local(meeting, meeting.original_starts_at))
    event.add("dtstart", _local(meeting, meeting.starts_at))
    event.add("dtend", _local(meeting, meeting.ends_at))
    _describe(event, meeting, url=absolute_url(meeting.get_absolute_url()))
    event.add("attendee", _invited(row), encode=0)
    return event
