"""The one-click pages reached from an e-mail show where the meeting is and lead on; the
calendar-feed page says how to subscribe."""

import pytest
from django.urls import reverse

from meetings import respond_links, services
from meetings.models import Meeting

from .conftest import attendance, local

pytestmark = pytest.mark.django_db


def _path(row, response="attending"):
    return respond_links.respond_url(attendance=row, response=response).removeprefix(
        "http://127.0.0.1:8000"
    )


@pytest.fixture
def online_meeting(world, now):
    return services.schedule_meeting(
        campus=world.campus,
        starts_at=local(2026, 9, 15, 17),
        ends_at=local(2026, 9, 15, 18, 30),
        title="Online meeting",
        description="",
        location="",
        online_link="https://meet.example.edu/cop",
        by=world.coordinator,
    )


def test_respond_link_page_shows_the_place(client, world, meeting):
    html = client.get(_path(attendance(meeting, world.peer))).content.decode()
    assert (
        '<dt class="col-sm-3">Where</dt><dd class="col-sm-9">Student Centre, room 204</dd>' in html
    )
    assert "Online</dt>" not in html


def test_respond_link_page_shows_the_online_link(client, world, online_meeting):
    html = client.get(_path(attendance(online_meeting, world.peer))).content.decode()
    assert (
        '<dd class="col-sm-9"><a href="https://meet.example.edu/cop" rel="noopener">'
        "https://meet.example.edu/cop</a></dd>" in html
    )
    assert "Where</dt>" not in html


def test_respond_link_thank_you_page_asks_to_log_in_to_see_the_meeting(client, world, meeting):
    html = client.post(_path(attendance(meeting, world.peer)), {"note": ""}).content.decode()
    assert "is recorded: <strong>attending</strong>" in html
    assert "Student Centre, room 204" in html
    assert (
        f'href="/accounts/login/?next=/c/riverside/meetings/{meeting.pk}/">Log in to see the agenda'
        in html
    )


def test_respond_link_thank_you_page_links_to_the_meeting_when_logged_in(client, world, meeting):
    client.force_login(world.peer)
    html = client.post(
        _path(attendance(meeting, world.peer), "not_attending"), {"note": ""}
    ).content.decode()
    assert "is recorded: <strong>not attending</strong>" in html
    assert (
        f'<a class="btn btn-primary" href="/c/riverside/meetings/{meeting.pk}/">'
        "Open the meeting: agenda and responses</a>" in html
    )


def test_respond_link_page_of_a_cancelled_meeting_hides_the_place(client, world, meeting):
    row = attendance(meeting, world.peer)
    path = _path(row)
    Meeting.objects.filter(pk=meeting.pk).update(
        status="cancelled", cancelled_reason="Snow", cancelled_at=meeting.created_at
    )
    html = client.get(path).content.decode()
    assert "This meeting was cancelled" in html
    assert "Student Centre" not in html


def test_calendar_feed_page_offers_copy_webcal_and_steps(client, world):
    client.force_login(world.peer)
    client.post(reverse("meetings:calendar_feed_reset"))
    response = client.get(reverse("meetings:calendar_feed_settings"))
    html = response.content.decode()
    feed_url = response.context["feed_url"]
    assert feed_url.startswith("http://127.0.0.1:8000/calendar/")
    assert response.context["webcal_url"] == "webcal://" + feed_url.removeprefix("http://")
    assert f'href="{response.context["webcal_url"]}"' in html
    assert f'id="feed-url" type="text" readonly value="{feed_url}" data-copy-field' in html
    assert (
        '<button type="button" class="btn btn-outline-primary" data-copy-from="feed-url" hidden>'
        in html
    )
    assert '<script src="/static/js/copy-field.js" defer></script>' in html
    for calendar in ("Google Calendar", "Outlook", "Apple Calendar"):
        assert f">{calendar}</h3>" in html
    assert "style=" not in html


def test_calendar_feed_page_without_an_address_offers_no_copy(client, world):
    client.force_login(world.peer)
    response = client.get(reverse("meetings:calendar_feed_settings"))
    html = response.content.decode()
    assert response.context["webcal_url"] is None
    assert "data-copy-from" not in html and "webcal://" not in html
    assert "Get my calendar address" in html
