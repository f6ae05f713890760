"""The coordinator dashboard's figures are computed once per change (reports/summary.py): a
second view reads them from the cache in a fixed, small number of queries, and any change to
what they are made of, or the time moving past a meeting's start, computes them again."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Attendance
from reports import summary
from tests.factories import MembershipFactory

from .conftest import NOW, local
from .test_queries import SIZES, _build, _warm

pytestmark = pytest.mark.django_db

# The user and the person's memberships with their campuses (the session comes from the cache),
# and the figures from the cache: whatever the campus's size.
KEPT_DASHBOARD_QUERIES = 2
DASHBOARD = reverse("reports:dashboard", kwargs={"campus": "riverside"})


def _without_tokens(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize(("members", "meetings"), SIZES)
def test_a_dashboard_seen_again_takes_a_few_queries(
    client, world, now, django_assert_max_num_queries, django_assert_num_queries, members, meetings
):
    _build(world, members, meetings)
    _warm(client, world.coordinator, world)
    first = client.get(DASHBOARD)
    with django_assert_num_queries(KEPT_DASHBOARD_QUERIES):
        again = client.get(DASHBOARD)
    assert _without_tokens(again) == _without_tokens(first)
    with django_assert_max_num_queries(12):
        client.get(DASHBOARD)


def test_a_change_to_what_it_shows_computes_it_again(client, world, now):
    _build(world, 10, 6)
    _warm(client, world.coordinator, world)
    before = client.get(DASHBOARD).context["members"]
    newcomer = MembershipFactory(campus=world.campus)  # a membership: saved, signals
    members = client.get(DASHBOARD).context["members"]
    assert len(members) == len(before) + 1
    assert newcomer.user in [m.user for m in members]
    # Presence recorded through the service, for a past meeting.
    past = (
        Attendance.objects.filter(meeting__campus=world.campus, meeting__starts_at__lt=NOW)
        .exclude(meeting__status="cancelled")
        .select_related("meeting")
        .filter(user=world.peer)
        .exclude(presence="absent")
        .first()
    )
    by = world.coordinator
    services.record_presence(meeting=past.meeting, presences={past.pk: "absent"}, by=by)
    row = next(m for m in client.get(DASHBOARD).context["members"] if m.user == world.peer)
    assert row.last_12_months.missed == sum(
        1
        for a in Attendance.objects.filter(
            user=world.peer, meeting__campus=world.campus, meeting__starts_at__lt=NOW
        ).exclude(meeting__status="cancelled")
        if a.presence == "absent" and a.meeting.starts_at >= NOW - dt.timedelta(days=365)
    )


def test_a_name_changed_shows_at_once(client, world, now):
    _build(world, 10, 6)
    _warm(client, world.coordinator, world)
    client.get(DASHBOARD)
    world.peer.name = "Renamed Person"
    world.peer.save()
    assert "Renamed Person" in client.get(DASHBOARD).content.decode()


def test_the_figures_are_computed_again_once_the_next_meeting_started(client, world, now):
    _build(world, 10, 6)
    _warm(client, world.coordinator, world)
    following = client.get(DASHBOARD).context["next_meeting"].meeting
    now.move_to(following.starts_at + dt.timedelta(minutes=1))
    # Past the session's two weeks (kept by Redis, in real time, but not by a memory cache).
    client.force_login(world.coordinator)
    shown = client.get(DASHBOARD).context["next_meeting"]
    assert shown is None or shown.meeting != following


def test_a_change_rolled_back_leaves_the_next_one_counted(world, now):
    from django.db import transaction

    campus = world.campus
    summary.dashboard(campus=campus, now=local(2026, 9, 1))
    try:
        with transaction.atomic():
            MembershipFactory(campus=campus)
            raise RuntimeError
    except RuntimeError:
        pass
    newcomer = MembershipFactory(campus=campus)
    members = summary.dashboard(campus=campus, now=local(2026, 9, 1))["members"]
    assert newcomer.user in [m.user for m in members]


BODY = "reports/_dashboard_body.html"


def _rendered(response) -> list[str]:
    return [t.name for t in response.templates]


def test_the_body_is_rendered_once_for_every_coordinator_of_the_campus(client, world, now):
    _build(world, 10, 6)
    _warm(client, world.coordinator, world)
    first = client.get(DASHBOARD)
    assert BODY in _rendered(first)
    again = client.get(DASHBOARD)
    assert BODY not in _rendered(again)
    assert _without_tokens(again) == _without_tokens(first)
    # Another coordinator of the campus gets the same body, and the page around it is theirs.
    other = MembershipFactory(campus=world.campus, role="coordinator", user__name="Otto Second")
    _warm(client, other.user, world)
    theirs = client.get(DASHBOARD)
    assert BODY in _rendered(theirs)  # the new coordinator changed the figures (a membership)
    seen = client.get(DASHBOARD)
    assert BODY not in _rendered(seen)
    assert seen.wsgi_request.user == other.user


def test_the_body_follows_a_change_to_what_it_shows(client, world, now):
    _build(world, 10, 6)
    _warm(client, world.coordinator, world)
    client.get(DASHBOARD)
    world.peer.name = "Renamed Again"
    world.peer.save()
    changed = client.get(DASHBOARD)
    assert BODY in _rendered(changed)
    assert "Renamed Again" in changed.content.decode()


def test_the_body_is_kept_per_language(client, world, now):
    _build(world, 10, 6)
    _warm(client, world.coordinator, world)
    english = client.get(DASHBOARD).content.decode()
    assert "Needs your attention" in english
    world.coordinator.language = "fr"
    world.coordinator.save(update_fields=["language"])
    french = client.get(DASHBOARD)
    assert BODY in _rendered(french)
    assert "Needs your attention" not in french.content.decode()
    assert "À surveiller" in french.content.decode()


def test_the_body_holds_nothing_of_the_person_who_saw_it_first(client, world, now):
    _build(world, 10, 6)
    _warm(client, world.coordinator, world)
    client.get(DASHBOARD)
    key = summary._key(world.campus, now=summary.timezone.now())
    html = summary._kept(f"{key}:html", summary.timezone.now())
    assert html is not None
    assert "csrfmiddlewaretoken" not in html
    assert world.coordinator.email not in html
