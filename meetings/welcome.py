"""Reads for a new member's welcome: whether they have been at a meeting yet, and the next
meeting with their own response."""

from dataclasses import dataclass

from members.models import Campus, User

from .models import Attendance, Meeting
from .selectors import next_scheduled_meeting


def has_attended(*, user: User, campus: Campus) -> bool:
    """Whether the person was recorded present (or late) at one of the campus's meetings."""
    return Attendance.objects.filter(
        user=user, meeting__campus=campus, presence__in=Attendance.WAS_THERE
    ).exists()


@dataclass
class Welcome:
    meeting: Meeting | None
    own: Attendance | None


def welcome(*, user: User, campus: Campus) -> Welcome | None:
    """What a member who has not been at a meeting yet sees on the campus page: the next
    meeting and their response to it. None once they have attended one."""
    if has_attended(user=user, campus=campus):
        return None
    meeting = next_scheduled_meeting(campus=campus)
    own = None
    if meeting is not None:
        meeting.campus = campus  # its links need the campus's slug: no query for it
        own = Attendance.objects.filter(meeting=meeting, user=user).first()
    return Welcome(meeting=meeting, own=own)
