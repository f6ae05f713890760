"""Reads for meetings, each a fixed number of queries whatever the number of rows."""

import datetime as dt
from calendar import Calendar
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from members.models import Campus, Membership, User
from members.selectors import VISIBLE_STATUSES

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    CaseCollaborationNotes,
    DiscussionSuggestion,
    Meeting,
    Minutes,
)

# A year of monthly meetings per page of the past ones.
PAST_MEETINGS_PER_PAGE = 12


def _with_counts(meetings: list[Meeting], user) -> list[Meeting]:
    """Sets on each meeting its counts of responses (`attending_count`, `not_attending_count`,
    `no_response_count`) and of presence (`present_count`: present or late, `away_count`:
    excused or absent, `unrecorded_count`), and the person's own attendance
    (`own_attendance`, or None). Two queries, whatever the number of meetings and people."""
    ids = [meeting.pk for meeting in meetings]
    responses = {pk: Counter() for pk in ids}
    presences = {pk: Counter() for pk in ids}
    own = {}
    if ids:
        grouped = (
            Attendance.objects.filter(meeting_id__in=ids)
            .values_list("meeting_id", "response", "presence")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for meeting_id, response, presence, n in grouped:
            responses[meeting_id][response] += n
            presences[meeting_id][presence] += n
        own = {
            attendance.meeting_id: attendance
            for attendance in Attendance.objects.filter(meeting_id__in=ids, user_id=user.pk)
        }
    Response, Presence = Attendance.Response, Attendance.Presence
    for meeting in meetings:
        said, there = responses[meeting.pk], presences[meeting.pk]
        meeting.attending_count = said[Response.ATTENDING]
        meeting.not_attending_count = said[Response.NOT_ATTENDING]
        meeting.no_response_count = said[Response.NO_RESPONSE]
        meeting.present_count = there[Presence.PRESENT] + there[Presence.LATE]
        meeting.away_count = there[Presence.EXCUSED] + there[Presence.ABSENT]
        meeting.unrecorded_count = there[Presence.UNRECORDED]
        meeting.own_attendance = own.get(meeting.pk)
    return meetings


def _own_attendance(user) -> Prefetch:
    return Prefetch(
        "attendances",
        queryset=Attendance.objects.filter(user_id=user.pk),
        to_attr="own_attendances",
    )


def meetings_for(*, campus: Campus) -> QuerySet[Meeting]:
    return Meeting.objects.filter(campus=campus)


def meeting_list(*, campus: Campus, user, past_page=1) -> tuple[list[Meeting], Page]:
    """Upcoming meetings (soonest first) and a page of past ones (latest first; `past_page` as
    given in the URL, a wrong one meaning the nearest), each with response counts and the
    person's own attendance (`own_attendance`, or None). Five queries, each bounded by a
    page of meetings."""
    now = timezone.now()
    upcoming = list(meetings_for(campus=campus).filter(ends_at__gt=now).order_by("starts_at", "pk"))
    past = Paginator(
        meetings_for(campus=campus).filter(ends_at__lte=now).order_by("-starts_at", "-pk"),
        PAST_MEETINGS_PER_PAGE,
    ).get_page(past_page)
    past.object_list = list(past.object_list)
    _with_counts(upcoming + past.object_list, user)
    return upcoming, past


def by_month(meetings: list[Meeting], *, campus: Campus) -> list[tuple[dt.date, list[Meeting]]]:
    """Meetings grouped by the month they start in, on the campus's clock, in the order given:
    [(first day of the month, [meetings])]."""
    groups: list[tuple[dt.date, list[Meeting]]] = []
    for meeting in meetings:
        month = meeting.starts_at.astimezone(campus.tz).date().replace(day=1)
        if not groups or groups[-1][0] != month:
            groups.append((month, []))
        groups[-1][1].append(meeting)
    return groups


@dataclass(frozen=True)
class MonthDay:
    day: dt.date
    in_month: bool
    meetings: list


def month_calendar(*, campus: Campus, user, year: int, month: int) -> list[list[MonthDay]]:
    """The weeks (Monday first) of a month on the campus's clock, each day with the meetings
    starting on it (with response counts and the person's own attendance). Three queries,
    whatever the number of meetings."""
    zone = campus.tz
    first = dt.date(year, month, 1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    starts = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    ends = dt.datetime.combine(after, dt.time.min, tzinfo=zone)
    meetings = _with_counts(
        list(
            meetings_for(campus=campus)
            .filter(starts_at__gte=starts, starts_at__lt=ends)
            .order_by("starts_at", "pk")
        ),
        user,
    )
    on_day: dict[dt.date, list[Meeting]] = {}
    for meeting in meetings:
        on_day.setdefault(meeting.starts_at.astimezone(zone).date(), []).append(meeting)
    return [
        [
            MonthDay(day=day, in_month=day.month == month, meetings=on_day.get(day, []))
            for day in week
        ]
        for week in Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def meeting_detail(*, campus: Campus, pk: int, user) -> Meeting:
    """The meeting (its campus the one given, already read for the request) with its agenda as
    the page reads it (`agenda`: `agenda_rows`) and the person's own attendance
    (`own_attendance`, or None). Three queries. (Coordinators' counts of responses come with
    the responses: `responses()`.)"""
    from django.shortcuts import get_object_or_404

    meeting = get_object_or_404(meetings_for(campus=campus).select_related("series"), pk=pk)
    meeting.campus = campus
    meeting.agenda = agenda_rows(meeting=meeting)
    own = Attendance.objects.filter(meeting_id=meeting.pk, user_id=user.pk)
    meeting.own_attendance = own.first()
    return meeting


@dataclass(frozen=True, slots=True)
class AgendaRow:
    """An agenda item as the meeting's page shows it: `title` is the item's own, else its
    topic's in the reader's language (`topic_title`), else "" (the kind's usual title);
    `facilitator` their name or e-mail address, or ""."""

    kind: str
    title: str
    duration_minutes: int | None
    topic_id: int | None
    topic_title: str
    facilitator: str
    notes: str


def agenda_rows(*, meeting: Meeting) -> list[AgendaRow]:
    """The meeting's agenda in order, as plain values (the topics' titles in the reader's
    language). One query."""
    from training.selectors import shown_title

    rows = (
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .order_by("position")
        .values_list(
            "kind",
            "title",
            "duration_minutes",
            "topic_id",
            shown_title("topic__"),
            "facilitator__name",
            "facilitator__email",
            "notes",
        )
    )
    return [
        AgendaRow(
            kind,
            title or topic_title or "",
            minutes,
            topic_id,
            topic_title or "",
            name or email or "",
            notes,
        )
        for kind, title, minutes, topic_id, topic_title, name, email, notes in rows
    ]


def previous_time_and_place(*, meeting: Meeting):
    """The latest recorded version of the meeting with another time or place, so that attendees
    see what changed (a historical record with starts_at, ends_at, location, online_link)."""
    return (
        meeting.history.exclude(
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            location=meeting.location,
            online_link=meeting.online_link,
        )
        .order_by("-history_date", "-history_id")
        .first()
    )


CHANGE_LABELS = {
    "title": pgettext_lazy("changed field", "title"),
    "description": pgettext_lazy("changed field", "description"),
    "starts_at": pgettext_lazy("changed field", "start"),
    "ends_at": pgettext_lazy("changed field", "end"),
    "location": pgettext_lazy("changed field", "location"),
    "online_link": pgettext_lazy("changed field", "online link"),
    "status": pgettext_lazy("changed field", "status"),
    "cancelled_reason": pgettext_lazy("changed field", "cancellation reason"),
}


def meeting_changes(*, meeting: Meeting, limit: int = 20) -> list[dict]:
    """Who changed the meeting and when, latest first, with the fields that changed. One query."""
    records = list(
        meeting.history.values(
            "history_date", "history_user__name", "history_user__email", *CHANGE_LABELS
        )[: limit + 1]
    )
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(changes) == limit:
            break
        if older is None:
            what = pgettext("meeting change", "scheduled")
        else:
            fields = [label for name, label in CHANGE_LABELS.items() if newer[name] != older[name]]
            what = (
                pgettext("meeting change", "changed %(fields)s")
                % {"fields": ", ".join(str(f) for f in fields)}
                if fields
                else pgettext("meeting change", "saved without changes")
            )
        by = newer["history_user__name"] or newer["history_user__email"]  # None: by the system
        changes.append({"at": newer["history_date"], "by": by, "what": what})
    return changes


@dataclass(frozen=True, slots=True)
class Responder:
    """Someone expected at a meeting, as the lists of responses show them: their name (or
    e-mail address, if they gave no name) and what they added to their answer."""

    user_id: int
    name: str
    response_note: str

    def __str__(self) -> str:
        return self.name


def responses(*, meeting: Meeting) -> dict[str, list[Responder]]:
    """Everyone expected, grouped by response, names in order. One query (values, not models:
    a campus's worth of people)."""
    groups = {value: [] for value in Attendance.Response.values}
    rows = meeting.attendances.order_by("user__name", "user__email").values_list(
        "user_id", "user__name", "user__email", "response", "response_note"
    )
    for user_id, name, email, response, note in rows:
        groups[response].append(Responder(user_id, name or email, note))
    return groups


def roster(*, meeting: Meeting) -> list[dict]:
    """Everyone expected, by name, as dicts of what the roster shows (`pk`, `name`, `email`,
    `response`, `response_note`, `presence`, `presence_source`, `checked_in_at`); `same_name` is
    set on people who share their name with someone else on the list (the page then shows their
    e-mail address). One query, no model instances: a roster is a few hundred people."""
    rows = list(
        meeting.attendances.order_by("user__name", "user__email").values(
            "pk",
            "response",
            "response_note",
            "presence",
            "presence_source",
            "checked_in_at",
            name=F("user__name"),
            email=F("user__email"),
        )
    )
    names = Counter(row["name"].strip().casefold() for row in rows)
    for row in rows:
        name = row["name"].strip().casefold()
        row["same_name"] = not name or names[name] > 1
    return rows


def presence_summary(presences) -> dict[str, int]:
    """Counts for a roster's presences: there (present or late), away (excused or absent),
    unrecorded."""
    summary = {"there": 0, "away": 0, "unrecorded": 0, "total": 0}
    for presence in presences:
        if presence in Attendance.WAS_THERE:
            summary["there"] += 1
        elif presence == Attendance.Presence.UNRECORDED:
            summary["unrecorded"] += 1
        else:
            summary["away"] += 1
        summary["total"] += 1
    return summary


def presence_counts(*, meeting: Meeting) -> dict[str, int]:
    """The roster's counts without the people. One query."""
    return presence_summary(meeting.attendances.values_list("presence", flat=True))


def attendance_history(*, user, campus: Campus) -> list[Attendance]:
    """A person's meetings on one campus, latest first: their response and their presence."""
    return list(
        Attendance.objects.filter(user=user, meeting__campus=campus)
        .select_related("meeting")
        .order_by("-meeting__starts_at")
    )


def can_read_case_notes(*, user, meeting: Meeting, membership: Membership | None) -> bool:
    """The campus's coordinators, and members recorded present (or late) at that meeting.
    Site admins do not (DESIGN.md), unless they are also a coordinator of the campus."""
    if membership is not None and membership.is_coordinator:
        return True
    if membership is None:
        return False
    return Attendance.objects.filter(
        meeting=meeting, user=user, presence__in=Attendance.WAS_THERE
    ).exists()


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action item as the agenda and minutes pages list it: its owner's name ("" for none)
    and the meeting it comes from."""

    pk: int
    text: str
    owner: str
    owner_id: int | None
    due_on: dt.date | None
    done: bool
    meeting_id: int
    meeting_title: str
    meeting_starts_at: dt.datetime


def _action_rows(items: QuerySet[ActionItem]) -> list[ActionRow]:
    """Plain values, not models: a page lists these beside much else."""
    rows = items.order_by("meeting__starts_at", "done", "due_on", "pk").values_list(
        "pk",
        "text",
        "owner__name",
        "owner__email",
        "owner_id",
        "due_on",
        "done",
        "meeting_id",
        "meeting__title",
        "meeting__starts_at",
    )
    return [
        ActionRow(pk, text, (name or email or ""), owner, due, done, meeting, title, starts)
        for pk, text, name, email, owner, due, done, meeting, title, starts in rows
    ]


def _open_before(meeting: Meeting) -> Q:
    return Q(
        meeting__campus_id=meeting.campus_id,
        meeting__starts_at__lt=meeting.starts_at,
        done=False,
    )


def open_actions_before(*, meeting: Meeting) -> list[ActionRow]:
    """Action items still open from the campus's earlier meetings ("from last time"), oldest
    meeting first. One query."""
    return _action_rows(ActionItem.objects.filter(_open_before(meeting)))


def actions_of_and_before(*, meeting: Meeting) -> tuple[list[ActionRow], list[ActionRow]]:
    """The meeting's own action items (open ones first, by due date) and those still open from
    the campus's earlier meetings (`open_actions_before`): one query for both."""
    # The campus's condition outside the "or": the campus's meetings are read by their index.
    rows = _action_rows(
        ActionItem.objects.filter(meeting__campus_id=meeting.campus_id).filter(
            Q(meeting_id=meeting.pk) | _open_before(meeting)
        )
    )
    own = [row for row in rows if row.meeting_id == meeting.pk]
    return own, [row for row in rows if row.meeting_id != meeting.pk]


def overdue_actions(*, campus: Campus, owner: User | None = None) -> list[ActionItem]:
    """Open action items whose due date has passed (in the campus's time zone), on one campus,
    everyone's or one person's. One query."""
    today = timezone.localdate(timezone=campus.tz)
    items = ActionItem.objects.filter(meeting__campus=campus, done=False, due_on__lt=today)
    if owner is not None:
        items = items.filter(owner=owner)
    return list(items.select_related("owner", "meeting").order_by("due_on", "pk"))


def open_suggestions(*, campus: Campus) -> list[DiscussionSuggestion]:
    """Open discussion suggestions, newest first (anonymous ones have no author). One query."""
    return list(
        DiscussionSuggestion.objects.filter(campus=campus, status=DiscussionSuggestion.Status.OPEN)
        .select_related("author")
        .order_by("-submitted_on", "-pk")
    )


@dataclass(frozen=True, slots=True)
class SuggestionRow:
    """An open suggestion as the agenda page lists it (`author` is "" when anonymous)."""

    pk: int
    kind: str
    text: str
    is_anonymous: bool
    author: str
    submitted_on: dt.date


def open_suggestion_rows(*, campus: Campus) -> list[SuggestionRow]:
    """`open_suggestions`, in the same order, as plain values. One query."""
    rows = (
        DiscussionSuggestion.objects.filter(campus=campus, status=DiscussionSuggestion.Status.OPEN)
        .order_by("-submitted_on", "-pk")
        .values_list(
            "pk", "kind", "text", "is_anonymous", "author__name", "author__email", "submitted_on"
        )
    )
    return [
        SuggestionRow(pk, kind, text, anonymous, name or email or "", submitted)
        for pk, kind, text, anonymous, name, email, submitted in rows
    ]


# The suggestions page shows a coordinator this many, open ones first.
SUGGESTIONS_SHOWN = 200


def campus_suggestions(*, campus: Campus) -> list[DiscussionSuggestion]:
    """A campus's suggestions for its coordinators: open ones first, then those used."""
    return list(
        DiscussionSuggestion.objects.filter(campus=campus).select_related("author", "used_in")[
            :SUGGESTIONS_SHOWN
        ]
    )


def own_suggestions(*, campus: Campus, user: User) -> list[DiscussionSuggestion]:
    """What a person suggested under their name (anonymous ones cannot be told apart)."""
    return list(DiscussionSuggestion.objects.filter(campus=campus, author=user))


def has_agenda_to_copy(*, campus: Campus) -> bool:
    """Whether a meeting of the campus (not cancelled) has an agenda a new one can copy."""
    return (
        meetings_for(campus=campus)
        .filter(status=Meeting.Status.SCHEDULED, agenda_items__isnull=False)
        .exists()
    )


def next_scheduled_meeting(*, campus: Campus) -> Meeting | None:
    return (
        meetings_for(campus=campus)
        .filter(status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def own_attendance(*, meeting: Meeting, user: User) -> Attendance | None:
    """The person's attendance row for the meeting: None when they are not expected at it."""
    return Attendance.objects.filter(meeting=meeting, user=user).first()


def attendance_ids(*, meeting: Meeting) -> list[int]:
    return list(meeting.attendances.values_list("pk", flat=True))


def expected_count(*, meeting: Meeting) -> int:
    return meeting.attendances.count()


def agenda_items(*, meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.select_related("topic", "facilitator").order_by("position"))


def agenda_facilitators(*, meeting: Meeting) -> list[str]:
    """The names of the agenda's facilitators, in the agenda's order, each once. One query."""
    rows = (
        meeting.agenda_items.filter(facilitator__isnull=False)
        .order_by("position")
        .values_list("facilitator__name", "facilitator__email")
    )
    return list(dict.fromkeys(name or email for name, email in rows))


def agenda_plan(*, meeting: Meeting, items: list[AgendaItem]) -> dict:
    """The agenda's running total against the meeting's length, in minutes."""
    planned = sum(item.duration_minutes or 0 for item in items)
    length = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    return {
        "minutes": planned,
        "length": length,
        "left": length - planned,
        "over": planned > length,
        "over_by": planned - length,
        "unset": sum(1 for item in items if not item.duration_minutes),
    }


def minutes_for(*, meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).select_related("updated_by").first()


MINUTES_SECTIONS = {
    "going_well": _("What is going well"),
    "proving_difficult": _("What is proving difficult"),
    "ideas_for_improving": _("Ideas for improving"),
    "administrative_updates": _("Administrative updates"),
}
# Saves by one person this close together (a draft kept while typing) are one change.
HISTORY_MERGE_WINDOW = dt.timedelta(minutes=15)


@dataclass
class MinutesChange:
    when: dt.datetime
    who: str | None  # their name (or e-mail address); None once they are gone
    sections: list[str]
    who_id: int | None = None


# The history's tables, read through their plain managers: `Model.history` builds a manager
# class on every access.
_MINUTES_HISTORY = Minutes.history.model.objects
_CASE_NOTES_HISTORY = CaseCollaborationNotes.history.model.objects
_ACTION_HISTORY = ActionItem.history.model.objects


def minutes_history(*, meeting: Meeting, limit: int = 100) -> list[MinutesChange]:
    """Who changed the meeting's record, when, and which sections, newest first: the minutes'
    four sections, the case-collaboration notes (never their text: their history keeps none)
    and the action items. Three queries whatever the length of the history, of plain values."""
    who = ("history_user_id", "history_user__name", "history_user__email")
    events = []
    records = list(
        _MINUTES_HISTORY.filter(meeting_id=meeting.pk)
        .order_by("history_date", "history_id")
        .values_list("history_date", *who, *MINUTES_SECTIONS)[:limit]
    )
    empty = (None, None, None, None, *("" for _ in MINUTES_SECTIONS))
    for older, newer in zip([empty, *records], records, strict=False):
        changed = [
            label
            for index, label in enumerate(MINUTES_SECTIONS.values(), start=4)
            if newer[index] != older[index]
        ]
        if changed:
            events.append((*newer[:4], changed))
    for record in (
        _CASE_NOTES_HISTORY.filter(meeting_id=meeting.pk)
        .order_by("history_date", "history_id")
        .values_list("history_date", *who)[:limit]
    ):
        events.append((*record, [_("Case-collaboration notes")]))
    for *record, kind in (
        _ACTION_HISTORY.filter(meeting_id=meeting.pk)
        .order_by("history_date", "history_id")
        .values_list("history_date", *who, "history_type")[:limit]
    ):
        label = _("Action items") if kind != "-" else _("Action items (removed)")
        events.append((*record, [label]))
    events.sort(key=lambda event: event[0], reverse=True)
    changes: list[MinutesChange] = []
    for when, user_id, name, email, sections in events:
        last = changes[-1] if changes else None
        if last and last.who_id == user_id and last.when - when <= HISTORY_MERGE_WINDOW:
            last.sections.extend(s for s in sections if s not in last.sections)
            continue
        shown = (name or email) if user_id is not None else None
        changes.append(MinutesChange(when, shown, list(sections), user_id))
    return changes


def case_notes_for(*, meeting: Meeting) -> CaseCollaborationNotes | None:
    """Only for those `can_read_case_notes` allows."""
    return CaseCollaborationNotes.objects.filter(meeting=meeting).first()


def calendar_feed(*, user: User) -> CalendarFeed | None:
    """The person's calendar feed, if they have asked for one."""
    return CalendarFeed.objects.filter(user=user).first()


def feed_for_token(*, token: str) -> CalendarFeed | None:
    """The feed a secret address stands for, if it is still valid and its owner active."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed if feed is not None and feed.user.is_active else None


def active_people(*, campus: Campus):
    """Who may facilitate or own an action item: active members of the campus, any role."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__campus=campus, memberships__status=Membership.Status.ACTIVE)
        .order_by("name", "email")
    )


def feed_meetings(*, user) -> list[Meeting]:
    """The meetings of the person's campuses for their calendar feed, with their own response."""
    since = timezone.now() - timezone.timedelta(days=180)
    return list(
        Meeting.objects.filter(
            campus__memberships__user=user,
            campus__memberships__status__in=VISIBLE_STATUSES,
            ends_at__gte=since,
        )
        .select_related("campus")
        .prefetch_related(_own_attendance(user))
        .order_by("starts_at")
        .distinct()
    )
