"""The campus's notices page: failed and uncertain e-mails, and sending them again."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import timezone

from outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db

NOTICES = "/c/riverside/notices/"


def _notice(campus, n, status="sent", **extra):
    now = timezone.now()
    return OutboundEmail.objects.create(
        key=f"n{campus.pk}-{n}",
        kind="invitation",
        campus=campus,
        to=f"p{n}@example.edu",
        subject=f"Notice {n}",
        body_text="b",
        status=status,
        attempts=1,
        claimed_at=now,
        next_attempt_at=now,
        sent_at=now if status == "sent" else None,
        **extra,
    )


def _resend_url(notice):
    return f"{NOTICES}{notice.pk}/resend/"


def test_the_page_explains_uncertain_delivery_and_offers_send_again(coordinator_client, world):
    sent = _notice(world.campus, 1)
    failed = _notice(world.campus, 2, status="failed", last_error="SMTPRecipientsRefused: 550")
    uncertain = _notice(
        world.campus, 3, status="uncertain", last_error="The sender stopped before recording"
    )
    pending = _notice(world.campus, 4, status="pending")
    html = coordinator_client.get(NOTICES).content.decode()
    assert "1 notice could not be delivered." in html
    assert "1 notice may or may not have been delivered" in html
    assert "CoPractice does not send it again by itself" in html
    assert "Delivery uncertain</span>" in html
    assert html.count(">Send again<") == 2
    assert f'action="{_resend_url(failed)}"' in html
    assert f'action="{_resend_url(uncertain)}"' in html
    assert f'action="{_resend_url(sent)}"' not in html
    assert f'action="{_resend_url(pending)}"' not in html
    response = coordinator_client.get(f"{NOTICES}?status=uncertain")
    assert [n.subject for n in response.context["notices"]] == ["Notice 3"]
    assert '<a class="nav-link" href="?status=uncertain">Delivery uncertain</a>' in (
        coordinator_client.get(NOTICES).content.decode()
    )


@pytest.mark.parametrize("status", ["failed", "uncertain"])
def test_a_coordinator_sends_a_notice_again(
    coordinator_client, world, mailoutbox, django_capture_on_commit_callbacks, status
):
    notice = _notice(world.campus, 1, status=status)
    moment = timezone.now() + timedelta(minutes=3)
    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = coordinator_client.post(_resend_url(notice))
    assert (response.status_code, response.url) == (302, NOTICES)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The e-mail to p1@example.edu will be sent again now."
    ]
    notice.refresh_from_db()
    assert (notice.status, notice.resent_by, notice.resent_at, notice.attempts) == (
        "sent",
        world.coordinator,
        moment,
        1,
    )
    assert [m.to for m in mailoutbox] == [["p1@example.edu"]]
    html = coordinator_client.get(NOTICES).content.decode()
    assert f"Sent again {moment.astimezone(world.campus.tz):%-d %b %H:%M}" in html
    assert f"by {world.coordinator}" in html


def test_a_site_admin_sends_a_notice_again(client, world, django_capture_on_commit_callbacks):
    notice = _notice(world.campus, 1, status="failed")
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_resend_url(notice)).status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.resent_by) == ("sent", world.admin)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("sent", "This e-mail was delivered already: it is not sent again."),
        (
            "pending",
            "This e-mail is on its way already: only a failed e-mail or one whose delivery is "
            "uncertain can be sent again.",
        ),
    ],
)
def test_a_notice_that_is_not_failed_or_uncertain_is_not_sent_again(
    coordinator_client, world, mailoutbox, django_capture_on_commit_callbacks, status, message
):
    notice = _notice(world.campus, 1, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(_resend_url(notice))
    assert (response.status_code, response.url) == (302, NOTICES)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    notice.refresh_from_db()
    assert (notice.status, notice.resent_at, notice.resent_by) == (status, None, None)
    assert mailoutbox == []


def test_another_campus_notice_is_404_and_unchanged(coordinator_client, world):
    notice = _notice(world.other_campus, 1, status="failed")
    assert coordinator_client.post(f"{NOTICES}{notice.pk}/resend/").status_code == 404
    assert coordinator_client.post("/c/hillside/notices/1/resend/").status_code == 404
    assert coordinator_client.post(f"{NOTICES}999999/resend/").status_code == 404
    notice.refresh_from_db()
    assert (notice.status, notice.resent_at) == ("failed", None)


def test_send_again_takes_a_post_only(coordinator_client, world):
    notice = _notice(world.campus, 1, status="failed")
    assert coordinator_client.get(_resend_url(notice)).status_code == 405
    notice.refresh_from_db()
    assert notice.status == "failed"


@pytest.mark.parametrize("count", [3, 60])
def test_notices_sent_again_take_no_extra_queries(
    coordinator_client, world, count, django_assert_num_queries
):
    for n in range(count):
        _notice(
            world.campus,
            n,
            status="uncertain" if n % 2 else "failed",
            resent_at=timezone.now(),
            resent_by=world.coordinator,
        )
    coordinator_client.get("/c/riverside/")  # the campus is now the session's current one
    # user, memberships with campuses (campus check and navigation), notices count, status counts,
    # page; the session comes from the cache
    with django_assert_num_queries(5):
        response = coordinator_client.get(NOTICES)
    assert len(response.context["notices"]) == min(count, 50)
    assert response.content.decode().count(f"by {world.coordinator}") == min(count, 50)
