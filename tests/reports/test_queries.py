"""Every dashboard and export takes the same number of queries at 10 members by 6 meetings as
at 200 members by 60 meetings."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Attendance
from tests.factories import (
    ActionItemFactory,
    DiscussionSuggestionFactory,
    FacilitationOfferFactory,
    MeetingFactory,
    MembershipFactory,
    TopicFactory,
)

from .conftest import NOW, local

pytestmark = pytest.mark.django_db

# Every campus page: the user, and the person's memberships with their campuses (the campus check
# and the navigation); the session comes from the cache (copractice/sessions.py).
DASHBOARD_QUERIES = 15
# The peer's page: their attendance (with the meetings to come), their training, their open
# offers and their overdue action items.
MY_PAGE_QUERIES = 6
OVERVIEW_QUERIES = 5
# Each export adds one line to the access record.
MEETING_CSV_QUERIES = 6
ATTENDANCE_CSV_QUERIES = 6
TRAINING_CSV_QUERIES = 6
TOPICS_CSV_QUERIES = 4

SIZES = [(10, 6), (200, 60)]
P = Attendance.Presence
PRESENCES = [P.PRESENT, P.LATE, P.ABSENT, P.EXCUSED, P.UNRECORDED]


def _build(world, members, meetings):
    """`members` people (the world's three included) and `meetings` meetings, a month apart,
    two thirds past; everyone expected everywhere; a training item in every meeting; action
    items, suggestions and offers in proportion."""
    campus = world.campus
    people = [world.coordinator, world.peer, world.partner]
    people += [MembershipFactory(campus=campus).user for _ in range(members - 3)]
    topics = [TopicFactory(refresh_interval_months=3) for _ in range(max(2, meetings // 6))]
    first = local(2026, 9, 1) - dt.timedelta(days=30 * (2 * meetings // 3))
    created = []
    for i in range(meetings):
        starts = first + dt.timedelta(days=30 * i)
        kwargs = {}
        if i % 7 == 3:
            kwargs = {"status": "cancelled", "cancelled_reason": "Storm", "cancelled_at": starts}
        created.append(
            MeetingFactory(
                campus=campus,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
                **kwargs,
            )
        )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=m,
            user=u,
            presence=PRESENCES[(i + j) % 5] if m.starts_at < NOW else P.UNRECORDED,
        )
        for i, m in enumerate(created)
        for j, u in enumerate(people)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=m,
            position=1,
            kind=AgendaItem.Kind.TRAINING,
            title="Training",
            topic=topics[i % len(topics)],
            facilitator=people[i % len(people)],
        )
        for i, m in enumerate(created)
    )
    for i, m in enumerate(created[: meetings // 2]):
        ActionItemFactory(meeting=m, owner=people[i % len(people)])
        DiscussionSuggestionFactory(
            campus=campus, is_anonymous=False, author=people[(i + 1) % len(people)]
        )
        DiscussionSuggestionFactory(campus=campus)
    for i, topic in enumerate(topics):
        FacilitationOfferFactory(campus=campus, topic=topic, user=people[1 + i % (members - 1)])
    return created


def _warm(client, user, world):
    """Log in and visit the campus once, so that the session is saved before counting."""
    client.force_login(user)
    client.get(reverse("members:campus_home", kwargs={"campus": world.campus.slug}))


@pytest.mark.parametrize(("members", "meetings"), SIZES)
def test_dashboard_queries(client, world, now, django_assert_num_queries, members, meetings):
    _build(world, members, meetings)
    _warm(client, world.coordinator, world)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("reports:dashboard", kwargs={"campus": "riverside"}))
    assert response.status_code == 200
    assert len(response.context["members"]) == members


@pytest.mark.parametrize(("members", "meetings"), SIZES)
def test_my_page_queries(client, world, now, django_assert_num_queries, members, meetings):
    created = _build(world, members, meetings)
    _warm(client, world.peer, world)
    with django_assert_num_queries(MY_PAGE_QUERIES):
        response = client.get(reverse("reports:my_page", kwargs={"campus": "riverside"}))
    assert response.status_code == 200
    assert response.context["past_count"] + len(response.context["upcoming"]) == len(
        [m for m in created if m.starts_at <= NOW or m.status == "scheduled"]
    )


@pytest.mark.parametrize(("members", "meetings"), SIZES)
def test_overview_queries(client, world, now, django_assert_num_queries, members, meetings):
    _build(world, members, meetings)
    client.force_login(world.admin)
    client.get(reverse("home"))
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2


@pytest.mark.parametrize(("members", "meetings"), SIZES)
@pytest.mark.parametrize(
    ("name", "queries", "extra"),
    [
        ("reports:attendance_csv", ATTENDANCE_CSV_QUERIES, "?start=2023-01-01&end=2030-12-31"),
        ("reports:training_csv", TRAINING_CSV_QUERIES, ""),
        ("reports:topics_csv", TOPICS_CSV_QUERIES, ""),
        ("reports:meeting_attendance_csv", MEETING_CSV_QUERIES, ""),
    ],
)
def test_export_queries(
    client, world, now, django_assert_num_queries, members, meetings, name, queries, extra
):
    created = _build(world, members, meetings)
    _warm(client, world.coordinator, world)
    kwargs = {"campus": "riverside"}
    if name == "reports:meeting_attendance_csv":
        kwargs["pk"] = created[0].pk
    with django_assert_num_queries(queries):
        response = client.get(reverse(name, kwargs=kwargs) + extra)
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    if name == "reports:attendance_csv":
        assert len(lines) == 1 + members * meetings
    if name == "reports:meeting_attendance_csv":
        assert len(lines) == 1 + members
