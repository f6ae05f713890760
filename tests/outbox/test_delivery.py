import datetime as dt
import hashlib
import logging
import smtplib
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from members import services
from members.models import Invitation
from outbox import delivery, tasks
from outbox.models import OutboundEmail
from outbox.services import queue_email, resend_email
from tests.outbox_backends import FlakySMTPBackend

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(key="k1", **overrides):
    return queue_email(
        **{
            "key": key,
            "kind": "test",
            "to": "someone@example.edu",
            "subject": "Hello",
            "template": "members/email/added",
            "context": {"membership": None, "campus_url": "http://x/"},
            **overrides,
        }
    )


@pytest.fixture
def flaky_smtp(settings):
    """SMTP refuses the next `times` messages with `error` (default: connection refused)."""
    settings.EMAIL_BACKEND = "tests.outbox_backends.FlakySMTPBackend"
    mail.outbox = []
    FlakySMTPBackend.refused = 0

    def fail(times, error=None):
        FlakySMTPBackend.failures = times
        FlakySMTPBackend.error = error

    yield fail
    FlakySMTPBackend.failures = 0
    FlakySMTPBackend.error = None


def test_same_key_is_queued_and_sent_once(mailoutbox):
    with transaction.atomic():
        first = _queue()
        second = _queue()
    assert first is not None
    assert second is None
    assert OutboundEmail.objects.get().status == "sent"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["X-CoPractice-Key"] == "k1"
    assert tasks.sweep() == 0
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
        assert tasks.sweep() == 0  # not due yet
        clock.shift(timedelta(seconds=31))
        assert tasks.sweep() == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 2)
        clock.shift(timedelta(seconds=121))
        assert tasks.sweep() == 1
        email.refresh_from_db()
        assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
        clock.shift(timedelta(hours=1))
        assert tasks.sweep() == 0
    assert len(mail.outbox) == 1


def test_failure_is_recorded_after_the_last_attempt(flaky_smtp):
    flaky_smtp(100)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with transaction.atomic():
            email = _queue()
        for _ in range(delivery.MAX_ATTEMPTS):
            clock.shift(timedelta(hours=7))
            tasks.sweep()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert "SMTP server unavailable" in email.last_error
    assert mail.outbox == []


# --- an e-mail that can never be sent fails at once; a temporary failure is retried ---------
def _assert_failed_for_good(email, last_error_starts):
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error.startswith(last_error_starts), email.last_error
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert tasks.sweep() == 0
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 1)


def test_a_subject_with_a_line_break_fails_at_once_and_is_never_retried(mailoutbox, caplog):
    caplog.set_level(logging.INFO, logger="outbox")
    with transaction.atomic():
        email = _queue(subject="x\r\nBcc: attacker@evil.test")
    _assert_failed_for_good(email, "BadHeaderError: Header values can't contain newlines")
    assert mailoutbox == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("outbox.")] == [
        f"Outbox: e-mail {email.pk} (test) failed after 1 attempt: BadHeaderError, "
        "permanent: not retried"
    ]


@pytest.mark.parametrize(
    "address", ["not an address", "someone@", "a@b@example.edu", "x@example.edu\nBcc: y@evil.test"]
)
def test_an_invalid_address_fails_at_once(mailoutbox, address):
    with transaction.atomic():
        email = _queue(to=address)
    _assert_failed_for_good(email, "Invalid address: ")
    assert mailoutbox == []


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"someone@example.edu": (550, b"5.1.1 User unknown")}),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected"),
    ],
    ids=["recipient-550", "data-554"],
)
def test_a_permanent_smtp_refusal_fails_at_once(flaky_smtp, error):
    flaky_smtp(100, error)
    with transaction.atomic():
        email = _queue()
    _assert_failed_for_good(email, type(error).__name__)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("SMTP server unavailable"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPRecipientsRefused({"someone@example.edu": (450, b"4.2.1 Try again later")}),
        smtplib.SMTPRecipientsRefused(
            {"someone@example.edu": (450, b"4.2.1 Later"), "b@example.edu": (550, b"5.1.1 No")}
        ),
        smtplib.SMTPDataError(451, b"4.3.0 Temporary failure"),
        smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"),  # the set-up, not it
    ],
    ids=["refused", "timeout", "disconnected", "recipient-450", "mixed", "data-451", "auth-535"],
)
def test_a_temporary_failure_keeps_the_back_off(flaky_smtp, error):
    flaky_smtp(1, error)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with transaction.atomic():
            email = _queue()
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 1)
        assert email.last_error.startswith(type(error).__name__)
        assert email.next_attempt_at == start + timedelta(seconds=30)
        clock.shift(timedelta(seconds=31))
        assert tasks.sweep() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


# --- at most once: an outcome that could not be recorded is never sent again by itself ------
def test_a_sender_that_died_mid_send_leaves_the_delivery_uncertain(mailoutbox, caplog):
    caplog.set_level(logging.WARNING, logger="outbox")
    now = timezone.now()
    email = OutboundEmail.objects.create(
        key="stuck",
        kind="test",
        to="a@example.edu",
        subject="s",
        body_text="b",
        status="sending",
        attempts=1,
        claimed_at=now - timedelta(minutes=11),
        next_attempt_at=now,
    )
    recent = OutboundEmail.objects.create(
        key="busy",
        kind="test",
        to="b@example.edu",
        subject="s",
        body_text="b",
        status="sending",
        attempts=1,
        claimed_at=now - timedelta(minutes=2),
        next_attempt_at=now,
    )
    assert tasks.sweep() == 0
    email.refresh_from_db()
    recent.refresh_from_db()
    assert (email.status, recent.status) == ("uncertain", "sending")
    assert email.get_status_display() == "Delivery uncertain"
    assert email.last_error.startswith("The sender stopped before recording")
    with time_machine.travel(now + timedelta(days=1)):
        assert tasks.sweep() == 0
        assert delivery.deliver(email_id=email.pk) == "skipped"
    email.refresh_from_db()
    assert email.status == "uncertain"
    assert mailoutbox == []
    assert f"Outbox: e-mail {email.pk}: delivery uncertain" in caplog.text


def test_a_late_outcome_from_the_original_sender_is_still_recorded(mailoutbox):
    """The sweep gave up on a slow sender; when it finally records "sent", that is the truth."""
    claimed_at = timezone.now() - timedelta(minutes=11)
    email = OutboundEmail.objects.create(
        key="slow",
        kind="test",
        to="a@example.edu",
        subject="s",
        body_text="b",
        status="sending",
        claimed_at=claimed_at,
        next_attempt_at=claimed_at,
    )
    tasks.sweep()
    assert delivery._record(email.pk, claimed_at, status="sent", sent_at=timezone.now())
    email.refresh_from_db()
    assert email.status == "sent"
    # Another sender's claim (a re-send) is not overwritten by a stale one.
    delivery._record(email.pk, claimed_at - timedelta(seconds=1), status="failed")
    email.refresh_from_db()
    assert email.status == "sent"


def test_sensitive_body_is_erased_after_delivery(mailoutbox):
    with transaction.atomic():
        email = _queue(sensitive=True)
    email.refresh_from_db()
    assert email.body_text == delivery.ERASED
    assert "http://x/" in mailoutbox[0].body


# --- re-sending (a coordinator's decision) ----------------------------------------------------
def test_resend_puts_a_failed_email_back_due_now_and_records_who(world, flaky_smtp):
    flaky_smtp(1, smtplib.SMTPRecipientsRefused({"x@example.edu": (550, b"5.1.1 Unknown")}))
    with transaction.atomic():
        email = _queue(campus=world.campus)
    email.refresh_from_db()
    assert email.status == "failed"
    moment = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(moment, tick=False):
        email = resend_email(email=email, by=world.coordinator)
    assert (email.status, email.attempts, email.resent_by, email.resent_at) == (
        "sent",
        1,
        world.coordinator,
        moment,
    )
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("sent", "This e-mail was delivered already: it is not sent again."),
        ("pending", "This e-mail is on its way already"),
        ("sending", "This e-mail is on its way already"),
    ],
)
def test_resend_refuses_what_is_not_failed_or_uncertain(world, mailoutbox, status, message):
    now = timezone.now()
    email = OutboundEmail.objects.create(
        key="x",
        kind="test",
        to="a@example.edu",
        subject="s",
        body_text="b",
        status=status,
        attempts=1,
        next_attempt_at=now + timedelta(hours=1),
        claimed_at=now,
        sent_at=now if status == "sent" else None,
    )
    with pytest.raises(ValidationError, match=message):
        resend_email(email=email, by=world.coordinator)
    email.refresh_from_db()
    assert (email.status, email.resent_at, email.resent_by) == (status, None, None)
    assert mailoutbox == []


# --- what a mail client sees ------------------------------------------------------------------
def _calendar(method: str) -> str:
    cal = Calendar()
    cal.add("prodid", "-//CoPractice tests//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", "meeting-7@copractice.example.edu")
    event.add("summary", "Réunion de septembre (Riverside)")
    event.add("dtstamp", dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC))
    event.add("dtstart", dt.datetime(2026, 9, 8, 21, 0, tzinfo=dt.UTC))
    event.add("dtend", dt.datetime(2026, 9, 8, 22, 30, tzinfo=dt.UTC))
    event.add("sequence", 1 if method == "CANCEL" else 0)
    cal.add_component(event)
    return cal.to_ical().decode()


def _parsed(message):
    """The message as a mail client reads it."""
    return message_from_bytes(message.message().as_bytes(), policy=policy.default)


def _tree(part):
    if part.is_multipart():
        return (part.get_content_type(), [_tree(p) for p in part.iter_parts()])
    return part.get_content_type()


UNSUBSCRIBE = {
    "List-Unsubscribe": "<https://copractice.example.edu/unsubscribe/abc123/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_a_meeting_email_is_built_as_calendar_invitations_are(mailoutbox, settings, method):
    settings.SITE_URL = "https://copractice.example.edu"
    with transaction.atomic():
        _queue(key=f"meeting:7:{method}", ics=_calendar(method), headers=UNSUBSCRIBE)
    parsed = _parsed(mailoutbox[0])
    assert _tree(parsed) == (
        "multipart/mixed",
        [
            ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]),
            "application/ics",
        ],
    )
    alternative, attachment = parsed.iter_parts()
    inline = list(alternative.iter_parts())[2]
    raw = mailoutbox[0].message().as_bytes()
    assert f"Content-Type: text/calendar; method={method}; charset=utf-8\n".encode() in raw
    assert inline.get_params() == [("text/calendar", ""), ("method", method), ("charset", "utf-8")]
    assert inline.get_content_disposition() is None
    inline_cal = Calendar.from_ical(inline.get_content())
    assert (inline_cal["method"], str(inline_cal.walk("VEVENT")[0]["summary"])) == (
        method,
        "Réunion de septembre (Riverside)",
    )
    assert attachment.get_content_type() == "application/ics"
    assert (attachment.get_content_disposition(), attachment.get_filename()) == (
        "attachment",
        "invite.ics",
    )
    attached = Calendar.from_ical(attachment.get_content())
    assert attached["method"] == method
    assert str(attached.walk("VEVENT")[0]["uid"]) == "meeting-7@copractice.example.edu"
    assert str(attached.walk("VEVENT")[0]["summary"]) == "Réunion de septembre (Riverside)"
    expected_id = hashlib.sha256(f"meeting:7:{method}".encode()).hexdigest()[:32]
    assert {name: parsed[name] for name in HEADERS} == {
        "Message-ID": f"<{expected_id}@copractice.example.edu>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-CoPractice-Key": f"meeting:7:{method}",
        "List-Unsubscribe": "<https://copractice.example.edu/unsubscribe/abc123/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "To": "someone@example.edu",
        "Subject": "[CoPractice] Hello",
    }


HEADERS = [
    "Message-ID",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
    "X-CoPractice-Key",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "To",
    "Subject",
]


def test_an_email_without_a_calendar_is_text_and_html_with_the_same_headers(mailoutbox):
    with transaction.atomic():
        _queue()
    parsed = _parsed(mailoutbox[0])
    assert _tree(parsed) == ("multipart/alternative", ["text/plain", "text/html"])
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["X-Auto-Response-Suppress"] == "All"
    assert parsed["Message-ID"] == delivery.message_id("k1")
    assert parsed["Message-ID"].endswith("@127.0.0.1>")  # the host of the default SITE_URL
    assert parsed["List-Unsubscribe"] is None


def test_a_calendar_without_a_method_is_only_attached(mailoutbox):
    ics = _calendar("REQUEST").replace("METHOD:REQUEST\r\n", "")
    with transaction.atomic():
        _queue(ics=ics)
    assert _tree(_parsed(mailoutbox[0])) == (
        "multipart/mixed",
        [("multipart/alternative", ["text/plain", "text/html"]), "application/ics"],
    )


def test_a_scheduled_meeting_invitation_reaches_clients_as_a_meeting_request(world, mailoutbox):
    """The real path: scheduling a meeting queues invitations whose calendar part is inline."""
    from meetings.services import schedule_meeting

    starts_at = timezone.now() + timedelta(days=5)
    meeting = schedule_meeting(
        campus=world.campus,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        title="Monthly meeting",
        location="Room 1",
        by=world.coordinator,
    )
    message = next(m for m in mailoutbox if m.to == [world.peer.email])
    parsed = _parsed(message)
    assert _tree(parsed) == (
        "multipart/mixed",
        [
            ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]),
            "application/ics",
        ],
    )
    inline = list(next(parsed.iter_parts()).iter_parts())[2]
    assert inline.get_param("method") == "REQUEST"
    event = Calendar.from_ical(inline.get_content()).walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.ical_uid


def test_message_id_is_the_same_for_a_resend(world, mailoutbox, settings):
    settings.SITE_URL = "https://copractice.example.edu:8443/app"
    with transaction.atomic():
        email = _queue(campus=world.campus)
    # As if the sender had lost the database right after the hand-off.
    OutboundEmail.objects.filter(pk=email.pk).update(status="uncertain")
    resend_email(email=email, by=world.coordinator)
    assert [_parsed(m)["Message-ID"] for m in mailoutbox] == 2 * [
        f"<{hashlib.sha256(b'k1').hexdigest()[:32]}@copractice.example.edu>"
    ]


# --- headers given by the caller -------------------------------------------------------------
def test_headers_are_stored_on_the_row(mailoutbox):
    with transaction.atomic():
        email = _queue(headers=UNSUBSCRIBE)
    email.refresh_from_db()
    assert email.headers == UNSUBSCRIBE


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({"List-Unsubscribe": "<https://x/>\r\nBcc: attacker@evil.test"}, "line break"),
        ({"List-Unsubscribe": "<https://x/>\nBcc: attacker@evil.test"}, "line break"),
        ({"X-Note": "a\rb"}, "line break"),
        ({"Bad Name": "x"}, "Not a valid e-mail header name"),
        ({"X-Bad:Name": "x"}, "Not a valid e-mail header name"),
        ({"Message-ID": "<x@evil.test>"}, "sets the Message-ID header itself"),
        ({"bcc": "attacker@evil.test"}, "sets the bcc header itself"),
        ({"X-Number": 3}, "must be text"),
    ],
)
def test_bad_headers_are_refused_at_queue_time(mailoutbox, headers, error):
    with pytest.raises(ValueError, match=error), transaction.atomic():
        _queue(headers=headers)
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []


# --- logs: one line per delivered e-mail, ids and kinds only ----------------------------------
def test_the_log_says_what_happened_with_ids_and_kinds_only(flaky_smtp, caplog):
    caplog.set_level(logging.INFO, logger="outbox")
    flaky_smtp(1, smtplib.SMTPRecipientsRefused({"someone@example.edu": (451, b"4.3.0 Later")}))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with transaction.atomic():
            email = _queue(subject="Private matter")
        clock.shift(timedelta(seconds=31))
        tasks.sweep()
    assert [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("outbox.")
    ] == [
        (
            "WARNING",
            f"Outbox: e-mail {email.pk} (test) attempt 1 failed: SMTPRecipientsRefused 451; "
            "retrying in 30 s",
        ),
        ("INFO", f"Outbox: e-mail {email.pk} (test) sent"),
    ]
    assert "someone@example.edu" not in caplog.text
    assert "Private matter" not in caplog.text
    assert str(email) == f"e-mail {email.pk} (test, pending)"


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
    assert tasks.sweep() == 1
    assert OutboundEmail.objects.get().status == "sent"
    assert [m.to for m in mailoutbox] == [["new@example.edu"]]


def test_a_site_admin_sends_again_from_site_admin(client, world, mailoutbox):
    """Account e-mails belong to no campus: Site admin is where they are sent again."""
    now = timezone.now()
    rows = {
        status: OutboundEmail.objects.create(
            key=f"account:{status}",
            kind="account_password_reset_key",
            to=f"{status}@example.edu",
            subject="Password reset",
            body_text="b",
            status=status,
            attempts=1,
            claimed_at=now,
            next_attempt_at=now,
            sent_at=now if status == "sent" else None,
        )
        for status in ("uncertain", "failed", "sent")
    }
    client.force_login(world.admin)
    response = client.post(
        "/admin/outbox/outboundemail/",
        {"action": "send_again", "_selected_action": [row.pk for row in rows.values()]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "2 e-mails sent again.",
        "1 e-mail not sent again: only a failed e-mail or one whose delivery is uncertain can be.",
    ]
    assert {
        status: OutboundEmail.objects.values_list("status", "resent_by").get(pk=row.pk)
        for status, row in rows.items()
    } == {
        "uncertain": ("sent", world.admin.pk),
        "failed": ("sent", world.admin.pk),
        "sent": ("sent", None),
    }
    assert sorted(m.to[0] for m in mailoutbox) == ["failed@example.edu", "uncertain@example.edu"]
