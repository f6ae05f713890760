"""A small hand-built campus whose every report value is known.

"Now" is Tuesday 15 September 2026, 08:00 in Toronto (12:00 UTC). Meetings (17:00 Toronto
unless said otherwise), with who was there:

    Z  2025-09-01  held         partner present, peer3 present (older than 12 months)
    Y  2026-02-10  held         peer present, coordinator present
    A  2026-03-31 21:00 held    (01:00 UTC on 1 April: a March meeting in Toronto)
    B  2026-04-14  held
    Bc 2026-04-28  cancelled
    C  2026-05-12  cancelled    (May: only cancelled)
    D  2026-06-09  held
    E  2026-07-14  held         the late joiner's first meeting
    F  2026-08-11  held
    G  2026-09-22  scheduled
    H  2026-11-10  scheduled
"""

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from meetings.models import AgendaItem, Attendance
from members.models import Campus
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    FacilitationOfferFactory,
    MeetingFactory,
    MembershipFactory,
    TopicFactory,
)
from training.models import Topic

NOW = dt.datetime(2026, 9, 15, 12, 0, tzinfo=dt.UTC)
TORONTO = Campus(time_zone="America/Toronto").tz
P = Attendance.Presence


def local(year, month, day, hour=17, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def meeting(campus, when, title, cancelled=False):
    extra = (
        {"status": "cancelled", "cancelled_reason": "Snow day", "cancelled_at": when}
        if cancelled
        else {}
    )
    return MeetingFactory(
        campus=campus,
        title=title,
        starts_at=when,
        ends_at=when + dt.timedelta(minutes=90),
        **extra,
    )


def attend(meeting, user, presence=P.UNRECORDED):
    return AttendanceFactory(meeting=meeting, user=user, presence=presence)


def training(meeting, topic=None, facilitator=None, title="Training"):
    return AgendaItemFactory(
        meeting=meeting,
        kind=AgendaItem.Kind.TRAINING,
        topic=topic,
        facilitator=facilitator,
        title=title,
    )


@dataclass
class Scene:
    world: object
    peer3: object
    joiner: object
    meetings: dict
    topics: dict


@pytest.fixture
def scene(world, now):
    campus = world.campus
    campus.partner_initial_meetings = 4
    campus.save()
    w = world
    peer3 = MembershipFactory(campus=campus, user__name="Pat Third").user
    joiner = MembershipFactory(
        campus=campus, user__name="Jo Joiner", joined_on=dt.date(2026, 7, 1)
    ).user
    w.peer.name, w.coordinator.name, w.partner.name = "Peer One", "Cora Coordinator", "Pia Partner"
    for user in (w.peer, w.coordinator, w.partner):
        user.save()
    m = {
        "Z": meeting(campus, local(2025, 9, 1), "Z"),
        "Y": meeting(campus, local(2026, 2, 10), "Y"),
        "A": meeting(campus, local(2026, 3, 31, 21), "A"),
        "B": meeting(campus, local(2026, 4, 14), "B"),
        "Bc": meeting(campus, local(2026, 4, 28), "Bc", cancelled=True),
        "C": meeting(campus, local(2026, 5, 12), "C", cancelled=True),
        "D": meeting(campus, local(2026, 6, 9), "D"),
        "E": meeting(campus, local(2026, 7, 14), "E"),
        "F": meeting(campus, local(2026, 8, 11), "F"),
        "G": meeting(campus, local(2026, 9, 22), "G"),
        "H": meeting(campus, local(2026, 11, 10), "H"),
    }
    presences = {
        w.peer: {
            "Y": P.PRESENT,
            "A": P.PRESENT,
            "B": P.LATE,
            "C": P.ABSENT,  # a cancelled meeting never counts
            "D": P.ABSENT,
            "E": P.ABSENT,
            "F": P.UNRECORDED,
            "G": P.UNRECORDED,
            "H": P.UNRECORDED,
        },
        peer3: {
            "Z": P.PRESENT,
            "A": P.EXCUSED,
            "B": P.PRESENT,
            "D": P.PRESENT,
            "E": P.ABSENT,
            "F": P.PRESENT,
            "G": P.UNRECORDED,
        },
        joiner: {"E": P.PRESENT, "F": P.ABSENT, "G": P.UNRECORDED},
        w.coordinator: {k: P.PRESENT for k in ("Y", "A", "B", "D", "E", "F")},
        w.partner: {"Z": P.PRESENT, "A": P.PRESENT, "B": P.ABSENT, "D": P.UNRECORDED},
    }
    for user, rows in presences.items():
        for key, presence in rows.items():
            attend(m[key], user, presence)
    g = Attendance.objects.get(meeting=m["G"], user=w.peer)
    g.response, g.responded_at = Attendance.Response.ATTENDING, NOW
    g.save()
    j = Attendance.objects.get(meeting=m["G"], user=joiner)
    j.response, j.responded_at, j.response_note = (
        Attendance.Response.NOT_ATTENDING,
        NOW,
        "Exam",
    )
    j.save()

    Topic.objects.all().delete()  # the catalogue's seeded topics: this campus lists its own
    t = {
        "drift": TopicFactory(title="Avoiding peer drift", refresh_interval_months=6),
        "culture": TopicFactory(title="Cultural competency", refresh_interval_months=3),
        "safety": TopicFactory(title="Personal safety and anonymity"),
        "medication": TopicFactory(title="Navigating conversations about medication"),
        "old_unused": TopicFactory(title="Old unused topic", is_archived=True),
        "old_used": TopicFactory(title="Old used topic", is_archived=True),
    }
    training(m["B"], t["drift"], w.partner)
    training(m["F"], t["drift"], w.peer)
    training(m["D"], t["culture"], w.coordinator)
    training(m["A"], t["safety"], peer3)
    training(m["E"], t["old_used"])
    training(m["E"], None, w.peer, title="Peer-led role play")
    training(m["C"], t["medication"], peer3)  # cancelled: not covered
    training(m["G"], t["medication"], joiner)  # still to come: not covered
    other = meeting(w.other_campus, local(2026, 8, 4), "Elsewhere")
    training(other, t["medication"])  # another campus
    FacilitationOfferFactory(campus=campus, user=joiner, topic=t["medication"])
    return Scene(world, peer3, joiner, m, t)
