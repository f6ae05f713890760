import datetime as dt

import pytest
import time_machine

from meetings import services
from members.models import Campus

# "Now" in these tests: Tuesday 1 September 2026, 08:00 in Toronto (EDT, UTC-4).
NOW = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
TORONTO = Campus(time_zone="America/Toronto").tz


def local(year, month, day, hour=17, minute=0):
    """A wall-clock time in Toronto, as an aware datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def meeting(world, now):
    """Tuesday 8 September 2026, 17:00 to 18:30 in Toronto; the world's three members expected."""
    return services.schedule_meeting(
        campus=world.campus,
        starts_at=local(2026, 9, 8, 17),
        ends_at=local(2026, 9, 8, 18, 30),
        title="September meeting",
        description="Welcome back.",
        location="Student Centre, room 204",
        by=world.coordinator,
    )


@pytest.fixture
def after_start(now, meeting):
    """Move the clock to 17:30 on the meeting's day."""
    now.move_to(local(2026, 9, 8, 17, 30))
    return now


def attendance(meeting, user):
    return meeting.attendances.get(user=user)
