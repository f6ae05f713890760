"""Pages with personal data are never stored by a shared cache or the browser's disk: every
page shown to a signed-in person, and every secret-link page; static files keep caching."""

import pytest
from django.test import override_settings

from .factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "path",
    [
        "/c/riverside/dashboard/",
        "/c/riverside/me/",
        "/c/riverside/members/",
        "/c/riverside/meetings/",
        "/c/riverside/meetings/history/",
        "/c/riverside/meetings/new/",
        "/c/riverside/exports/attendance.csv",
        "/profile/",
    ],
)
def test_signed_in_pages_are_private_and_not_stored(coordinator_client, path):
    response = coordinator_client.get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_meeting_and_membership_pages_are_private_and_not_stored(coordinator_client, world):
    meeting = MeetingFactory(campus=world.campus)
    membership = world.peer.memberships.get()
    for path in (
        f"/c/riverside/meetings/{meeting.pk}/",
        f"/c/riverside/members/{membership.pk}/",
    ):
        response = coordinator_client.get(path)
        assert response.status_code == 200, path
        assert {"private", "no-store"} <= _cache_control(response), path


def test_a_refused_page_to_a_signed_in_person_is_not_stored_either(peer_client):
    response = peer_client.get("/c/riverside/meetings/new/")
    assert response.status_code == 403
    assert _cache_control(response) == {"private", "no-store"}


def test_a_secret_link_page_is_private_and_not_stored(client, world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="an-invitation")
    response = client.get("/invitations/an-invitation/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_a_view_that_chose_its_caching_keeps_it(coordinator_client):
    """/health/ says no-cache, no-store, must-revalidate itself: nothing is added to it."""
    response = coordinator_client.get("/health/")
    assert _cache_control(response) == {
        "max-age=0",
        "no-cache",
        "no-store",
        "must-revalidate",
        "private",
    }


def test_anonymous_responses_are_left_alone(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "Cache-Control" not in response


@override_settings(WHITENOISE_AUTOREFRESH=False, WHITENOISE_MAX_AGE=3600)
def test_static_files_keep_caching_for_signed_in_people(coordinator_client):
    response = coordinator_client.get("/static/css/app.css")
    assert response.status_code == 200
    assert _cache_control(response) == {"max-age=3600", "public"}
