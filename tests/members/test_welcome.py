"""A member who has not been at a meeting yet lands on the campus page, which welcomes them."""

import pytest
from django.urls import reverse

from meetings.models import Attendance
from members.models import Membership
from tests.factories import AttendanceFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _home(client):
    return client.get(reverse("members:campus_home", kwargs={"campus": "riverside"}))


@pytest.fixture
def next_meeting(world):
    meeting = MeetingFactory(
        campus=world.campus, title="December meeting", location="Student Centre, room 204"
    )
    AttendanceFactory(meeting=meeting, user=world.peer)
    return meeting


def test_campus_page_welcomes_a_new_member_with_the_next_meeting(client, world, next_meeting):
    client.force_login(world.peer)
    html = _home(client).content.decode()
    assert "Welcome to the Riverside community of practice" in html
    assert (
        f'<a class="fw-semibold" href="/c/riverside/meetings/{next_meeting.pk}/">'
        "December meeting</a>" in html
    )
    assert "Student Centre, room 204" in html
    # The respond buttons of the next meeting, posting to its respond view.
    assert f'action="/c/riverside/meetings/{next_meeting.pk}/respond/"' in html
    assert 'name="response" value="attending"' in html
    assert "Every peer supporter is expected at every monthly meeting." in html
    assert 'in the <a href="/c/riverside/meetings/">list of meetings</a>' in html
    assert '<a href="/meetings/calendar/">subscribe to your calendar feed</a>' in html
    assert '<a href="/catalogue/">training catalogue</a> and offer to facilitate it' in html


def test_welcome_responds_from_the_campus_page(client, world, next_meeting):
    client.force_login(world.peer)
    client.post(
        reverse("meetings:meeting_respond", kwargs={"campus": "riverside", "pk": next_meeting.pk}),
        {"response": "attending", "note": ""},
    )
    html = _home(client).content.decode()
    assert 'Your response: <strong class="response-attending">Attending</strong>' in html


def test_welcome_without_a_meeting_says_one_will_be_announced(client, world):
    client.force_login(world.peer)
    html = _home(client).content.decode()
    assert "No meeting is scheduled yet. You will get an e-mail as soon as one is." in html


def test_welcome_for_a_member_who_joined_after_the_meeting_was_scheduled(client, world):
    MeetingFactory(campus=world.campus, title="December meeting")
    client.force_login(world.peer)
    html = _home(client).content.decode()
    assert "It was scheduled before you joined" in html
    assert 'name="response"' not in html


def test_no_welcome_once_the_member_has_attended(client, world, next_meeting):
    past = MeetingFactory(
        campus=world.campus,
        starts_at=next_meeting.starts_at.replace(year=2020),
        ends_at=next_meeting.ends_at.replace(year=2020),
    )
    AttendanceFactory(meeting=past, user=world.peer, presence=Attendance.Presence.PRESENT)
    client.force_login(world.peer)
    assert "Welcome to the" not in _home(client).content.decode()


def test_no_welcome_for_coordinators_or_site_admins(client, world, next_meeting):
    for person in (world.coordinator, world.admin):
        client.force_login(person)
        assert "Welcome to the" not in _home(client).content.decode()


def test_no_welcome_on_another_campus_where_the_member_attended_nothing_yet(client, world):
    """The welcome is per campus: attending at Riverside does not count at Hillside."""
    MembershipFactory(
        user=world.peer, campus=world.other_campus, role=Membership.Role.PEER_SUPPORTER
    )
    past = MeetingFactory(campus=world.campus)
    AttendanceFactory(meeting=past, user=world.peer, presence=Attendance.Presence.LATE)
    client.force_login(world.peer)
    assert "Welcome to the" not in _home(client).content.decode()
    html = client.get(
        reverse("members:campus_home", kwargs={"campus": "hillside"})
    ).content.decode()
    assert "Welcome to the Hillside community of practice" in html


# The user, the person's memberships with their campuses (campus check and navigation; the
# session comes from the cache); the welcome: has
# the member been at a meeting, the next meeting, their attendance at it.
WELCOME_QUERIES = 5


@pytest.mark.parametrize("size", [3, 60])
def test_campus_page_welcome_queries(client, world, size, django_assert_num_queries):
    for _ in range(size):
        MembershipFactory(campus=world.campus)
        meeting = MeetingFactory(campus=world.campus)
        AttendanceFactory(meeting=meeting, user=world.peer)
    client.force_login(world.peer)
    _home(client)  # the session is saved once, before counting
    with django_assert_num_queries(WELCOME_QUERIES):
        response = _home(client)
    assert "Welcome to the Riverside community of practice" in response.content.decode()
