"""The navigation keeps the campus on every page, and switching campus is one labelled menu."""

import re

import pytest
from django.db.models import F
from django.urls import reverse

from members.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGES_WITHOUT_A_CAMPUS = [
    "training:topic_list",
    "members:profile",
    "meetings:calendar_feed_settings",
]


def _nav(html: str) -> str:
    return html[html.index('<nav class="container') : html.index("</nav>")]


@pytest.mark.parametrize("url_name", PAGES_WITHOUT_A_CAMPUS)
def test_navigation_keeps_the_coordinators_campus_links_on_pages_without_a_campus(
    coordinator_client, url_name
):
    nav = _nav(coordinator_client.get(reverse(url_name)).content.decode())
    assert 'href="/c/riverside/"' in nav
    assert 'href="/c/riverside/meetings/"' in nav
    assert 'href="/c/riverside/members/"' in nav
    assert 'href="/c/riverside/dashboard/"' in nav
    assert 'href="/c/riverside/me/"' in nav


@pytest.mark.parametrize("url_name", PAGES_WITHOUT_A_CAMPUS)
def test_navigation_keeps_a_peers_campus_links_without_coordinator_links(peer_client, url_name):
    nav = _nav(peer_client.get(reverse(url_name)).content.decode())
    assert 'href="/c/riverside/meetings/"' in nav
    assert 'href="/c/riverside/me/"' in nav
    assert "/members/" not in nav
    assert "/dashboard/" not in nav


def test_navigation_on_pages_without_a_campus_follows_the_last_campus_opened(client, world):
    MembershipFactory(user=world.peer, campus=world.other_campus, role=Membership.Role.COORDINATOR)
    client.force_login(world.peer)
    client.get(reverse("members:campus_home", kwargs={"campus": "riverside"}))
    client.get(reverse("members:campus_home", kwargs={"campus": "hillside"}))
    nav = _nav(client.get(reverse("members:profile")).content.decode())
    assert 'href="/c/hillside/dashboard/"' in nav
    assert "/c/riverside/meetings/" not in nav
    assert re.search(r"Campus: <strong>Hillside</strong>", nav)


def test_navigation_of_a_person_without_a_campus_has_no_campus_links(client, world):
    Membership.objects.filter(user=world.peer).update(status="left", left_on=F("joined_on"))
    client.force_login(world.peer)
    nav = _nav(client.get(reverse("members:profile")).content.decode())
    assert "/c/" not in nav


def test_campus_switcher_is_a_labelled_menu_marking_the_current_campus(client, world):
    MembershipFactory(user=world.peer, campus=world.other_campus)
    client.force_login(world.peer)
    nav = _nav(client.get("/c/hillside/meetings/").content.decode())
    assert "Campus: <strong>Hillside</strong>" in nav
    assert '<a href="/c/hillside/" aria-current="true">Hillside' in nav
    assert '<a href="/c/riverside/">Riverside</a>' in nav
    assert 'href="/c/hillside/meetings/" aria-current="page"' in nav


def test_a_single_campus_shows_its_name_without_a_menu(peer_client):
    nav = _nav(peer_client.get(reverse("training:topic_list")).content.decode())
    assert '<a class="campus-name text-decoration-none" href="/c/riverside/">Riverside</a>' in nav
    assert "<details" not in nav


def test_navigation_of_a_site_admin_keeps_the_campus_opened_last(client, world):
    client.force_login(world.admin)
    client.get(reverse("members:campus_home", kwargs={"campus": "riverside"}))
    client.get(reverse("members:campus_home", kwargs={"campus": "hillside"}))
    nav = _nav(client.get(reverse("training:topic_list")).content.decode())
    assert "Campus: <strong>Hillside</strong>" in nav
    assert 'href="/c/hillside/dashboard/"' in nav
    assert "/c/hillside/me/" not in nav  # not a member there
    assert 'href="/overview/"' in nav


def test_navigation_follows_the_campus_opened_in_this_session(client, world):
    """Straight to the second campus by name (e.g. from an e-mail's link), then the catalogue."""
    MembershipFactory(
        user=world.coordinator, campus=world.other_campus, role=Membership.Role.COORDINATOR
    )
    client.force_login(world.coordinator)
    client.get(reverse("meetings:meeting_list", kwargs={"campus": "riverside"}))
    nav = _nav(client.get(reverse("training:topic_list")).content.decode())
    assert "Campus: <strong>Riverside</strong>" in nav
    assert 'href="/c/riverside/dashboard/"' in nav
