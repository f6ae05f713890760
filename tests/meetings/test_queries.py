"""Each page takes a fixed number of queries whatever the number of members or meetings."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import agenda, minutes, services
from meetings.models import Attendance
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MembershipFactory,
    TopicFactory,
)

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_invitations(monkeypatch):
    """These tests count a page's queries; rendering thousands of invitations while setting up
    60 meetings for 200 people would only slow them (invitations have their own tests)."""
    monkeypatch.setattr(services.notifications, "notify_scheduled", lambda **kwargs: 0)


# Every page: the user and the person's memberships with their campuses (the campus check and
# the navigation); the session comes from the cache (copractice/sessions.py).
LIST_QUERIES = 10
DETAIL_QUERIES = 10
ROSTER_QUERIES = 7
CALENDAR_QUERIES = 8  # the month's meetings, their counts, the person's own answers
HISTORY_QUERIES = 6
AGENDA_QUERIES = 10  # the item form opens on request (AGENDA_ADD_QUERIES)
AGENDA_ADD_QUERIES = 5  # with htmx: the meeting, and the form's topics and people as values
AGENDA_ITEM_EDIT_QUERIES = 13  # the agenda's, the item, and its form's people and topics
SUGGESTIONS_QUERIES = 7
# With the read written to the access record; the minutes and (for coordinators) the notes
# come with the meeting, the meeting's action items with those open from earlier meetings.
MINUTES_QUERIES = 10
# The three histories (minutes, notes, action items) and who read the notes.
MINUTES_HISTORY_QUERIES = 7
FEED_QUERIES = 3


def _members(world, count):
    for _ in range(count - 3):  # the world has a coordinator, a peer and a partner
        MembershipFactory(campus=world.campus)


def _meetings(world, count, now):
    """`count` meetings, half past and half upcoming, everyone expected; some responses."""
    topic = TopicFactory()
    meetings = []
    for i in range(count):
        starts = local(2026, 9, 2) + dt.timedelta(days=i)
        meetings.append(
            services.schedule_meeting(
                campus=world.campus,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                title=f"Meeting {i}",
                location="Room 1",
                by=world.coordinator,
            )
        )
    agenda.add_agenda_item(
        meeting=meetings[0], kind="training", title="", topic=topic, facilitator=world.peer, by=None
    )
    for m in meetings[::2]:
        services.respond(attendance=m.attendances.get(user=world.peer), response="attending")
    if count > 1:
        MeetingFactory(campus=world.campus, title="Cancelled one", status="scheduled")
    now.move_to(local(2026, 9, 2) + dt.timedelta(days=count // 2, hours=3))
    return meetings


@pytest.mark.parametrize(("members", "meetings"), [(5, 3), (200, 60)])
@pytest.mark.parametrize("role", ["coordinator", "peer"])
def test_meeting_list_queries(
    client, world, now, django_assert_num_queries, members, meetings, role
):
    _members(world, members)
    _meetings(world, meetings, now)
    client.force_login(getattr(world, role))
    url = reverse("meetings:meeting_list", kwargs={"campus": world.campus.slug})
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    past = response.context["past"]
    assert len(past.object_list) == min(past.paginator.count, 12)
    assert len(response.context["upcoming"]) + past.paginator.count == meetings + (
        1 if meetings > 1 else 0
    )


@pytest.mark.parametrize(("members", "meetings"), [(5, 3), (200, 28)])
@pytest.mark.parametrize("role", ["coordinator", "peer"])
def test_meeting_calendar_queries(
    client, world, now, django_assert_num_queries, members, meetings, role
):
    _members(world, members)
    _meetings(world, meetings, now)
    client.force_login(getattr(world, role))
    url = reverse(
        "meetings:meeting_calendar",
        kwargs={"campus": world.campus.slug, "year": 2026, "month": 9},
    )
    with django_assert_num_queries(CALENDAR_QUERIES):
        response = client.get(url)
    shown = sum(len(d.meetings) for week in response.context["weeks"] for d in week)
    assert shown == min(meetings, 29) + (1 if meetings > 1 else 0)


@pytest.mark.parametrize(("members", "agenda_items"), [(5, 0), (200, 20)])
def test_meeting_page_queries(client, world, now, django_assert_num_queries, members, agenda_items):
    _members(world, members)
    [meeting] = _meetings(world, 1, now)
    now.move_to(local(2026, 9, 1, 9))
    for i in range(agenda_items):
        AgendaItemFactory(meeting=meeting, position=6 + i, facilitator=world.partner)
    client.force_login(world.coordinator)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(meeting.get_absolute_url())
    assert sum(len(v) for v in response.context["responses"].values()) == members


@pytest.mark.parametrize("members", [5, 200])
def test_roster_queries(client, world, now, django_assert_num_queries, members):
    _members(world, members)
    [meeting] = _meetings(world, 1, now)
    client.force_login(world.coordinator)
    # Everyone checked in themselves: the list of check-ins above the roster costs no query.
    meeting.attendances.update(
        presence="present", presence_source="self_code", checked_in_at=meeting.starts_at
    )
    url = reverse("meetings:roster", kwargs={"campus": world.campus.slug, "pk": meeting.pk})
    with django_assert_num_queries(ROSTER_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == members
    html = response.content.decode()
    assert html.count('<fieldset class="roster-person"') == members
    assert html.count('<li class="check-in-roster-person">') == members


@pytest.mark.parametrize("meetings", [3, 60])
def test_history_queries(client, world, now, django_assert_num_queries, meetings):
    _meetings(world, meetings, now)
    client.force_login(world.peer)
    url = reverse("meetings:attendance_history", kwargs={"campus": world.campus.slug})
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == meetings
    assert Attendance.objects.filter(user=world.peer).count() == meetings


@pytest.mark.parametrize(("suggestions", "offers"), [(2, 1), (40, 15)])
def test_agenda_page_queries(client, world, now, django_assert_num_queries, suggestions, offers):
    from tests.factories import DiscussionSuggestionFactory, FacilitationOfferFactory

    _members(world, 5 + offers)
    [meeting] = _meetings(world, 1, now)
    now.move_to(local(2026, 9, 1, 9))
    for _ in range(suggestions):
        DiscussionSuggestionFactory(campus=world.campus)
    DiscussionSuggestionFactory(campus=world.campus, is_anonymous=False, author=world.peer)
    people = [m.user for m in world.campus.memberships.select_related("user")][:offers]
    for person in people:
        FacilitationOfferFactory(campus=world.campus, user=person)
    from tests.factories import ActionItemFactory

    earlier = MeetingFactory(campus=world.campus, starts_at=local(2026, 8, 4))
    for i in range(offers):  # as many open actions from last time, and agenda items
        ActionItemFactory(meeting=earlier, owner=people[i % len(people)])
        AgendaItemFactory(meeting=meeting, position=10 + i, facilitator=people[i % len(people)])
    client.force_login(world.coordinator)
    url = reverse("meetings:agenda", kwargs={"campus": world.campus.slug, "pk": meeting.pk})
    with django_assert_num_queries(AGENDA_QUERIES):
        response = client.get(url)
    assert len(response.context["suggestions"]) == suggestions + 1
    assert len(response.context["offers"]) == offers
    assert len(response.context["from_last_time"]) == offers
    assert len(response.context["items"]) == 5 + offers  # with _meetings' training item
    url = reverse("meetings:agenda_add", kwargs={"campus": world.campus.slug, "pk": meeting.pk})
    with django_assert_num_queries(AGENDA_ADD_QUERIES):
        response = client.get(url, headers={"HX-Request": "true"})
    assert len(response.context["form"].fields["facilitator"].choices) >= 5 + offers


@pytest.mark.parametrize("count", [2, 50])
def test_suggestion_list_queries(client, world, now, django_assert_num_queries, count):
    from tests.factories import DiscussionSuggestionFactory

    for i in range(count):
        DiscussionSuggestionFactory(
            campus=world.campus, is_anonymous=i % 2 == 0, author=None if i % 2 == 0 else world.peer
        )
    client.force_login(world.coordinator)
    url = reverse("meetings:suggestion_list", kwargs={"campus": world.campus.slug})
    with django_assert_num_queries(SUGGESTIONS_QUERIES):
        response = client.get(url)
    assert len(response.context["suggestions"]) == count


@pytest.mark.parametrize(("members", "actions"), [(5, 1), (200, 30)])
def test_minutes_page_queries(client, world, now, django_assert_num_queries, members, actions):
    from tests.factories import ActionItemFactory

    _members(world, members)
    [meeting] = _meetings(world, 1, now)
    minutes.save_minutes(meeting=meeting, version=0, by=world.coordinator, going_well="Good")
    minutes.save_case_notes(meeting=meeting, version=0, text="Notes", by=world.coordinator)
    earlier = MeetingFactory(campus=world.campus, starts_at=local(2026, 8, 4))
    for i in range(actions):
        ActionItemFactory(meeting=meeting, owner=world.partner)
        ActionItemFactory(meeting=earlier, owner=world.peer)
        minutes.save_minutes(
            meeting=meeting, version=1 + i, by=world.coordinator, going_well=f"Good {i}"
        )
    client.force_login(world.coordinator)
    url = reverse("meetings:minutes", kwargs={"campus": world.campus.slug, "pk": meeting.pk})
    with django_assert_num_queries(MINUTES_QUERIES):
        response = client.get(url)
    assert len(response.context["action_items"]) == actions
    assert len(response.context["from_last_time"]) == actions
    assert b"Notes" in response.content
    url = reverse(
        "meetings:minutes_history", kwargs={"campus": world.campus.slug, "pk": meeting.pk}
    )
    with django_assert_num_queries(MINUTES_HISTORY_QUERIES):
        response = client.get(url)
    assert len(response.context["history"]) == 2  # the coordinator's saves; the factory's items
    assert len(response.context["case_notes_reads"]) == 1


@pytest.mark.parametrize("meetings", [3, 60])
def test_calendar_feed_queries(client, world, now, django_assert_num_queries, meetings):
    _meetings(world, meetings, now)
    token = services.calendar_feed_for(user=world.peer).token
    url = reverse("meetings:calendar_feed", kwargs={"token": token})
    with django_assert_num_queries(FEED_QUERIES):
        response = client.get(url)
    assert response.content.count(b"BEGIN:VEVENT") == meetings + (1 if meetings > 1 else 0)


@pytest.mark.parametrize("members", [5, 200])
def test_agenda_item_edit_page_queries(client, world, now, django_assert_num_queries, members):
    """The item's form reads the campus's people and the catalogue's topics once each; the
    add form stays closed."""
    _members(world, members)
    [meeting] = _meetings(world, 1, now)
    item = meeting.agenda_items.first()
    client.force_login(world.coordinator)
    url = reverse(
        "meetings:agenda_item_edit",
        kwargs={"campus": world.campus.slug, "pk": meeting.pk, "item": item.pk},
    )
    with django_assert_num_queries(AGENDA_ITEM_EDIT_QUERIES):
        response = client.get(url)
    assert len(response.context["edit_form"].fields["facilitator"].choices) == members + 1
    assert len(response.context["edit_form"].fields["topic"].choices) >= 1
    assert response.context["form"] is None
