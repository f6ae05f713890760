"""Gap reminders: a campus should meet at least once a month, in its own time zone.

Month M "has a meeting" when a meeting that is not cancelled starts in M, in the campus's time
zone. When it has none, the campus's active coordinators hear about it in three stages — from
the 20th of the month before ("upcoming"), from the 1st of M ("overdue") and from the 15th of M
("escalation", to site admins too) — each (campus, month, stage) at most once, which a unique
row in the database guarantees however often and from however many processes the check runs.

A campus without an active coordinator is not forgotten: its reminders go to the site admins,
saying why. A stage counts as sent only when somebody was told; with nobody at all to tell,
nothing is recorded and the next check tries again.

Decisions are logged and returned by the hourly task: they name people by id, never by address.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from copractice.mail import absolute_url
from copractice.outbox import queue_email
from members.models import Campus, Membership

from .models import GapReminder, Meeting

logger = logging.getLogger(__name__)

Stage = GapReminder.Stage
UPCOMING_FROM_DAY = 20
ESCALATION_FROM_DAY = 15


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
    months = {month for stages in due.values() for month, _ in stages}
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
    subjects = {
        Stage.UPCOMING: f"No community-of-practice meeting yet for {month:%B %Y}",
        Stage.OVERDUE: f"{month:%B %Y} has no community-of-practice meeting",
        Stage.ESCALATION: f"Half of {month:%B %Y} gone and no meeting at {campus}",
    }
    for user in recipients:
        queue_email(
            key=f"gap:{campus.pk}:{month:%Y-%m}:{stage}:{user.pk}",
            kind=f"gap_{stage}",
            to=user.email,
            user=user,
            campus=campus,
            subject=f"{campus}: {subjects[stage]}",
            template="meetings/email/gap_reminder",
            context={
                "user": user,
                "month": month,
                "stage": stage,
                "no_coordinator": to_site_admins,
                "schedule_url": schedule_url,
                "members_url": members_url,
                "preferences_url": absolute_url(reverse("members:profile")),
            },
        )
    reminder.recipients = len(recipients)
    reminder.save(update_fields=["recipients"])
    return GapDecision(
        campus, month, stage, "sent", [user.pk for user in recipients], to_site_admins
    )
