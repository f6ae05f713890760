"""Retention: each campus, in its own time zone, erases the text of case-collaboration notes of
meetings older than its `case_notes_retention_months`, and, when `minutes_retention_months` is
set, the minutes' texts likewise. The rows stay, marked with the date they were erased, so a
meeting still shows that notes existed; attendance is never touched (the campus's figures).

Run daily by beat (meetings.apply_retention) and by `manage.py apply_retention [--dry-run]`.
Idempotent: an erased record is not erased again."""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from members.models import Campus

from .minutes import MINUTES_FIELDS
from .models import CaseCollaborationNotes, Meeting, Minutes


@dataclass
class CampusRetention:
    """What retention erased (or, in a dry run, would erase) at one campus."""

    campus: Campus
    # Meetings that started before this local date are past the retention period.
    notes_before: dt.date
    minutes_before: dt.date | None
    notes_meetings: list[Meeting] = field(default_factory=list)
    minutes_meetings: list[Meeting] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.notes_meetings or self.minutes_meetings)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _start_of(day: dt.date, campus: Campus) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=campus.tz)


def _notes_due(campus: Campus, before: dt.date):
    return (
        CaseCollaborationNotes.objects.filter(
            meeting__campus=campus,
            meeting__starts_at__lt=_start_of(before, campus),
            erased_at__isnull=True,
        )
        .exclude(text="")
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )


def _minutes_due(campus: Campus, before: dt.date):
    written = Q()
    for name in MINUTES_FIELDS:
        written |= ~Q(**{name: ""})
    return (
        Minutes.objects.filter(
            written,
            meeting__campus=campus,
            meeting__starts_at__lt=_start_of(before, campus),
            erased_at__isnull=True,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )


@transaction.atomic
def _erase(campus: Campus, decision: CampusRetention, *, now: dt.datetime) -> None:
    notes = list(_notes_due(campus, decision.notes_before).select_for_update(of=("self",)))
    decision.notes_meetings = [n.meeting for n in notes]
    ids = [n.pk for n in notes]
    # Case notes' history never holds the text (excluded field): nothing to scrub there.
    CaseCollaborationNotes.objects.filter(pk__in=ids).update(
        text="", erased_at=now, version=F("version") + 1
    )
    if decision.minutes_before is None:
        return
    minutes = list(_minutes_due(campus, decision.minutes_before).select_for_update(of=("self",)))
    decision.minutes_meetings = [m.meeting for m in minutes]
    ids = [m.pk for m in minutes]
    blank = dict.fromkeys(MINUTES_FIELDS, "")
    Minutes.objects.filter(pk__in=ids).update(**blank, erased_at=now, version=F("version") + 1)
    # The minutes' history keeps every version's text: scrubbed as well.
    Minutes.history.filter(id__in=ids).update(**blank)


def apply_retention(*, now: dt.datetime | None = None, dry_run: bool = False):
    """Each campus's retention, at `now` (default: the present). Returns one CampusRetention per
    campus with something erased (or, with `dry_run`, that would be; then nothing changes)."""
    now = now or timezone.now()
    decisions = []
    for campus in Campus.objects.order_by("name", "pk"):
        today = timezone.localtime(now, campus.tz).date()
        decision = CampusRetention(
            campus=campus,
            notes_before=months_before(today, campus.case_notes_retention_months),
            minutes_before=(
                months_before(today, campus.minutes_retention_months)
                if campus.minutes_retention_months
                else None
            ),
        )
        if dry_run:
            decision.notes_meetings = [n.meeting for n in _notes_due(campus, decision.notes_before)]
            if decision.minutes_before is not None:
                decision.minutes_meetings = [
                    m.meeting for m in _minutes_due(campus, decision.minutes_before)
                ]
        else:
            _erase(campus, decision, now=now)
        if not decision.empty:
            decisions.append(decision)
    return decisions
