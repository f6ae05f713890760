"""CSV exports for coordinators: attendance (one meeting, or a date range), each member's
training record, topic coverage.

Every cell goes through `inert`, so that a spreadsheet never runs a value as a formula. The
case-collaboration notes are never read here (this module does not import their model); neither
are the minutes. Each export takes a fixed number of queries, whatever its number of rows.

Headers and words in cells (statuses, roles, yes/no) are in the language of the person
downloading (the request's); dates stay ISO (2026-09-01) and times 24-hour, for spreadsheets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from meetings.models import AgendaItem, Attendance, Meeting
from members.models import Campus, Membership, User
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
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([str(name) for name in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue()


def _cell(value) -> str:
    """One cell, made inert, as the csv module writes it (Excel's dialect): quoted, its quotes
    doubled, when it holds a comma, a quote or a line break."""
    text = inert(value)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def _cells(values: Sequence) -> str:
    """Some cells, made inert, as they read within a CSV line (separated by commas, quoted
    where they need it). The big exports repeat the same meeting, person or label on many
    rows: each is made once, and a row is those pieces joined by commas."""
    cells = [_cell(value) for value in values]
    return '""' if cells == [""] else ",".join(cells)  # a lone empty cell, as csv writes it


def _lines_to_csv(header: Sequence[str], lines: Iterable[str]) -> str:
    """As `to_csv`, from lines already made of `_cells` pieces, each ending in CRLF."""
    return "".join(["\ufeff", _cells([str(name) for name in header]), "\r\n", *lines])


def _labels(choices) -> dict[str, str]:
    """Each choice's label in the request's language as a cell (`_cells`), translated once
    per export."""
    return {value: _cells([label]) for value, label in choices}


def _people(campus: Campus) -> dict[int, str]:
    """Each member's cells (name, e-mail address, role), made once per export: one query, in
    no order (a membership's own is by campus and name: two joins and a sort)."""
    labels = _labels(Membership.Role.choices)
    members = (
        Membership.objects.filter(campus=campus)
        .order_by()
        .values_list("user_id", "user__name", "user__email", "role")
    )
    return {
        user_id: f"{_cells([name, email])},{labels[role]}" for user_id, name, email, role in members
    }


def _attendance_lines(campus: Campus, meetings: Iterable[tuple], attendances) -> list[str]:
    """Plain values, not model instances; each meeting's (pk, start, title, status) and each
    person's cells made once, not once per row. The rows read without the people's names and
    addresses (each person's cells come from the campus's memberships, read once)."""
    tz = campus.tz
    meeting_status = _labels(Meeting.Status.choices)
    meeting_cells = {}
    for pk, starts_at, title, status in meetings:
        local = starts_at.astimezone(tz)
        day, time = local.date().isoformat(), local.strftime("%H:%M")
        meeting_cells[pk] = f"{_cells([pk, day, time, title])},{meeting_status[status]}"
    people = _people(campus)
    response = _labels(Attendance.Response.choices)
    presence = _labels(Attendance.Presence.choices)
    rows = list(
        attendances.order_by(
            "meeting__starts_at", "meeting_id", "user__name", "user__email"
        ).values_list("meeting_id", "user_id", "response", "response_note", "presence")
    )
    # Anyone expected who is no member of the campus any more (a membership removed): their
    # name and address without a role, as before. Read only when there is such a person.
    strangers = {row[1] for row in rows} - people.keys()
    if strangers:
        users = User.objects.filter(pk__in=strangers).values_list("pk", "name", "email")
        people.update({pk: f"{_cells([name, email])}," for pk, name, email in users})
    return [
        f"{meeting_cells[meeting_id]},{people[user_id]},{response[said]},"
        f"{_cells([note]) if note else ''},{presence[was]}\r\n"
        for meeting_id, user_id, said, note, was in rows
    ]


def meeting_attendance_csv(*, meeting: Meeting) -> str:
    """A row per person expected at the meeting. Two queries (three when someone expected is
    no longer a member of the campus)."""
    return _lines_to_csv(
        ATTENDANCE_HEADER,
        _attendance_lines(
            meeting.campus,
            [(meeting.pk, meeting.starts_at, meeting.title, meeting.status)],
            Attendance.objects.filter(meeting=meeting),
        ),
    )


def attendance_csv(*, campus: Campus, start: dt.date, end: dt.date) -> str:
    """A row per person per meeting, for the meetings (cancelled ones too, marked so) that start
    between `start` and `end` inclusive, in the campus's time zone. Three queries (four when
    someone expected is no longer a member of the campus)."""
    tz = campus.tz
    since = selectors.local_midnight(start, tz)
    until = selectors.local_midnight(end + dt.timedelta(days=1), tz)
    meetings = Meeting.objects.filter(campus=campus, starts_at__gte=since, starts_at__lt=until)
    # The meetings named on the joined table (not as a subquery): the planner then reads the
    # campus's meetings by their index rather than every meeting.
    attendances = Attendance.objects.filter(
        meeting__campus=campus, meeting__starts_at__gte=since, meeting__starts_at__lt=until
    )
    return _lines_to_csv(
        ATTENDANCE_HEADER,
        _attendance_lines(
            campus, meetings.values_list("pk", "starts_at", "title", "status"), attendances
        ),
    )


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
    items = [  # a few dozen: each one's cells made once, not once per member
        (
            item.meeting_id,
            item.facilitator_id,
            _cells(
                [
                    item.meeting.starts_at.astimezone(tz).date().isoformat(),
                    item.meeting.title,
                    item.topic.title if item.topic else "",
                    item.shown_title,
                ]
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
    answers = {  # (attended, facilitated)
        (attended, facilitated): _cells([yes_no(attended), yes_no(facilitated)])
        for attended in (True, False)
        for facilitated in (True, False)
    }

    def lines():
        for user_id, name, email, role in members:
            meetings = there.get(user_id, ())
            person = None
            for meeting_id, facilitator_id, cells in items:
                attended = meeting_id in meetings
                facilitated = facilitator_id == user_id
                if not (attended or facilitated):
                    continue
                if person is None:
                    person = f"{_cells([name, email])},{roles[role]}"
                yield f"{person},{cells},{answers[attended, facilitated]}\r\n"

    return _lines_to_csv(TRAINING_HEADER, lines())


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
