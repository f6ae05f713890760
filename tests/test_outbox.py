import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from copractice import outbox
from copractice.models import OutboundEmail
from members import services
from members.models import Invitation
from tests.outbox_backends import FlakySMTPBackend

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(key="k1", **overrides):
    return outbox.queue_email(
        key=key,
        kind="test",
        to="someone@example.edu",
        subject="Hello",
        template="members/email/added",
        context={"membership": None, "campus_url": "http://x/"},
        **overrides,
    )


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.outbox_backends.FlakySMTPBackend"
    mail.outbox = []
    FlakySMTPBackend.refused = 0

    def fail(times):
        FlakySMTPBackend.failures = times

    yield fail
    FlakySMTPBackend.failures = 0


def test_same_key_is_queued_and_sent_once(mailoutbox):
    with transaction.atomic():
        first = _queue()
        second = _queue()
    assert first is not None
    assert second is None
    assert OutboundEmail.objects.get().status == "sent"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["X-CoPractice-Key"] == "k1"
    assert outbox.sweep() == 0
    assert len(mailoutbox) == 1


def test_rolled_back_cause_sends_nothing(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []


def test_smtp_failing_twice_then_succeeding_delivers_exactly_once(flaky_smtp):
    flaky_smtp(2)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with transaction.atomic():
            email = _queue()
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 1)
        assert email.last_error == "ConnectionRefusedError: SMTP server unavailable"
        assert email.next_attempt_at == start + timedelta(seconds=30)
        assert outbox.sweep() == 0  # not due yet
        clock.shift(timedelta(seconds=31))
        assert outbox.sweep() == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 2)
        clock.shift(timedelta(seconds=121))
        assert outbox.sweep() == 1
        email.refresh_from_db()
        assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
        clock.shift(timedelta(hours=1))
        assert outbox.sweep() == 0
    assert len(mail.outbox) == 1


def test_permanent_failure_is_recorded(flaky_smtp):
    flaky_smtp(100)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with transaction.atomic():
            email = _queue()
        for _ in range(outbox.MAX_ATTEMPTS):
            clock.shift(timedelta(hours=7))
            outbox.sweep()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert "SMTP server unavailable" in email.last_error
    assert mail.outbox == []


def test_sensitive_body_is_erased_after_delivery(mailoutbox):
    with transaction.atomic():
        email = _queue(sensitive=True)
    email.refresh_from_db()
    assert email.body_text == outbox.ERASED
    assert "http://x/" in mailoutbox[0].body


def test_a_sender_that_died_mid_send_is_released_by_the_sweep(mailoutbox):
    now = timezone.now()
    email = OutboundEmail.objects.create(
        key="stuck",
        kind="test",
        to="a@example.edu",
        subject="s",
        body_text="b",
        status="sending",
        claimed_at=now - timedelta(minutes=11),
        next_attempt_at=now,
    )
    assert outbox.sweep() == 1
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(mailoutbox) == 1


def test_broker_outage_delays_mail_but_loses_none(world, dead_broker, mailoutbox):
    started = time.monotonic()
    services.invite_member(
        campus=world.campus, email="new@example.edu", role="peer_supporter", by=world.coordinator
    )
    assert time.monotonic() - started < 2
    assert Invitation.objects.filter(email="new@example.edu").exists()
    assert OutboundEmail.objects.get().status == "pending"
    assert mailoutbox == []
    dead_broker()  # the broker is back
    assert outbox.sweep() == 1
    assert OutboundEmail.objects.get().status == "sent"
    assert [m.to for m in mailoutbox] == [["new@example.edu"]]
