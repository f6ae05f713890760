"""A person with data in every corner of the product, and someone else beside them."""

import datetime as dt
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from meetings.models import AgendaItem, Attendance, Minutes
from meetings.services import calendar_feed_for
from members.models import Membership
from outbox.models import OutboundEmail
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CampusFactory,
    DiscussionSuggestionFactory,
    FacilitationOfferFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TopicFactory,
    UserFactory,
    give_second_factor,
)

NAME = "Zebulon Quaxworth"
EMAIL = "zq-marker@example.edu"


@dataclass
class Person:
    user: object
    other: object
    campus: object
    past: object
    upcoming: object
    coordinator: object


def _email(key, to, subject, body, user=None, campus=None, headers=None):
    return OutboundEmail.objects.create(
        key=key,
        kind="meeting_notice",
        campus=campus,
        user=user,
        to=to,
        subject=subject,
        body_text=body,
        body_html=f"<p>{body}</p>",
        headers=headers or {},
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )


@pytest.fixture
def person(db):
    campus = CampusFactory(name="Northside")
    second = CampusFactory(name="Eastside")
    user = UserFactory(name=NAME, email=EMAIL)
    give_second_factor(user)
    SocialAccount.objects.create(
        user=user,
        provider="riverside-idp",
        uid="sub-123",
        extra_data={"email": EMAIL, "name": NAME},
    )
    membership = MembershipFactory(user=user, campus=campus)
    membership.role = Membership.Role.COORDINATOR
    membership.save()  # a change in the membership's history
    MembershipFactory(user=user, campus=second)
    coordinator = MembershipFactory(campus=campus, role=Membership.Role.COORDINATOR).user
    other = MembershipFactory(campus=campus).user
    topic = TopicFactory(title="Peer drift")
    past = MeetingFactory(
        campus=campus,
        title="September meeting",
        starts_at=timezone.now() - dt.timedelta(days=20),
        ends_at=timezone.now() - dt.timedelta(days=20) + dt.timedelta(hours=1),
    )
    upcoming = MeetingFactory(campus=campus, title="Next meeting")
    for meeting, presence in ((past, Attendance.Presence.PRESENT), (upcoming, "unrecorded")):
        AttendanceFactory(
            meeting=meeting,
            user=user,
            response=Attendance.Response.ATTENDING,
            response_note=f"{NAME} will bring the slides",
            responded_at=timezone.now() - dt.timedelta(days=25),
            presence=presence,
        )
        AttendanceFactory(meeting=meeting, user=other, presence=Attendance.Presence.ABSENT)
    AgendaItemFactory(meeting=past, kind=AgendaItem.Kind.TRAINING, topic=topic, title="Drift")
    AgendaItemFactory(
        meeting=upcoming, kind=AgendaItem.Kind.TRAINING, facilitator=user, title="Boundaries"
    )
    ActionItemFactory(meeting=past, owner=user, text=f"{NAME} calls the counselling centre")
    ActionItemFactory(meeting=past, owner=other, text="Book the room")
    FacilitationOfferFactory(user=user, campus=campus, topic=topic, note="I can lead it.")
    DiscussionSuggestionFactory(
        campus=campus, author=user, is_anonymous=False, text="Walking meetings?"
    )
    DiscussionSuggestionFactory(campus=campus, text="Someone else's anonymous idea")
    Minutes.objects.create(meeting=past, going_well=f"{NAME} ran a great role play.")
    InvitationFactory(campus=campus, email=EMAIL, name=NAME, accepted_at=timezone.now())
    InvitationFactory(campus=CampusFactory(), email=EMAIL.upper(), name=NAME)
    calendar_feed_for(user=user)
    _email("to-them", EMAIL, f"Welcome, {NAME}", f"Hello {NAME}", user=user, campus=campus)
    _email(
        "to-other",
        other.email,
        "New offer",
        f"{NAME} offered to lead Peer drift.",
        headers={"Reply-To": f"{NAME} <{EMAIL}>"},
    )
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(user),
        object_id=str(user.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=f"Changed {EMAIL}",
    )
    assert Authenticator.objects.filter(user=user).count() == 1
    return Person(user, other, campus, past, upcoming, coordinator)
