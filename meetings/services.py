"""Writes for meetings: scheduling, agenda, responses, presence, suggestions, calendar feeds
(minutes and action items: meetings.minutes).

Every service is one transaction, takes keyword arguments and raises ValidationError with a
message meant for the person who asked; when it raises, nothing has changed. The helpers above
the services (authored, lock_meeting, claim_version, StaleEdit) serve meetings.minutes too.
"""

import datetime as dt
from dataclasses import dataclass

from dateutil import rrule as dateutil_rrule
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members.forms import error_text
from members.models import Campus, Membership, User
from members.selectors import is_active_member, membership_for
from members.validators import (
    DATE_RANGE_MESSAGE,
    EARLIEST_DATE,
    LATEST_DATE,
    validate_date_in_range,
)

from . import notifications
from .models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    DiscussionSuggestion,
    Meeting,
    MeetingSeries,
    new_feed_token,
)
from .respond_links import RespondLinkError, attendance_for_token

MAX_SERIES_OCCURRENCES = 60

# The guidance's parts of a meeting, in order: what a new meeting's agenda starts with. Their
# titles are stored empty: each reader sees the kind's usual title in their own language
# (AgendaItem.shown_title).
GUIDANCE_AGENDA = [
    (AgendaItem.Kind.CASE_COLLABORATION, ""),
    (AgendaItem.Kind.TRAINING, ""),
    (AgendaItem.Kind.ADMINISTRATIVE_UPDATE, ""),
    (AgendaItem.Kind.REFLECTION, ""),
]
EARLIEST_MOMENT = dt.datetime.combine(EARLIEST_DATE, dt.time.min, tzinfo=dt.UTC)
LATEST_MOMENT = dt.datetime.combine(LATEST_DATE, dt.time.max, tzinfo=dt.UTC)

# A meeting that already happened can be recorded afterwards, up to this long after its start
# (catching up on a term, not rewriting last year's record).
PAST_MEETING_LIMIT = dt.timedelta(days=366)

AGENDA_GUIDANCE = "guidance"
AGENDA_PREVIOUS = "previous"
AGENDA_EMPTY = "empty"


def authored(obj, by: User | None):
    """Record `by` as the author of the history row this save writes (outside a request too)."""
    if by is not None:
        obj._history_user = by
    return obj


def lock_meeting(meeting: Meeting) -> Meeting:
    """The meeting, locked until the transaction ends: one change to it at a time."""
    return Meeting.objects.select_for_update().select_related("campus").get(pk=meeting.pk)


class StaleEdit(ValidationError):
    """Someone else saved first. Carries what is saved now (`current`; None when it was never
    written) so that the page can show it beside what the person typed."""

    def __init__(self, current, *, what=None, compare_with=None):
        self.current = current
        super().__init__(
            _(
                "Someone else saved %(what)s after you opened the page, so your changes were "
                "not saved. They are still in the form below: compare them with the current "
                "%(compare_with)s and save again."
            )
            % {
                "what": what or _("a change to this meeting"),
                "compare_with": compare_with or pgettext("compare with the current", "details"),
            }
        )


def claim_version(obj, version: int, **stale):
    """Optimistic concurrency: the first save from a given version wins; a later one raises
    StaleEdit (`stale` words its message). Version 0 stands for a row not yet written.

    The conditional UPDATE also locks the row until the transaction ends."""
    model = type(obj)
    if obj.pk is None:
        if version != 0:
            raise StaleEdit(None, **stale)
        return obj
    claimed = model.objects.filter(pk=obj.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise StaleEdit(model.objects.get(pk=obj.pk), **stale)
    return model.objects.get(pk=obj.pk)


# --- time ----------------------------------------------------------------------------------
def local_to_utc(*, campus: Campus, day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time on the campus, in UTC. Refuses a day outside 2000 to 2100 (near the
    ends of the calendar there is no UTC time to convert to) and a time the clocks skip."""
    validate_date_in_range(day)
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=campus.tz)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(campus.tz).replace(tzinfo=None) != naive:
        raise ValidationError(
            _(
                "%(time)s does not exist on %(day)s in %(zone)s: the clocks change that night. "
                "Choose another time."
            )
            % {
                "time": date_format(time, "TIME_FORMAT"),
                "day": date_format(day, "DATE_FORMAT"),
                "zone": campus.time_zone,
            }
        )
    return utc


def _format_local(campus: Campus, moment: dt.datetime) -> str:
    local = moment.astimezone(campus.tz)
    day, time = date_format(local, "SHORT_DATE_FORMAT"), date_format(local, "TIME_FORMAT")
    return f"{day}, {time} {local.tzname()}"


def _check_times(
    *, campus: Campus, starts_at: dt.datetime, ends_at: dt.datetime, allow_past: bool = False
) -> None:
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        # A comparison, not a conversion: converting a moment near year 1 or 9999 overflows.
        if not EARLIEST_MOMENT <= moment <= LATEST_MOMENT:
            raise ValidationError({name: DATE_RANGE_MESSAGE})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if allow_past:
        if starts_at < timezone.now() - PAST_MEETING_LIMIT:
            raise ValidationError(
                {
                    "starts_at": _(
                        "%(when)s is more than a year ago. A meeting that already happened can "
                        "be recorded up to a year later."
                    )
                    % {"when": _format_local(campus, starts_at)}
                }
            )
    elif starts_at <= timezone.now():
        raise ValidationError(
            {
                "starts_at": _(
                    "%(when)s is in the past. Meetings can only be scheduled in the future."
                )
                % {"when": _format_local(campus, starts_at)}
            }
        )


# --- attendance rows -----------------------------------------------------------------------
# Sent after attendance rows are written in bulk (no post_save for each): reports.summary
# computes the campus's dashboard again.
attendance_written = Signal()


def _create_attendance(*, meetings: list[Meeting], user_ids: list[int], by: User | None) -> None:
    rows = [Attendance(meeting=m, user_id=uid) for m in meetings for uid in user_ids]
    if rows:
        bulk_create_with_history(rows, Attendance, default_user=by)
        for campus_id in {m.campus_id for m in meetings}:
            attendance_written.send(sender=Attendance, campus_id=campus_id)


def _active_member_ids(campus: Campus) -> list[int]:
    return list(
        Membership.objects.filter(campus=campus, status=Membership.Status.ACTIVE)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _member_ids_on(campus: Campus, day: dt.date) -> list[int]:
    """Who was expected at a meeting held on `day` (a meeting recorded afterwards): members who
    had joined by then and are still active, or have left since."""
    return list(
        Membership.objects.filter(campus=campus, joined_on__lte=day)
        .filter(
            Q(status=Membership.Status.ACTIVE) | Q(status=Membership.Status.LEFT, left_on__gte=day)
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def add_member_to_future_meetings(*, membership: Membership) -> int:
    """Someone joined (or came back): expect them at the campus's future meetings, not past ones.

    Idempotent; returns how many attendance rows were added."""
    if membership.status != Membership.Status.ACTIVE:
        return 0
    meetings = list(
        Meeting.objects.filter(
            campus_id=membership.campus_id,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        ).exclude(attendances__user_id=membership.user_id)
    )
    _create_attendance(meetings=meetings, user_ids=[membership.user_id], by=None)
    return len(meetings)


@transaction.atomic
def remove_member_from_future_meetings(*, membership: Membership) -> int:
    """Someone left or went on leave: they are no longer expected at future meetings."""
    if membership.status == Membership.Status.ACTIVE:
        return 0
    rows = list(
        Attendance.objects.filter(
            user_id=membership.user_id,
            meeting__campus_id=membership.campus_id,
            meeting__starts_at__gt=timezone.now(),
            presence=Attendance.Presence.UNRECORDED,
        )
    )
    for row in rows:
        row.delete()  # one at a time so that history records each removal
    return len(rows)


# --- scheduling ----------------------------------------------------------------------------
def _previous_meeting(*, campus: Campus, before: dt.datetime, exclude_pk=None) -> Meeting | None:
    queryset = Meeting.objects.filter(
        campus=campus, starts_at__lt=before, status=Meeting.Status.SCHEDULED
    )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.filter(agenda_items__isnull=False).order_by("-starts_at").first()


def _initial_agenda(
    *, meeting: Meeting, agenda: str, previous: Meeting | None, by: User | None = None
) -> None:
    if agenda == AGENDA_EMPTY:
        return
    if agenda == AGENDA_PREVIOUS and previous is not None:
        parts = [
            (item.kind, item.title, item.duration_minutes)
            for item in previous.agenda_items.order_by("position")
        ]
    else:
        parts = [(kind, title, None) for kind, title in GUIDANCE_AGENDA]
    items = [
        AgendaItem(meeting=meeting, position=i, kind=kind, title=title, duration_minutes=minutes)
        for i, (kind, title, minutes) in enumerate(parts, start=1)
    ]
    bulk_create_with_history(items, AgendaItem, default_user=by)


def _check_agenda_choice(*, campus: Campus, agenda: str, before: dt.datetime):
    if agenda not in (AGENDA_GUIDANCE, AGENDA_PREVIOUS, AGENDA_EMPTY):
        raise ValidationError({"agenda": _("Choose how the agenda starts.")})
    previous = None
    if agenda == AGENDA_PREVIOUS:
        previous = _previous_meeting(campus=campus, before=before)
        if previous is None:
            raise ValidationError(
                {
                    "agenda": _(
                        "%(campus)s has no earlier meeting with an agenda to copy. "
                        "Start from the guidance's parts instead."
                    )
                    % {"campus": campus}
                }
            )
    return previous


def _new_meeting(
    *, campus, series, title, description, starts_at, ends_at, location, online_link, by: User
):
    meeting = Meeting(
        campus=campus,
        series=series,
        title=title.strip(),
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        original_starts_at=starts_at if series is not None else None,
        location=location.strip(),
        online_link=online_link.strip(),
        created_by=by,
    )
    _check_place(meeting)
    meeting.full_clean()
    authored(meeting, by).save()
    return meeting


def _check_place(meeting: Meeting) -> None:
    if not meeting.location and not meeting.online_link:
        raise ValidationError({"location": _("Give a location, an online link, or both.")})


@transaction.atomic
def schedule_meeting(
    *,
    campus: Campus,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str,
    description: str = "",
    location: str = "",
    online_link: str = "",
    agenda: str = AGENDA_GUIDANCE,
    by: User,
) -> Meeting:
    """Schedule one meeting; every active member of the campus is expected at it.

    A meeting that has already started (or happened: up to PAST_MEETING_LIMIT ago) is recorded
    for its presence and minutes: those who were members on its day are expected, and nobody
    is e-mailed (no invitation; reminders and presence nudges skip it too)."""
    _check_times(campus=campus, starts_at=starts_at, ends_at=ends_at, allow_past=True)
    previous = _check_agenda_choice(campus=campus, agenda=agenda, before=starts_at)
    meeting = _new_meeting(
        campus=campus,
        series=None,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_link=online_link,
        by=by,
    )
    _initial_agenda(meeting=meeting, agenda=agenda, previous=previous, by=by)
    if meeting.has_started:
        day = starts_at.astimezone(campus.tz).date()
        _create_attendance(meetings=[meeting], user_ids=_member_ids_on(campus, day), by=by)
    else:
        _create_attendance(meetings=[meeting], user_ids=_active_member_ids(campus), by=by)
        notifications.notify_scheduled(meetings=[meeting])
    return meeting


WEEKDAYS_PLURAL = {
    0: gettext_lazy("Mondays"),
    1: gettext_lazy("Tuesdays"),
    2: gettext_lazy("Wednesdays"),
    3: gettext_lazy("Thursdays"),
    4: gettext_lazy("Fridays"),
    5: gettext_lazy("Saturdays"),
    6: gettext_lazy("Sundays"),
}
# "Second Tuesday": the weekday after an ordinal (lowercase in French: « deuxième mardi »).
WEEKDAYS_AFTER_ORDINAL = {
    0: pgettext_lazy("weekday after an ordinal", "Monday"),
    1: pgettext_lazy("weekday after an ordinal", "Tuesday"),
    2: pgettext_lazy("weekday after an ordinal", "Wednesday"),
    3: pgettext_lazy("weekday after an ordinal", "Thursday"),
    4: pgettext_lazy("weekday after an ordinal", "Friday"),
    5: pgettext_lazy("weekday after an ordinal", "Saturday"),
    6: pgettext_lazy("weekday after an ordinal", "Sunday"),
}
WEEK_ORDINALS = {
    1: pgettext_lazy("week of the month", "First"),
    2: pgettext_lazy("week of the month", "Second"),
    3: pgettext_lazy("week of the month", "Third"),
    4: pgettext_lazy("week of the month", "Fourth"),
    -1: pgettext_lazy("week of the month", "Last"),
}


@dataclass(frozen=True)
class Recurrence:
    """A simple recurrence a coordinator can describe in a form."""

    frequency: str  # "weekly" or "monthly"
    first_day: dt.date
    last_day: dt.date
    start_time: dt.time
    end_time: dt.time
    weekday: int  # 0 = Monday
    interval: int = 1  # every n weeks (weekly)
    week_of_month: int = 1  # 1..4, or -1 for the last (monthly)

    def rule(self) -> dateutil_rrule.rrule:
        until = dt.datetime.combine(self.last_day, dt.time(23, 59, 59))
        start = dt.datetime.combine(self.first_day, self.start_time)
        weekday = dateutil_rrule.weekdays[self.weekday]
        if self.frequency == "weekly":
            return dateutil_rrule.rrule(
                dateutil_rrule.WEEKLY,
                dtstart=start,
                interval=self.interval,
                byweekday=weekday,
                until=until,
            )
        return dateutil_rrule.rrule(
            dateutil_rrule.MONTHLY,
            dtstart=start,
            byweekday=weekday(self.week_of_month),
            until=until,
        )

    @classmethod
    def from_rule(cls, text: str, *, duration: dt.timedelta) -> "Recurrence":
        """The recurrence a series' stored rule (`str(Recurrence.rule())`) stands for; its
        meetings last `duration`. Raises ValueError for a rule not written by `rule()`."""
        rule = dateutil_rrule.rrulestr(text)
        start, until = rule._dtstart, rule._until
        if until is None or rule._freq not in (dateutil_rrule.WEEKLY, dateutil_rrule.MONTHLY):
            raise ValueError(text)
        if rule._freq == dateutil_rrule.WEEKLY:
            (weekday,) = rule._byweekday
            frequency, week_of_month = "weekly", 1
        else:
            ((weekday, week_of_month),) = rule._bynweekday
            frequency = "monthly"
        return cls(
            frequency=frequency,
            first_day=start.date(),
            last_day=until.date(),
            start_time=start.time(),
            end_time=(start + duration).time(),
            weekday=weekday,
            interval=rule._interval,
            week_of_month=week_of_month,
        )

    def describe(self) -> str:
        """The recurrence in words, in the active language."""
        if self.frequency == "weekly":
            days = WEEKDAYS_PLURAL[self.weekday]
            if self.interval == 1:
                text = _("%(weekdays)s, every week") % {"weekdays": days}
            else:
                text = _("%(weekdays)s, every %(n)s weeks") % {"weekdays": days, "n": self.interval}
        else:
            text = _("%(ordinal)s %(weekday)s of every month") % {
                "ordinal": WEEK_ORDINALS[self.week_of_month],
                "weekday": WEEKDAYS_AFTER_ORDINAL[self.weekday],
            }
        return _("%(pattern)s, %(start)s–%(end)s, %(first)s to %(last)s") % {  # noqa: RUF001
            "pattern": text,
            "start": date_format(self.start_time, "TIME_FORMAT"),
            "end": date_format(self.end_time, "TIME_FORMAT"),
            "first": date_format(self.first_day, "DATE_FORMAT"),
            "last": date_format(self.last_day, "DATE_FORMAT"),
        }


def series_description(meeting: Meeting) -> str:
    """A meeting's series in words, in the reader's language (the description stored with the
    series is in the language of the person who scheduled it: what is shown when its rule
    cannot be read back)."""
    series = meeting.series
    try:
        recurrence = Recurrence.from_rule(
            series.rrule, duration=meeting.ends_at - meeting.starts_at
        )
    except (ValueError, TypeError):
        return series.description
    return recurrence.describe()


@transaction.atomic
def schedule_series(
    *,
    campus: Campus,
    recurrence: Recurrence,
    title: str,
    description: str = "",
    location: str = "",
    online_link: str = "",
    agenda: str = AGENDA_GUIDANCE,
    by: User,
) -> list[Meeting]:
    """Schedule every occurrence of a recurrence as its own meeting (future occurrences only)."""
    if recurrence.frequency not in ("weekly", "monthly"):
        raise ValidationError({"frequency": _("Choose weekly or monthly.")})
    for name in ("first_day", "last_day"):
        try:
            validate_date_in_range(getattr(recurrence, name))
        except ValidationError:
            raise ValidationError({name: DATE_RANGE_MESSAGE}) from None
    if recurrence.last_day < recurrence.first_day:
        raise ValidationError({"last_day": _("The last day must not be before the first day.")})
    if recurrence.end_time <= recurrence.start_time:
        raise ValidationError({"end_time": _("The meeting must end after it starts.")})
    duration = dt.datetime.combine(recurrence.first_day, recurrence.end_time) - dt.datetime.combine(
        recurrence.first_day, recurrence.start_time
    )
    rule = recurrence.rule()
    now = timezone.now()
    occurrences = []
    for local_start in rule:
        starts_at = local_to_utc(campus=campus, day=local_start.date(), time=local_start.time())
        if starts_at <= now:
            continue
        occurrences.append(starts_at)
        if len(occurrences) > MAX_SERIES_OCCURRENCES:
            raise ValidationError(
                _(
                    "That makes more than %(n)s meetings. "
                    "Choose an earlier last day or a less frequent pattern."
                )
                % {"n": MAX_SERIES_OCCURRENCES}
            )
    if not occurrences:
        raise ValidationError(
            _("“%(pattern)s” has no future occurrences. Check the days and the date range.")
            % {"pattern": recurrence.describe()}
        )
    previous = _check_agenda_choice(campus=campus, agenda=agenda, before=occurrences[0])
    series = MeetingSeries.objects.create(
        campus=campus, rrule=str(rule), description=recurrence.describe()[:200], created_by=by
    )
    meetings = []
    for starts_at in occurrences:
        ends_at = (starts_at.astimezone(campus.tz) + duration).astimezone(dt.UTC)
        meeting = _new_meeting(
            campus=campus,
            series=series,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            online_link=online_link,
            by=by,
        )
        _initial_agenda(meeting=meeting, agenda=agenda, previous=previous, by=by)
        meetings.append(meeting)
    _create_attendance(meetings=meetings, user_ids=_active_member_ids(campus), by=by)
    notifications.notify_scheduled(meetings=meetings)
    return meetings


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    version: int,
    title: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str,
    online_link: str,
    scope: str = "this",
    by: User,
) -> list[Meeting]:
    """Change a meeting ("this") or it and the following ones of its series ("following").

    A changed time moves the following meetings by the same number of days and to the same
    local time of day. A change of time or place bumps SEQUENCE; a change of time also asks
    everyone to respond again. Refused when someone else saved since `version`."""
    if scope not in ("this", "following"):
        raise ValidationError({"scope": _("Choose this meeting or this and the following ones.")})
    if scope == "following" and meeting.series_id is None:
        raise ValidationError({"scope": _("This meeting is not part of a series.")})
    campus = meeting.campus
    current = claim_version(meeting, version)
    if current.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; it can no longer be changed."))
    time_changed = (starts_at, ends_at) != (current.starts_at, current.ends_at)
    if time_changed:
        if current.starts_at <= timezone.now():
            raise ValidationError(
                {"starts_at": _("This meeting has already started; its time can no longer change.")}
            )
        _check_times(campus=campus, starts_at=starts_at, ends_at=ends_at)
    elif ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})

    targets = [current]
    if scope == "following":
        targets += list(
            Meeting.objects.select_for_update()
            .filter(
                series_id=current.series_id,
                status=Meeting.Status.SCHEDULED,
                starts_at__gt=current.starts_at,
            )
            .order_by("starts_at")
        )
    old_local = current.starts_at.astimezone(campus.tz)
    new_local = starts_at.astimezone(campus.tz)
    day_shift = new_local.date() - old_local.date()
    duration = ends_at - starts_at
    changed = []
    for target in targets:
        if target is current:
            new_start, new_end = starts_at, ends_at
        else:
            day = target.starts_at.astimezone(campus.tz).date() + day_shift
            new_start = local_to_utc(campus=campus, day=day, time=new_local.time())
            new_end = new_start + duration
            if time_changed and new_start <= timezone.now():
                raise ValidationError(
                    {
                        "starts_at": _("%(when)s would be in the past.")
                        % {"when": _format_local(campus, new_start)}
                    }
                )
        moved = (new_start, new_end) != (target.starts_at, target.ends_at)
        place_changed = (location.strip(), online_link.strip()) != (
            target.location,
            target.online_link,
        )
        target.title = title.strip()
        target.description = description.strip()
        target.starts_at, target.ends_at = new_start, new_end
        target.location, target.online_link = location.strip(), online_link.strip()
        if moved or place_changed:
            target.sequence += 1
            changed.append(target)
        if target is not current:
            target.version += 1
        _check_place(target)
        target.full_clean()
        authored(target, by).save()
        if moved:
            _ask_to_respond_again(meeting=target, by=by)
    if changed:
        notifications.notify_changed(meetings=changed)
    return targets


def _ask_to_respond_again(*, meeting: Meeting, by: User) -> None:
    rows = list(meeting.attendances.exclude(response=Attendance.Response.NO_RESPONSE))
    for row in rows:
        row.response = Attendance.Response.NO_RESPONSE
        row.response_note = ""
        row.responded_at = None
    if rows:
        bulk_update_with_history(
            rows,
            Attendance,
            ["response", "response_note", "responded_at"],
            default_user=by,
            default_change_reason="meeting moved",
        )
        attendance_written.send(sender=Attendance, campus_id=meeting.campus_id)


@transaction.atomic
def cancel_meeting(
    *, meeting: Meeting, reason: str, scope: str = "this", by: User
) -> list[Meeting]:
    """Cancel a meeting ("this") or it and the following ones of its series ("following"), with
    a reason; the meetings, their agendas and their responses stay on record. Returns the
    meetings cancelled, the one asked for first."""
    if scope not in ("this", "following"):
        raise ValidationError({"scope": _("Choose this meeting or this and the following ones.")})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if scope == "following" and meeting.series_id is None:
        raise ValidationError({"scope": _("This meeting is not part of a series.")})
    reason = reason.strip()
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is already cancelled."))
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled; attendees see it.")})
    now = timezone.now()
    if meeting.starts_at <= now:
        raise ValidationError(_("This meeting has already started; it can no longer be cancelled."))
    targets = [meeting]
    if scope == "following":
        targets += list(
            Meeting.objects.select_for_update()
            .filter(
                series_id=meeting.series_id,
                status=Meeting.Status.SCHEDULED,
                starts_at__gt=meeting.starts_at,
            )
            .order_by("starts_at")
        )
    for target in targets:
        target.status = Meeting.Status.CANCELLED
        target.cancelled_reason = reason
        target.cancelled_at = now
        target.sequence += 1
        target.version += 1
        target.full_clean()
        authored(target, by).save()
    notifications.notify_cancelled(meetings=targets)
    return targets


# --- agenda --------------------------------------------------------------------------------
def check_active_member(*, field: str, user: User | None, campus: Campus) -> None:
    """Refuse, on `field`, someone who is not an active member of the campus."""
    if user is not None and not is_active_member(user=user, campus=campus):
        raise ValidationError(
            {
                field: _("%(person)s is not an active member of %(campus)s.")
                % {"person": user, "campus": campus}
            }
        )


# --- responses -----------------------------------------------------------------------------
def _check_can_respond(attendance: Attendance) -> None:
    meeting = attendance.meeting
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; there is nothing to respond to."))
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            _(
                "This meeting has already started, so responses are closed. "
                "Tell your coordinator if something changed."
            )
        )


@transaction.atomic
def respond(*, attendance: Attendance, response: str, note: str = "") -> Attendance:
    """The person says whether they will come; they may change their mind until it starts."""
    attendance = (
        Attendance.objects.select_for_update()
        .select_related("meeting", "user")
        .get(pk=attendance.pk)
    )
    if response not in (Attendance.Response.ATTENDING, Attendance.Response.NOT_ATTENDING):
        raise ValidationError({"response": _("Choose attending or not attending.")})
    _check_can_respond(attendance)
    attendance.response = response
    attendance.response_note = note.strip()
    attendance.responded_at = timezone.now()
    attendance._history_user = attendance.user  # also right for one-click links (no login)
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def respond_with_token(*, token: str, note: str = "") -> Attendance:
    attendance, response = attendance_for_token(token)
    try:
        return respond(attendance=attendance, response=response, note=note)
    except ValidationError as error:
        raise RespondLinkError(error_text(error)) from None


# --- presence ------------------------------------------------------------------------------
def _check_presence_time(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; there is no presence to record."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            _("Presence can be recorded once the meeting has started (%(when)s).")
            % {"when": _format_local(meeting.campus, meeting.starts_at)}
        )


@transaction.atomic
def record_presence(*, meeting: Meeting, presences: dict[int, str], by: User) -> int:
    """Record presence for many people at once: {attendance id: presence}. Returns how many
    rows changed. Unknown ids or values are refused before anything is written."""
    meeting = lock_meeting(meeting)
    _check_presence_time(meeting)
    valid = set(Attendance.Presence.values)
    if any(value not in valid for value in presences.values()):
        raise ValidationError(_("Choose present, late, excused or absent for each person."))
    rows = {a.pk: a for a in meeting.attendances.filter(pk__in=list(presences))}
    if len(rows) != len(presences):
        raise ValidationError(_("Someone on this list is not expected at this meeting."))
    now = timezone.now()
    changed = []
    for pk, presence in presences.items():
        row = rows[pk]
        if row.presence != presence:
            row.presence = presence
            row.presence_recorded_at = now
            row.presence_recorded_by = by
            # The coordinator's entry wins over a self check-in (whose time stays on the row).
            row.presence_source = (
                Attendance.Source.NONE
                if presence == Attendance.Presence.UNRECORDED
                else Attendance.Source.COORDINATOR
            )
            changed.append(row)
    if changed:
        bulk_update_with_history(
            changed,
            Attendance,
            ["presence", "presence_recorded_at", "presence_recorded_by", "presence_source"],
            default_user=by,
        )
        attendance_written.send(sender=Attendance, campus_id=meeting.campus_id)
    return len(changed)


@transaction.atomic
def take_presence(
    *, meeting: Meeting, presences: dict[int, str], confirmed_present: bool = False, by: User
) -> tuple[int, int]:
    """The roster's one form: the presences chosen on the page and, when asked, "everyone who
    confirmed was present" for those the page left without a choice and nobody has recorded
    yet (a choice already made is never overwritten). Returns (rows changed, people the
    shortcut marked present)."""
    meeting = lock_meeting(meeting)
    _check_presence_time(meeting)
    filled = []
    if confirmed_present:
        filled = list(
            meeting.attendances.filter(
                response=Attendance.Response.ATTENDING, presence=Attendance.Presence.UNRECORDED
            )
            .exclude(pk__in=list(presences))
            .values_list("pk", flat=True)
        )
    merged = {**presences, **dict.fromkeys(filled, Attendance.Presence.PRESENT)}
    return record_presence(meeting=meeting, presences=merged, by=by), len(filled)


# --- discussion suggestions ----------------------------------------------------------------
@transaction.atomic
def suggest(
    *, campus: Campus, kind: str, text: str, anonymous: bool, by: User
) -> DiscussionSuggestion:
    """A member suggests something for the next meeting. When anonymous, the author is not
    stored at all (the model keeps no history either)."""
    if membership_for(user=by, campus=campus) is None:
        raise ValidationError(
            _("Only members of %(campus)s can make suggestions.") % {"campus": campus}
        )
    suggestion = DiscussionSuggestion(
        campus=campus,
        kind=kind,
        text=text.strip(),
        is_anonymous=anonymous,
        author=None if anonymous else by,
        submitted_on=timezone.localdate(timezone=campus.tz),
    )
    suggestion.full_clean()
    suggestion.save()
    return suggestion


@transaction.atomic
def mark_suggestion_used(
    *, suggestion: DiscussionSuggestion, meeting: Meeting | None = None, by
) -> DiscussionSuggestion:
    suggestion = DiscussionSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status == DiscussionSuggestion.Status.USED:
        raise ValidationError(_("This suggestion was already marked used."))
    if meeting is not None and meeting.campus_id != suggestion.campus_id:
        raise ValidationError(_("That meeting belongs to another campus."))
    suggestion.status = DiscussionSuggestion.Status.USED
    suggestion.used_in = meeting
    suggestion.used_at = timezone.now()
    suggestion.full_clean()
    suggestion.save()
    return suggestion


# --- calendar feed -------------------------------------------------------------------------
@transaction.atomic
def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def reset_calendar_feed(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    feed.token = new_feed_token()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    return feed
