"""Stopping a kind of e-mail in one click, from the mail client (RFC 8058) or the link."""

import datetime as dt
from email import message_from_bytes, policy

import pytest
from django.test import Client

from meetings import services
from meetings.reminders import send_meeting_reminders, send_presence_nudges
from members.preferences import stop_token, stop_url
from outbox.delivery import build_message
from outbox.models import OutboundEmail
from tests.meetings.conftest import NOW, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _schedule(world, day, title="Meeting"):
    return services.schedule_meeting(
        campus=world.campus,
        starts_at=local(2026, 9, day, 17),
        ends_at=local(2026, 9, day, 18),
        title=title,
        location="Room 1",
        by=world.coordinator,
    )


def _path(url):
    return url.removeprefix("http://127.0.0.1:8000")


def test_meeting_emails_offer_one_click_unsubscribe(world, now):
    _schedule(world, 8)
    email = OutboundEmail.objects.get(kind="meeting_invitation", to=world.peer.email)
    link = stop_url(user=world.peer, topic="meeting_notices")
    assert email.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert f"Stop e-mails like this one: {link}" in email.body_text
    parsed = message_from_bytes(build_message(email).message().as_bytes(), policy=policy.default)
    assert parsed["List-Unsubscribe"].strip() == f"<{link}>"  # folded: a long link
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Auto-Submitted"] == "auto-generated"


def test_one_click_post_without_session_or_csrf_stops_meeting_notices(world, now):
    _schedule(world, 8)
    client = Client(enforce_csrf_checks=True)
    url = _path(stop_url(user=world.peer, topic="meeting_notices"))
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "No more e-mails when a meeting is scheduled, changed or cancelled" in (
        response.content.decode()
    )
    world.peer.refresh_from_db()
    assert (world.peer.wants_meeting_notices, world.peer.wants_meeting_reminders) == (False, True)
    _schedule(world, 9, title="Second")
    invited = set(
        OutboundEmail.objects.filter(
            kind="meeting_invitation", subject__contains="Second"
        ).values_list("to", flat=True)
    )
    assert invited == {world.coordinator.email, world.partner.email}


def test_the_link_asks_before_it_stops_anything(world, client):
    url = _path(stop_url(user=world.peer, topic="meeting_reminders"))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Stop e-mails reminding you of meetings?" in html
    assert world.peer.email in html
    world.peer.refresh_from_db()
    assert world.peer.wants_meeting_reminders is True
    client.post(url)
    world.peer.refresh_from_db()
    assert world.peer.wants_meeting_reminders is False
    assert "They are already off" in client.get(url).content.decode()


def test_reminders_and_nudges_carry_their_own_topic(world, now):
    meeting = _schedule(world, 8)
    now.move_to(local(2026, 9, 6, 17, 30))
    send_meeting_reminders()
    reminder = OutboundEmail.objects.get(kind="meeting_reminder", to=world.peer.email)
    assert reminder.headers["List-Unsubscribe"] == (
        f"<{stop_url(user=world.peer, topic='meeting_reminders')}>"
    )
    now.move_to(meeting.ends_at + dt.timedelta(days=1, minutes=5))
    assert send_presence_nudges() == 1
    nudge = OutboundEmail.objects.get(kind="presence_nudge")
    assert nudge.headers["List-Unsubscribe"] == (
        f"<{stop_url(user=world.coordinator, topic='presence_nudges')}>"
    )


def test_coordinators_who_stopped_nudges_get_none(world, now):
    meeting = _schedule(world, 8)
    Client().post(_path(stop_url(user=world.coordinator, topic="presence_nudges")))
    now.move_to(meeting.ends_at + dt.timedelta(days=1, minutes=5))
    assert send_presence_nudges() == 0


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        stop_token.__name__,  # any string that was never signed
        "eyJ1IjoxLCJ0IjoibWVldGluZ19ub3RpY2VzIn0:1abc:forged",
    ],
)
def test_a_bad_link_changes_nothing(world, client, token):
    response = client.post(f"/stop-emails/{token}/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    world.peer.refresh_from_db()
    assert world.peer.wants_meeting_notices is True


def test_a_deactivated_persons_link_is_refused(world, client):
    url = _path(stop_url(user=world.peer, topic="meeting_notices"))
    world.peer.is_active = False
    world.peer.save()
    assert client.post(url).status_code == 400
    world.peer.refresh_from_db()
    assert world.peer.wants_meeting_notices is True


def test_profile_turns_each_kind_back_on(world, client):
    world.peer.wants_meeting_notices = False
    world.peer.save()
    client.force_login(world.peer)
    response = client.post(
        "/profile/",
        {
            "name": world.peer.name,
            "language": "en",
            "wants_meeting_notices": "on",
            "wants_meeting_reminders": "on",
        },
    )
    assert response.status_code == 302
    world.peer.refresh_from_db()
    assert (
        world.peer.wants_meeting_notices,
        world.peer.wants_meeting_reminders,
        world.peer.wants_presence_nudges,
    ) == (True, True, False)
