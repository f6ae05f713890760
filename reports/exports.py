"""CSV exports for coordinators: attendance (one meeting, or a date range), each member's
training record, topic coverage.

Every cell goes through `inert`, so that a spreadsheet never runs a value as a formula. The
case-collaboration notes are never read here (this module does not import their model); neither
are the minutes. Each export takes a fixed number of queries.

Headers and words in cells (statuses, roles, yes/no) are in the language of the person
downloading (the request's); dates stay ISO (2026-09-01) and times 24-hour, for spreadsheets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from meetings.models import AgendaItem, Attendance, Meeting
from members.models import Campus, Membership
from members.selectors import VISIBLE_STATUSES

from . import selectors

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ATTENDANCE_HEADER = [
    pgettext_lazy("CSV column", "meeting_id"),
    pgettext_lazy("CSV column", "meeting_date"),
    pgettext_lazy("CSV column", "meeting_start"),
    pgettext_lazy("CSV column", "meeting_title"),
    pgettext_lazy("CSV column", "meeting_status"),
    pgettext_lazy("CSV column", "name"),
    pgettext_lazy("CSV column", "email"),
    pgettext_lazy("CSV column", "role"),
    pgettext_lazy("CSV column", "response"),
    pgettext_lazy("CSV column", "response_note"),
    pgettext_lazy("CSV column", "presence"),
]
TRAINING_HEADER = [
    pgettext_lazy("CSV column", "name"),
    pgettext_lazy("CSV column", "email"),
    pgettext_lazy("CSV column", "role"),
    pgettext_lazy("CSV column", "meeting_date"),
    pgettext_lazy("CSV column", "meeting_title"),
    pgettext_lazy("CSV column", "topic"),
    pgettext_lazy("CSV column", "item_title"),
    pgettext_lazy("CSV column", "attended"),
    pgettext_lazy("CSV column", "facilitated"),
]
TOPICS_HEADER = [
    pgettext_lazy("CSV column", "topic"),
    pgettext_lazy("CSV column", "archived"),
    pgettext_lazy("CSV column", "refresh_interval_months"),
    pgettext_lazy("CSV column", "times_covered"),
    pgettext_lazy("CSV column", "last_covered"),
    pgettext_lazy("CSV column", "state"),
]


def yes_no(value: bool) -> str:
    return pgettext("CSV cell", "yes") if value else pgettext("CSV cell", "no")


def inert(value) -> str:
    """The cell as text; one starting with = + - @, a tab or a carriage return gets a leading
    single quote, so that a spreadsheet shows it instead of evaluating it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """CSV text with a byte-order mark (spreadsheets then read accents right) and CRLF lines;
    every cell made inert."""
    return _csv_text(header, ([inert(cell) for cell in row] for row in rows))


def _csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """As `to_csv`, for rows whose cells are inert already (made so once per value, not once
    per row: an export of a year is thousands of rows)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([str(name) for name in header])
    writer.writerows(rows)
    return out.getvalue()


def _labels(choices) -> dict[str, str]:
    """Each choice's label in the request's language, translated once per export."""
    return {value: inert(label) for value, label in choices}


def _roles(campus: Campus) -> dict[int, str]:
    labels = _labels(Membership.Role.choices)
    return {
        user_id: labels[role]
        for user_id, role in Membership.objects.filter(campus=campus).values_list("user_id", "role")
    }


def _attendance_rows(campus: Campus, attendances) -> Iterator[tuple]:
    """Plain values, not model instances, and each meeting's and each person's cells worked
    out once, not once per row."""
    roles = _roles(campus)
    tz = campus.tz
    meeting_status = _labels(Meeting.Status.choices)
    response = _labels(Attendance.Response.choices)
    presence = _labels(Attendance.Presence.choices)
    meeting_cells = {}
    person_cells = {}
    for values in attendances.order_by(
        "meeting__starts_at", "meeting_id", "user__name", "user__email"
    ).values_list(
        "meeting_id",
        "meeting__starts_at",
        "meeting__title",
        "meeting__status",
        "user_id",
        "user__name",
        "user__email",
        "response",
        "response_note",
        "presence",
    ):
        meeting_id, starts_at, title, status, user_id, name, email, said, note, was = values
        meeting = meeting_cells.get(meeting_id)
        if meeting is None:
            local = starts_at.astimezone(tz)
            meeting = meeting_cells[meeting_id] = (
                meeting_id,
                local.date().isoformat(),
                local.strftime("%H:%M"),
                inert(title),
                meeting_status[status],
            )
        person = person_cells.get(user_id)
        if person is None:
            person = person_cells[user_id] = (inert(name), inert(email), roles.get(user_id, ""))
        yield (*meeting, *person, response[said], inert(note) if note else "", presence[was])


def meeting_attendance_csv(*, meeting: Meeting) -> str:
    """A row per person expected at the meeting. Two queries."""
    return _csv_text(
        ATTENDANCE_HEADER,
        _attendance_rows(meeting.campus, Attendance.objects.filter(meeting=meeting)),
    )


def attendance_csv(*, campus: Campus, start: dt.date, end: dt.date) -> str:
    """A row per person per meeting, for the meetings (cancelled ones too, marked so) that start
    between `start` and `end` inclusive, in the campus's time zone. Two queries."""
    tz = campus.tz
    attendances = Attendance.objects.filter(
        meeting__campus=campus,
        meeting__starts_at__gte=selectors.local_midnight(start, tz),
        meeting__starts_at__lt=selectors.local_midnight(end + dt.timedelta(days=1), tz),
    )
    return _csv_text(ATTENDANCE_HEADER, _attendance_rows(campus, attendances))


def training_csv(*, campus: Campus, now: dt.datetime | None = None) -> str:
    """Each current member's training record: a row per training item of a past, non-cancelled
    meeting that they attended (present or late) or facilitated. Three queries."""
    now = now or timezone.now()
    members = (
        Membership.objects.filter(campus=campus, status__in=VISIBLE_STATUSES)
        .order_by("user__name", "user__email")
        .values_list("user_id", "user__name", "user__email", "role")
    )
    items_qs = AgendaItem.objects.filter(
        meeting__campus=campus,
        meeting__starts_at__lte=now,
        kind=AgendaItem.Kind.TRAINING,
    ).exclude(meeting__status=Meeting.Status.CANCELLED)
    tz = campus.tz
    items = [  # a few dozen: each one's cells worked out once, not once per member
        (
            item.meeting_id,
            item.facilitator_id,
            (
                item.meeting.starts_at.astimezone(tz).date().isoformat(),
                inert(item.meeting.title),
                inert(item.topic.title) if item.topic else "",
                inert(item.shown_title),
            ),
        )
        for item in items_qs.select_related("meeting", "topic").order_by(
            "meeting__starts_at", "position"
        )
    ]
    there = defaultdict(set)
    for meeting_id, user_id in Attendance.objects.filter(
        meeting__in=items_qs.values("meeting"), presence__in=Attendance.WAS_THERE
    ).values_list("meeting_id", "user_id"):
        there[user_id].add(meeting_id)
    roles = _labels(Membership.Role.choices)
    yes, no = inert(yes_no(True)), inert(yes_no(False))

    def rows():
        for user_id, name, email, role in members:
            meetings = there.get(user_id, ())
            person = None
            for meeting_id, facilitator_id, cells in items:
                attended = meeting_id in meetings
                facilitated = facilitator_id == user_id
                if not (attended or facilitated):
                    continue
                if person is None:
                    person = (inert(name), inert(email), roles[role])
                yield (*person, *cells, yes if attended else no, yes if facilitated else no)

    return _csv_text(TRAINING_HEADER, rows())


def topics_csv(*, campus: Campus, now: dt.datetime | None = None) -> str:
    """Topic coverage at the campus (see `selectors.topic_coverage`). One query."""
    return to_csv(
        TOPICS_HEADER,
        (
            [
                c.topic.title,
                yes_no(c.topic.is_archived),
                c.topic.refresh_interval_months or "",
                c.times_covered,
                c.last_covered.isoformat() if c.last_covered else "",
                c.state_label,
            ]
            for c in selectors.topic_coverage(campus=campus, now=now)
        ),
    )
