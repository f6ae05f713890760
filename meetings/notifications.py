"""E-mails about meetings, each first a row in the outbox, queued in the transaction of its cause.

- A meeting (or a series) is scheduled: everyone expected, with an .ics and respond links.
- Its time or place changes: everyone expected, the .ics with SEQUENCE bumped.
- It is cancelled: everyone expected, the .ics with METHOD:CANCEL.
- Campus.reminder_hours_before it starts: those attending or not yet responded (unless they
  turned reminders off).
- A day after it, with presence still unrecorded: the campus's coordinators.

Keys make each e-mail exist at most once, however often the periodic jobs run.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from copractice.mail import absolute_url
from copractice.models import OutboundEmail
from copractice.outbox import queue_email
from members.models import Membership
from members.preferences import list_headers, stop_url

from .calendar import itip_calendar
from .models import Attendance, Meeting
from .selectors import respond_urls

REMINDER_LOOKAHEAD = timedelta(days=14)  # the longest reminder_hours_before a campus may set
NUDGE_AFTER = timedelta(days=1)
NUDGE_UNTIL = timedelta(days=8)  # after a week, a nudge about an old meeting is noise


def _preferences_url():
    return absolute_url(reverse("members:profile"))


def _local(meeting, moment=None):
    return (moment or meeting.starts_at).astimezone(meeting.campus.tz)


def _attendances_by_user(meetings):
    rows = (
        Attendance.objects.filter(meeting__in=meetings)
        .select_related("user")
        .order_by("user_id", "meeting__starts_at")
    )
    by_user = defaultdict(list)
    for row in rows:
        if row.user.is_active:
            by_user[row.user].append(row)
    return by_user


def when(meeting: Meeting) -> str:
    """The meeting's time on the campus's clock, with its zone: e-mails are read anywhere."""
    starts, ends = _local(meeting), _local(meeting, meeting.ends_at)
    return (
        f"{starts:%A %-d %B %Y, %H:%M}\N{EN DASH}{ends:%H:%M} {starts.tzname()} "
        f"({meeting.campus.time_zone})"
    )


def _meeting_lines(meetings_by_pk, rows, *, with_links):
    return [
        {
            "meeting": meetings_by_pk[row.meeting_id],
            "when": when(meetings_by_pk[row.meeting_id]),
            "url": absolute_url(meetings_by_pk[row.meeting_id].get_absolute_url()),
            "links": respond_urls(attendance=row) if with_links else None,
        }
        for row in rows
    ]


def _series_meetings(first: Meeting) -> list[Meeting] | None:
    """Every meeting of `first`'s series (a calendar describes the series whole), or None."""
    if first.series_id is None:
        return None
    return list(
        Meeting.objects.filter(series_id=first.series_id)
        .select_related("campus", "series")
        .order_by("original_starts_at", "pk")
    )


def _notify_attendees(*, meetings: list[Meeting], kind: str, key: str, subject: str, method: str):
    """One e-mail per person expected at any of `meetings`, listing those they are expected at,
    with a calendar of one UID (the meeting's, or its series') for their calendar application."""
    if not meetings:
        return 0
    campus = meetings[0].campus
    series_meetings = _series_meetings(meetings[0])
    meetings_by_pk = {m.pk: m for m in meetings}
    count = 0
    for user, rows in _attendances_by_user(series_meetings or meetings).items():
        concerned = [row for row in rows if row.meeting_id in meetings_by_pk]
        if not concerned or not user.wants_meeting_notices:
            continue
        for row in concerned:
            row.meeting = meetings_by_pk[row.meeting_id]
        queued = queue_email(
            key=f"{key}:{user.pk}",
            kind=kind,
            to=user.email,
            user=user,
            campus=campus,
            subject=subject,
            template=f"meetings/email/{kind}",
            context={
                "user": user,
                "lines": _meeting_lines(meetings_by_pk, concerned, with_links=method == "REQUEST"),
                "first": meetings[0],
                "preferences_url": _preferences_url(),
                "stop_url": stop_url(user=user, topic="meeting_notices"),
            },
            ics=itip_calendar(
                meetings=[meetings_by_pk[row.meeting_id] for row in concerned],
                rows={row.meeting_id: row for row in rows},
                method=method,
                series_meetings=series_meetings,
            ),
            headers=list_headers(user=user, topic="meeting_notices"),
        )
        count += queued is not None
    return count


def _series_sequence(meetings: list[Meeting]) -> int:
    return sum(m.sequence for m in _series_meetings(meetings[0]))


def notify_scheduled(*, meetings: list[Meeting]) -> int:
    """One invitation per person: for a series, one e-mail listing every occurrence."""
    first = meetings[0]
    if first.series_id and len(meetings) > 1:
        key = f"series:{first.series_id}:invitation"
        subject = f"{len(meetings)} community-of-practice meetings, from {_local(first):%-d %B}"
    else:
        key = f"meeting:{first.pk}:invitation"
        subject = f"Community of practice: {first.title}, {_local(first):%a %-d %B, %H:%M}"
    return _notify_attendees(
        meetings=meetings, kind="meeting_invitation", key=key, subject=subject, method="REQUEST"
    )


def notify_changed(*, meetings: list[Meeting]) -> int:
    """Time or place changed: everyone expected hears, with the new SEQUENCE."""
    first = meetings[0]
    if first.series_id:
        key = f"series:{first.series_id}:update:{_series_sequence(meetings)}"
    else:
        key = f"meeting:{first.pk}:update:{first.sequence}"
    return _notify_attendees(
        meetings=meetings,
        kind="meeting_update",
        key=key,
        subject=f"Changed: {first.title}, now {_local(first):%a %-d %B, %H:%M}",
        method="REQUEST",
    )


def notify_cancelled(*, meetings: list[Meeting]) -> int:
    """Cancelled: one meeting, or occurrences of one series (this and the following ones)."""
    first = meetings[0]
    if first.series_id:
        key = f"series:{first.series_id}:cancellation:{_series_sequence(meetings)}"
    else:
        key = f"meeting:{first.pk}:cancellation"
    subject = f"Cancelled: {first.title}, {_local(first):%a %-d %B}"
    if len(meetings) > 1:
        subject = f"Cancelled: {first.title}, {len(meetings)} meetings from {_local(first):%-d %B}"
    return _notify_attendees(
        meetings=meetings,
        kind="meeting_cancellation",
        key=key,
        subject=subject,
        method="CANCEL",
    )


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
    existing = set(
        OutboundEmail.objects.filter(key__in=[key for _, key in due]).values_list("key", flat=True)
    )
    sent = 0
    for row, key in due:
        if key in existing:
            continue
        meeting = row.meeting
        queue_email(
            key=key,
            kind="meeting_reminder",
            to=row.user.email,
            user=row.user,
            campus=meeting.campus,
            subject=f"Reminder: {meeting.title}, {_local(meeting):%a %-d %B, %H:%M}",
            template="meetings/email/meeting_reminder",
            context={
                "user": row.user,
                "lines": _meeting_lines({meeting.pk: meeting}, [row], with_links=True),
                "attendance": row,
                "first": meeting,
                "preferences_url": _preferences_url(),
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
    existing = set(OutboundEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    sent = 0
    for key, (meeting, user) in keys.items():
        if key in existing:
            continue
        queue_email(
            key=key,
            kind="presence_nudge",
            to=user.email,
            user=user,
            campus=meeting.campus,
            subject=f"Who came to {meeting.title} on {_local(meeting):%-d %B}?",
            template="meetings/email/presence_nudge",
            context={
                "user": user,
                "meeting": meeting,
                "when": when(meeting),
                "roster_url": absolute_url(
                    reverse(
                        "meetings:roster", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk}
                    )
                ),
                "preferences_url": _preferences_url(),
                "stop_url": stop_url(user=user, topic="presence_nudges"),
            },
            headers=list_headers(user=user, topic="presence_nudges"),
        )
        sent += 1
    return sent
