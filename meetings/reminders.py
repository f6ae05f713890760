"""Every periodic e-mail: what the clock, not an event, causes. Keys make each e-mail exist at
most once, however often and from however many processes the jobs run.

- Gap reminders (`check_meeting_gaps`, hourly), described below.
- Campus.reminder_hours_before a meeting starts (`send_meeting_reminders`): those attending or
  not yet responded, unless they turned reminders off.
- A day after a meeting whose presence is unrecorded (`send_presence_nudges`): the campus's
  coordinators.

Gap reminders: a campus should meet at least once a month, in its own time zone.

Month M "has a meeting" when a meeting that is not cancelled starts in M, in the campus's time
zone. When it has none, the campus's active coordinators hear about it in three stages — from
the 20th of the month before ("upcoming"), from the 1st of M ("overdue") and from the 15th of M
("escalation", to site admins too) — each (campus, month, stage) at most once, which a unique
row in the database guarantees however often and from however many processes the check runs.

A campus without an active coordinator is not forgotten: its reminders go to the site admins,
saying why. A stage counts as sent only when somebody was told; with nobody at all to tell,
nothing is recorded and the next check tries again.

Decisions are logged and returned by the hourly task: they name people by id, never by address.

Every e-mail is written in its recipient's language (`members.language.language_of`).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.language import language_of
from members.models import Campus, Membership
from members.preferences import list_headers, stop_url
from outbox.mail import absolute_url
from outbox.selectors import existing_keys
from outbox.services import queue_email

from .models import Attendance, GapReminder, Meeting
from .notifications import (
    day_and_time,
    meeting_lines,
    month_day,
    preferences_url,
    strong,
    when,
)

logger = logging.getLogger(__name__)

Stage = GapReminder.Stage
UPCOMING_FROM_DAY = 20
ESCALATION_FROM_DAY = 15
REMINDER_LOOKAHEAD = timedelta(days=14)  # the longest reminder_hours_before a campus may set
NUDGE_AFTER = timedelta(days=1)
NUDGE_UNTIL = timedelta(days=8)  # after a week, a nudge about an old meeting is noise


@dataclass
class GapDecision:
    campus: Campus
    month: date
    stage: str
    # has a meeting / sent / already sent / would send / new campus / nobody to tell
    outcome: str
    recipient_ids: list[int] = field(default_factory=list)
    to_site_admins: bool = False  # no active coordinator: the site admins are told instead

    def __str__(self):
        """Counts and user ids, never addresses: this line goes to logs and task results."""
        who = ""
        if self.recipient_ids:
            count = len(self.recipient_ids)
            ids = ", ".join(map(str, self.recipient_ids))
            who = f" to {count} {'person' if count == 1 else 'people'} (user id {ids})"
            if self.to_site_admins:
                who += ", the site admins: no active coordinator"
        elif self.outcome == "nobody to tell":
            who = " (no active coordinator, no active site admin)"
        return f"{self.campus.slug}: {self.month:%B %Y} {self.stage} — {self.outcome}{who}"


def due_stages(local_now: datetime) -> list[tuple[date, str]]:
    """The (month, stage) pairs that are due at this local time, this month's first."""
    this_month = local_now.date().replace(day=1)
    stages = [
        (this_month, Stage.ESCALATION if local_now.day >= ESCALATION_FROM_DAY else Stage.OVERDUE)
    ]
    if local_now.day >= UPCOMING_FROM_DAY:
        stages.append((this_month + relativedelta(months=1), Stage.UPCOMING))
    return stages


def check_meeting_gaps(*, at: datetime | None = None, dry_run: bool = False) -> list[GapDecision]:
    """Decide, for every campus, what is due at `at` (default now), and send it.

    A fixed number of queries whatever the number of campuses that need nothing: campuses,
    meetings near now, and reminders already sent; only campuses that need a reminder cost more.
    """
    now = at or timezone.now()
    campuses = list(Campus.objects.order_by("pk"))
    zones = {campus.pk: campus.tz for campus in campuses}
    held = defaultdict(set)
    for campus_id, starts_at in (
        Meeting.objects.filter(
            starts_at__gte=now - timedelta(days=33), starts_at__lt=now + timedelta(days=45)
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .values_list("campus_id", "starts_at")
    ):
        local = starts_at.astimezone(zones[campus_id])
        held[campus_id].add(date(local.year, local.month, 1))
    due = {campus.pk: due_stages(now.astimezone(campus.tz)) for campus in campuses}
    months = {month for stages in due.values() for month, _stage in stages}
    sent = set(
        GapReminder.objects.filter(month__in=months).values_list("campus_id", "month", "stage")
    )

    decisions = []
    for campus in campuses:
        created_month = campus.created_at.astimezone(campus.tz).date().replace(day=1)
        for month, stage in due[campus.pk]:
            if month in held[campus.pk]:
                outcome = "has a meeting"
            elif stage != Stage.UPCOMING and month <= created_month:
                outcome = "new campus"  # nobody can be late for a month they joined mid-way
            elif (campus.pk, month, stage) in sent:
                outcome = "already sent"
            elif dry_run:
                recipients, to_site_admins = _recipients(campus, stage)
                decisions.append(
                    GapDecision(
                        campus,
                        month,
                        stage,
                        "would send" if recipients else "nobody to tell",
                        [user.pk for user in recipients],
                        to_site_admins,
                    )
                )
                continue
            else:
                decisions.append(send_gap_reminder(campus=campus, month=month, stage=stage))
                continue
            decisions.append(GapDecision(campus, month, stage, outcome))
    return decisions


def _recipients(campus: Campus, stage: str) -> tuple[list, bool]:
    """Who hears about the gap, and whether they are the site admins standing in for a
    coordinator the campus does not have."""
    users = get_user_model().objects.filter(is_active=True)
    coordinators = list(
        users.filter(
            memberships__campus=campus,
            memberships__role=Membership.Role.COORDINATOR,
            memberships__status=Membership.Status.ACTIVE,
        ).order_by("pk")
    )
    if not coordinators:
        return list(users.filter(is_superuser=True).order_by("pk")), True
    if stage == Stage.ESCALATION:
        known = {user.pk for user in coordinators}
        coordinators += [
            user for user in users.filter(is_superuser=True).order_by("pk") if user.pk not in known
        ]
    return coordinators, False


def gap_subject(*, campus: Campus, month: date, stage: str) -> str:
    """The gap reminder's subject, in the active language."""
    values = {"campus": campus.name, "month": date_format(month, "YEAR_MONTH_FORMAT")}
    if stage == Stage.UPCOMING:
        return _("%(campus)s: No community-of-practice meeting yet for %(month)s") % values
    if stage == Stage.OVERDUE:
        return _("%(campus)s: %(month)s has no community-of-practice meeting") % values
    return _("%(campus)s: Half of %(month)s gone and no meeting at %(campus)s") % values


@transaction.atomic
def send_gap_reminder(*, campus: Campus, month: date, stage: str) -> GapDecision:
    """Record the reminder and queue its e-mails in one transaction, once per campus/month/stage.

    With nobody to tell, nothing is recorded: the next check tries again."""
    recipients, to_site_admins = _recipients(campus, stage)
    if not recipients:
        logger.warning(
            "Gap reminder %s %s %s: nobody to tell (no active coordinator, no active site "
            "admin); the next check tries again",
            campus.slug,
            f"{month:%Y-%m}",
            stage,
        )
        return GapDecision(campus, month, stage, "nobody to tell")
    try:
        with transaction.atomic():
            reminder = GapReminder.objects.create(campus=campus, month=month, stage=stage)
    except IntegrityError:
        return GapDecision(campus, month, stage, "already sent")
    schedule_url = absolute_url(reverse("meetings:meeting_create", kwargs={"campus": campus.slug}))
    members_url = absolute_url(reverse("members:member_list", kwargs={"campus": campus.slug}))
    for user in recipients:
        with translation.override(language_of(user)):
            queue_email(
                key=f"gap:{campus.pk}:{month:%Y-%m}:{stage}:{user.pk}",
                kind=f"gap_{stage}",
                to=user.email,
                user=user,
                campus=campus,
                subject=gap_subject(campus=campus, month=month, stage=stage),
                template="meetings/email/gap_reminder",
                context={
                    "user": user,
                    "month": month,
                    "month_strong": strong(date_format(month, "YEAR_MONTH_FORMAT")),
                    "campus_strong": strong(campus),
                    "stage": stage,
                    "no_coordinator": to_site_admins,
                    "schedule_url": schedule_url,
                    "members_url": members_url,
                    "preferences_url": preferences_url(),
                },
            )
    reminder.recipients = len(recipients)
    reminder.save(update_fields=["recipients"])
    return GapDecision(
        campus, month, stage, "sent", [user.pk for user in recipients], to_site_admins
    )


# --- before and after a meeting -----------------------------------------------------------
def send_meeting_reminders(*, now: datetime | None = None) -> int:
    """Remind those attending or not yet responded, each campus's lead time before the start.

    A meeting scheduled inside that window gets no reminder: its invitation has just gone out.
    Three queries plus one write per reminder, however many meetings are ahead.
    """
    now = now or timezone.now()
    candidates = list(
        Attendance.objects.filter(
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + REMINDER_LOOKAHEAD,
            response__in=[Attendance.Response.ATTENDING, Attendance.Response.NO_RESPONSE],
            user__is_active=True,
            user__wants_meeting_reminders=True,
        )
        .select_related("meeting__campus", "user")
        .order_by("meeting__starts_at", "user_id")
    )
    due = []
    for row in candidates:
        meeting = row.meeting
        window = timedelta(hours=meeting.campus.reminder_hours_before)
        if (
            window
            and meeting.starts_at - window <= now
            and meeting.created_at < meeting.starts_at - window
        ):
            due.append(
                (
                    row,
                    f"meeting:{meeting.pk}:reminder:{meeting.starts_at:%Y%m%dT%H%M}:{row.user_id}",
                )
            )
    existing = existing_keys(key for _row, key in due)
    sent = 0
    for row, key in due:
        if key in existing:
            continue
        meeting = row.meeting
        with translation.override(language_of(row.user)):
            queue_email(
                key=key,
                kind="meeting_reminder",
                to=row.user.email,
                user=row.user,
                campus=meeting.campus,
                subject=_("Reminder: %(title)s, %(when)s")
                % {"title": meeting.title, "when": day_and_time(meeting)},
                template="meetings/email/meeting_reminder",
                context={
                    "user": row.user,
                    "lines": meeting_lines({meeting.pk: meeting}, [row], with_links=True),
                    "attendance": row,
                    "first": meeting,
                    "campus_strong": strong(meeting.campus),
                    "preferences_url": preferences_url(),
                    "stop_url": stop_url(user=row.user, topic="meeting_reminders"),
                },
                headers=list_headers(user=row.user, topic="meeting_reminders"),
            )
        sent += 1
    return sent


def send_presence_nudges(*, now: datetime | None = None) -> int:
    """A day after a meeting whose presence nobody recorded, its coordinators hear about it."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            ends_at__lte=now - NUDGE_AFTER,
            ends_at__gt=now - NUDGE_UNTIL,
            attendances__presence=Attendance.Presence.UNRECORDED,
            # A meeting recorded after it ended: its coordinator is on its roster already.
            created_at__lt=F("ends_at"),
        )
        .select_related("campus")
        .distinct()
    )
    if not meetings:
        return 0
    coordinators = defaultdict(list)
    for membership in Membership.objects.filter(
        campus__in={m.campus_id for m in meetings},
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
        user__wants_presence_nudges=True,
    ).select_related("user"):
        coordinators[membership.campus_id].append(membership.user)
    keys = {
        f"meeting:{m.pk}:presence-nudge:{user.pk}": (m, user)
        for m in meetings
        for user in coordinators[m.campus_id]
    }
    existing = existing_keys(keys)
    sent = 0
    for key, (meeting, user) in keys.items():
        if key in existing:
            continue
        roster_url = absolute_url(
            reverse("meetings:roster", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk})
        )
        with translation.override(language_of(user)):
            queue_email(
                key=key,
                kind="presence_nudge",
                to=user.email,
                user=user,
                campus=meeting.campus,
                subject=_("Who came to %(title)s on %(day)s?")
                % {"title": meeting.title, "day": month_day(meeting)},
                template="meetings/email/presence_nudge",
                context={
                    "user": user,
                    "meeting": meeting,
                    "when": when(meeting),
                    "campus_strong": strong(meeting.campus),
                    "roster_url": roster_url,
                    "preferences_url": preferences_url(),
                    "stop_url": stop_url(user=user, topic="presence_nudges"),
                },
                headers=list_headers(user=user, topic="presence_nudges"),
            )
        sent += 1
    return sent
