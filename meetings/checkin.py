"""Self check-in: members record their own presence at a meeting, in the room or online.

In the room, a screen shows a short code that changes every minute (and a QR code carrying a
link with it); a member types or scans it within two minutes. Online, the coordinator posts a
link whose code is good for the meeting's check-in window. Both codes are an HMAC of the
meeting's own secret, so nobody can work one out from anything they have seen; both are
compared in constant time, and wrong attempts are rate-limited per person and per meeting.

A check-in is presence like any other (present, or late after the campus's grace period): the
training record, attendance rates, dashboards and the case-collaboration notes count it. A
coordinator's entry always wins: a member cannot check in over it.
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from members.models import Membership, User
from members.selectors import membership_for

from .models import Attendance, Meeting

# Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
LINK_CODE_LENGTH = 16
STEP_SECONDS = 60
# A code is good for the minute it is shown and the next: a photo of the screen sent to someone
# who is not there goes stale.
ACCEPTED_STEPS = 2

# Wrong codes allowed in RATE_WINDOW before further attempts are refused.
RATE_WINDOW = 10 * 60
MAX_FAILURES_PER_PERSON = 5
MAX_FAILURES_PER_MEETING = 60


# --- the codes -----------------------------------------------------------------------------
def _encode(digest: bytes, length: int) -> str:
    number = int.from_bytes(digest, "big")
    chars = []
    for _i in range(length):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def _hmac(meeting: Meeting, message: str) -> bytes:
    return hmac.new(
        meeting.check_in_secret.encode(), f"{meeting.pk}:{message}".encode(), hashlib.sha256
    ).digest()


def step_at(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_for_step(meeting: Meeting, step: int) -> str:
    return _encode(_hmac(meeting, f"step:{step}"), CODE_LENGTH)


def current_code(meeting: Meeting, now: dt.datetime | None = None) -> str:
    return code_for_step(meeting, step_at(now or timezone.now()))


def link_code(meeting: Meeting) -> str:
    """The online link's code: one per meeting, good only while check-in is open."""
    return _encode(_hmac(meeting, "link"), LINK_CODE_LENGTH)


def normalise_code(value: str) -> str:
    """What a person typed, as the screen shows it: capitals, no spaces or dashes."""
    return "".join(value.split()).replace("-", "").upper()


# --- the window ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime
    closes_at: dt.datetime
    late_after: dt.datetime
    now: dt.datetime

    @property
    def is_open(self) -> bool:
        return self.opens_at <= self.now <= self.closes_at

    @property
    def not_yet_open(self) -> bool:
        return self.now < self.opens_at

    @property
    def has_closed(self) -> bool:
        return self.now > self.closes_at


def window_for(meeting: Meeting, now: dt.datetime | None = None, *, campus=None) -> Window:
    """When members may check in, set per campus: from a while before the start until a while
    after the end; those who check in after the grace period are late. (`campus`: the
    meeting's, when the caller has it already.)"""
    campus = campus or meeting.campus
    return Window(
        opens_at=meeting.starts_at - dt.timedelta(minutes=campus.check_in_opens_minutes_before),
        closes_at=meeting.ends_at + dt.timedelta(minutes=campus.check_in_closes_minutes_after),
        late_after=meeting.starts_at + dt.timedelta(minutes=campus.check_in_grace_minutes),
        now=now or timezone.now(),
    )


def _local(meeting: Meeting, moment: dt.datetime) -> str:
    """A time on the campus's clock, with its zone, in the active language (17:00 / 17 h 00)."""
    local = moment.astimezone(meeting.campus.tz)
    return f"{time_format(local, 'TIME_FORMAT')} {local.tzname()}"


# --- rate limits ---------------------------------------------------------------------------
def _person_key(meeting: Meeting, user: User) -> str:
    return f"check-in:failures:{meeting.pk}:{user.pk}"


def _meeting_key(meeting: Meeting) -> str:
    return f"check-in:failures:{meeting.pk}"


def _count_failure(key: str) -> None:
    if not cache.add(key, 1, timeout=RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=RATE_WINDOW)


def _check_rate(meeting: Meeting, user: User) -> None:
    if cache.get(_person_key(meeting, user), 0) >= MAX_FAILURES_PER_PERSON:
        raise ValidationError(
            _(
                "Too many wrong codes: wait ten minutes and try again, or ask the coordinator "
                "to record your presence."
            )
        )
    if cache.get(_meeting_key(meeting), 0) >= MAX_FAILURES_PER_MEETING:
        raise ValidationError(
            _(
                "Too many wrong codes were tried for this meeting: check-in is paused for a few "
                "minutes. Ask the coordinator to record your presence."
            )
        )


def _wrong_code(meeting: Meeting, user: User, message: str) -> ValidationError:
    _count_failure(_person_key(meeting, user))
    _count_failure(_meeting_key(meeting))
    return ValidationError(message)


# --- checking a code -----------------------------------------------------------------------
def _matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _check_code(meeting: Meeting, user: User, window: Window, code: str, link: str) -> str:
    """The source of a good code (self_code / self_link); else a ValidationError, counted."""
    if link:
        if _matches(link, link_code(meeting)):
            return Attendance.Source.SELF_LINK
        raise _wrong_code(
            meeting,
            user,
            _(
                "This check-in link is not this meeting's. Use the link posted in the "
                "meeting's chat, or enter the code on the screen."
            ),
        )
    now_step = step_at(window.now)
    # Every candidate is compared: the time taken does not say which one matched.
    accepted = [_matches(code, code_for_step(meeting, now_step - i)) for i in range(ACCEPTED_STEPS)]
    if any(accepted):
        return Attendance.Source.SELF_CODE
    oldest = step_at(window.opens_at)
    stale = [
        _matches(code, code_for_step(meeting, step))
        for step in range(now_step - ACCEPTED_STEPS, oldest - 1, -1)
    ]
    if any(stale):
        raise _wrong_code(
            meeting,
            user,
            _(
                "This code is too old: the code changes every minute. Enter the code the "
                "screen shows now."
            ),
        )
    raise _wrong_code(
        meeting,
        user,
        _(
            "That is not the code for this meeting. Check the screen in the room (the code "
            "changes every minute) and try again."
        ),
    )


# --- the service ---------------------------------------------------------------------------
@transaction.atomic
def check_in(*, meeting: Meeting, user: User, code: str = "", link: str = "") -> Attendance:
    """The person checks themselves in with the code on the screen or the online link: present,
    or late after the grace period. Refused, with nothing changed, outside the window, for
    someone not expected or not active, when presence is already recorded, and for a wrong or
    stale code."""
    meeting = Meeting.objects.select_related("campus").get(pk=meeting.pk)
    _check_rate(meeting, user)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; there is nothing to check in to."))
    window = window_for(meeting)
    if window.not_yet_open:
        raise ValidationError(
            _("Check-in opens at %(time)s.") % {"time": _local(meeting, window.opens_at)}
        )
    if window.has_closed:
        raise ValidationError(
            _(
                "Check-in closed at %(time)s. If you were there, ask the coordinator to record "
                "your presence."
            )
            % {"time": _local(meeting, window.closes_at)}
        )
    membership = membership_for(user=user, campus=meeting.campus)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        raise ValidationError(
            _(
                "You are not an active member of this campus (on leave, or no longer a "
                "member), so there is no presence to record."
            )
        )
    attendance = (
        Attendance.objects.select_for_update()
        .filter(meeting=meeting, user=user)
        .select_related("user")
        .first()
    )
    if attendance is None:
        raise ValidationError(
            _(
                "You are not on the list for this meeting (you joined after it was scheduled). "
                "Ask the coordinator to record your presence."
            )
        )
    if attendance.checked_in_themselves and attendance.was_there:
        raise ValidationError(
            _("You already checked in at %(time)s.")
            % {"time": _local(meeting, attendance.checked_in_at)}
        )
    if attendance.presence != Attendance.Presence.UNRECORDED:
        raise ValidationError(
            _(
                "The coordinator has already recorded your presence (%(presence)s). Ask them "
                "if it needs to change."
            )
            % {"presence": attendance.get_presence_display().lower()}
        )
    source = _check_code(meeting, user, window, normalise_code(code), link)
    now = window.now
    attendance.presence = (
        Attendance.Presence.LATE if now > window.late_after else Attendance.Presence.PRESENT
    )
    attendance.presence_source = source
    attendance.presence_recorded_at = now
    attendance.presence_recorded_by = user
    attendance.checked_in_at = now
    attendance._history_user = user
    attendance.save(
        update_fields=[
            "presence",
            "presence_source",
            "presence_recorded_at",
            "presence_recorded_by",
            "checked_in_at",
        ]
    )
    return attendance


# --- reads ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckInCount:
    checked_in: int
    expected: int


def check_in_count(*, meeting: Meeting) -> CheckInCount:
    """How many of those expected are recorded there, however it was recorded: one query."""
    counts = meeting.attendances.aggregate(
        expected=Count("pk"),
        checked_in=Count("pk", filter=Q(presence__in=Attendance.WAS_THERE)),
    )
    return CheckInCount(checked_in=counts["checked_in"], expected=counts["expected"])
