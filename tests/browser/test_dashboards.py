"""The dashboards in Chromium: they render, read at a glance, and axe-core finds nothing."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import AgendaItem, Attendance
from members.models import Membership
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    DiscussionSuggestionFactory,
    FacilitationOfferFactory,
    MeetingFactory,
    MembershipFactory,
    TopicFactory,
)

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

P = Attendance.Presence


def _campus_with_history(world):
    """Four past monthly meetings and one to come, with presence, training and open items."""
    campus = world.campus
    avery = MembershipFactory(
        campus=campus, role=Membership.Role.PEER_SUPPORTER, user__name="Avery Absent"
    ).user
    topic = TopicFactory(title="Wellness strategies for us", refresh_interval_months=2)
    people = [world.coordinator, world.peer, world.partner, avery]
    now = timezone.now()
    meetings = []
    for months_ago in (4, 3, 2, 1, -1):
        starts = (now - dt.timedelta(days=30 * months_ago)).replace(
            hour=21, minute=0, second=0, microsecond=0
        )
        meeting = MeetingFactory(
            campus=campus,
            title=f"Community of practice {starts:%B}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=90),
        )
        meetings.append(meeting)
        for person in people:
            presence = P.UNRECORDED
            if months_ago > 0:
                presence = P.ABSENT if person == avery else P.PRESENT
            AttendanceFactory(meeting=meeting, user=person, presence=presence)
    AgendaItemFactory(
        meeting=meetings[1], kind=AgendaItem.Kind.TRAINING, topic=topic, facilitator=world.peer
    )
    ActionItemFactory(meeting=meetings[3], text="Book the room for the spring term")
    DiscussionSuggestionFactory(campus=campus, text="More time for case collaboration")
    FacilitationOfferFactory(campus=campus, user=avery, topic=TopicFactory(title="Self-care"))
    return meetings


def test_coordinator_dashboard(login, world, live_server):
    _campus_with_history(world)
    page = login(world.coordinator)
    assert page.url == f"{live_server.url}/c/{world.campus.slug}/dashboard/"
    expect(page.get_by_role("heading", name=f"{world.campus.name}: dashboard")).to_be_visible()
    expect(page.get_by_role("img", name="Meetings by month")).to_be_visible()
    expect(page.get_by_role("img", name="Attendance by month")).to_be_visible()
    expect(page.get_by_role("table", name="Meetings by month")).to_be_visible()
    expect(page.get_by_text("Below expectation")).to_be_visible()
    assert page.get_by_text("Avery offers “Self-care”").count() == 0  # named in full
    expect(page.get_by_text("Avery Absent offers “Self-care”")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_peer_supporter_page_and_one_click_respond(login, world, live_server):
    meetings = _campus_with_history(world)
    page = login(world.peer)
    assert page.url == f"{live_server.url}/c/{world.campus.slug}/me/"
    expect(page.get_by_text("Your role: Peer supporter")).to_be_visible()
    expect(page.get_by_role("link", name="Wellness strategies for us").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Attending")).click()
    page.wait_for_load_state()
    upcoming = meetings[-1]
    assert upcoming.attendances.get(user=world.peer).response == "attending"


def test_site_admin_overview(login, world, live_server):
    _campus_with_history(world)
    page = login(world.admin)
    page.goto(f"{live_server.url}/overview/")
    expect(page.get_by_role("heading", name="Every campus")).to_be_visible()
    expect(page.get_by_role("img", name="Meetings by month at Riverside")).to_be_visible()
    assert_accessible(page)
