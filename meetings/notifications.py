"""E-mails that an event causes, each first a row in the outbox, queued in the transaction of
the change (periodic e-mails, which nothing but the clock causes: meetings.reminders).

- A meeting (or a series) is scheduled: everyone expected, with an .ics and respond links.
- Its time or place changes: everyone expected, the .ics with SEQUENCE bumped.
- It is cancelled: everyone expected, the .ics with METHOD:CANCEL.

Keys make each e-mail exist at most once. Each is written in its recipient's language
(`members.language.language_of`): subject, text, HTML, calendar part and the dates in them.
"""

from collections import defaultdict
from collections.abc import Callable

from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.language import language_of
from members.preferences import list_headers, stop_url
from outbox.mail import absolute_url
from outbox.services import queue_email

from .calendar import itip_calendar
from .models import Attendance, Meeting
from .respond_links import respond_urls


def preferences_url() -> str:
    """Where a person turns kinds of e-mail on and off."""
    return absolute_url(reverse("members:profile"))


def strong(value) -> str:
    """`value` in bold for an HTML e-mail, to go into a translated sentence (the sentence is the
    same in the text and the HTML e-mail; only the value is marked up)."""
    return format_html("<strong>{}</strong>", value)


def local_time(meeting: Meeting, moment=None):
    """`moment` (by default the meeting's start) on the campus's clock."""
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


def day_and_time(meeting: Meeting) -> str:
    """The meeting's day and start on the campus's clock, in the active language (subjects)."""
    starts = local_time(meeting)
    return f"{date_format(starts, 'SHORT_DATE_FORMAT')}, {time_format(starts, 'TIME_FORMAT')}"


def day_of(meeting: Meeting) -> str:
    """The meeting's day on the campus's clock, with the weekday, in the active language."""
    return date_format(local_time(meeting), "SHORT_DATE_FORMAT")


def month_day(meeting: Meeting) -> str:
    """The day and month the meeting starts on, on the campus's clock ("10 Nov")."""
    return date_format(local_time(meeting), "MONTH_DAY_FORMAT")


def when(meeting: Meeting) -> str:
    """The meeting's time on the campus's clock, with its zone: e-mails are read anywhere. In
    the active language: build it inside the recipient's `translation.override`."""
    starts, ends = local_time(meeting), local_time(meeting, meeting.ends_at)
    return (
        f"{day_and_time(meeting)}\N{EN DASH}{time_format(ends, 'TIME_FORMAT')} "
        f"{starts.tzname()} ({meeting.campus.time_zone})"
    )


def meeting_lines(meetings_by_pk, rows, *, with_links):
    """What an e-mail says of each meeting: its time, its page and (when asked for) the person's
    one-click answers."""
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


def _notify_attendees(
    *, meetings: list[Meeting], kind: str, key: str, subject: Callable[[], str], method: str
):
    """One e-mail per person expected at any of `meetings`, listing those they are expected at,
    with a calendar of one UID (the meeting's, or its series') for their calendar application.

    Each is built in its recipient's language: `subject()` too is called inside it."""
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
        with translation.override(language_of(user)):
            queued = queue_email(
                key=f"{key}:{user.pk}",
                kind=kind,
                to=user.email,
                user=user,
                campus=campus,
                subject=subject(),
                template=f"meetings/email/{kind}",
                context={
                    "user": user,
                    "lines": meeting_lines(
                        meetings_by_pk, concerned, with_links=method == "REQUEST"
                    ),
                    "first": meetings[0],
                    "campus_strong": strong(campus),
                    "preferences_url": preferences_url(),
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

        def subject():
            return ngettext(
                "%(count)s community-of-practice meeting, from %(day)s",
                "%(count)s community-of-practice meetings, from %(day)s",
                len(meetings),
            ) % {"count": len(meetings), "day": month_day(first)}

    else:
        key = f"meeting:{first.pk}:invitation"

        def subject():
            return _("Community of practice: %(title)s, %(when)s") % {
                "title": first.title,
                "when": day_and_time(first),
            }

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

    def subject():
        return _("Changed: %(title)s, now %(when)s") % {
            "title": first.title,
            "when": day_and_time(first),
        }

    return _notify_attendees(
        meetings=meetings, kind="meeting_update", key=key, subject=subject, method="REQUEST"
    )


def notify_cancelled(*, meetings: list[Meeting]) -> int:
    """Cancelled: one meeting, or occurrences of one series (this and the following ones)."""
    first = meetings[0]
    if first.series_id:
        key = f"series:{first.series_id}:cancellation:{_series_sequence(meetings)}"
    else:
        key = f"meeting:{first.pk}:cancellation"

    def subject():
        if len(meetings) > 1:
            return ngettext(
                "Cancelled: %(title)s, %(count)s meeting from %(day)s",
                "Cancelled: %(title)s, %(count)s meetings from %(day)s",
                len(meetings),
            ) % {"title": first.title, "count": len(meetings), "day": month_day(first)}
        return _("Cancelled: %(title)s, %(day)s") % {"title": first.title, "day": day_of(first)}

    return _notify_attendees(
        meetings=meetings,
        kind="meeting_cancellation",
        key=key,
        subject=subject,
        method="CANCEL",
    )
