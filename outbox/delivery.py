"""Delivering the outbox: build each message as mail clients expect it, send it at most once.

At most once, also when the database goes away mid-delivery: once a message is handed to the
mail server, the outcome is recorded by a conditional UPDATE that is retried on a fresh
connection. A row whose outcome could not be recorded stays "sending"; the sweep then marks it
"delivery uncertain" (`mark_uncertain`) and never sends it again by itself — a coordinator may
(`outbox.services.resend_email`).

An e-mail that can never be sent (a header with a line break, an invalid address, a permanent
refusal by the mail server) fails at once instead of being retried for hours.
"""

import hashlib
import logging
import smtplib
import time
from contextlib import suppress
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText, sanitize_address
from django.core.validators import validate_email
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from .models import UNCERTAIN_ERROR, OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status
MAX_ATTEMPTS = 8
# Seconds to wait after the n-th failed attempt.
BACKOFF = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600]
# A sender still "sending" after this long has died or could not record the outcome.
STUCK_AFTER = timedelta(minutes=10)
# Seconds the mail server may take per network operation: a send ends well before STUCK_AFTER.
SMTP_TIMEOUT = 60
# After the hand-off, recording the outcome is retried on a fresh connection after these pauses.
RECORD_PAUSES = [0.5, 1, 2, 4]
ERASED = "[This message held a personal link and was erased after delivery.]"
# Headers the outbox sets on every e-mail (build_message); a caller cannot replace them.
OWN_HEADERS = {"message-id", "auto-submitted", "x-auto-response-suppress", "x-copractice-key"}


class PermanentFailure(Exception):
    """This e-mail can never be sent as it is: retrying would only repeat the error."""


def backoff_after(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])


def message_id(key: str) -> str:
    """The same Message-ID for every sending of an e-mail, so a client shows a re-send once."""
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


# --- building the message ------------------------------------------------------------------
class OutboxMessage(EmailMultiAlternatives):
    """Django's message, with the calendar part as mail clients expect a meeting request.

    An alternative "text/calendar; method=X" becomes exactly that Content-Type with one charset
    (Django would repeat the parameters of a type given with parameters)."""

    def _create_mime_attachment(self, content, mimetype):
        if mimetype.startswith("text/calendar;"):
            part = SafeMIMEText(content, "calendar", "utf-8")
            part.replace_header("Content-Type", f"{mimetype}; charset=utf-8")
            return part
        return super()._create_mime_attachment(content, mimetype)


def calendar_method(ics: str) -> str:
    """The calendar's METHOD property (REQUEST, CANCEL, ...), or "" when it has none."""
    try:
        method = Calendar.from_ical(ics).get("method")
    except ValueError as error:
        raise PermanentFailure(f"The calendar cannot be read: {error}") from error
    return str(method).strip().upper() if method else ""


def build_message(email: OutboundEmail) -> OutboxMessage:
    """The message as it goes out. Raises PermanentFailure when it can never be sent.

    multipart/mixed[ multipart/alternative[ text/plain, text/html,
    text/calendar; method=M; charset=utf-8 ], invite.ics (application/ics) ], as Google
    Calendar's and Outlook's own invitations are built.
    """
    try:
        validate_email(email.to)
        sanitize_address(email.to, "utf-8")
    except (ValidationError, ValueError) as error:
        raise PermanentFailure(f"Invalid address: {email.to!r}") from error
    message = OutboxMessage(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        headers={
            "Message-ID": message_id(email.key),
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "X-CoPractice-Key": email.key,
            **email.headers,
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.ics:
        method = calendar_method(email.ics)
        if method:  # without a METHOD it is no meeting request: an attachment only
            message.attach_alternative(email.ics, f"text/calendar; method={method}")
        attachment = MIMEBase("application", "ics", name="invite.ics")
        attachment.set_payload(email.ics.encode())
        encoders.encode_base64(attachment)
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(attachment)
    try:
        message.message()  # every header checked now, not half-way through a conversation
    except ValueError as error:  # BadHeaderError is one
        raise PermanentFailure(f"{type(error).__name__}: {error}") from error
    return message


def is_permanent(error: Exception) -> bool:
    """Whether the mail server refused this message for good (5xx), not just for now (4xx).

    A 5xx about the set-up (authentication, the sender address) is not about this message:
    it is retried, so that mail flows again once the configuration is fixed."""
    if isinstance(error, PermanentFailure):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def _describe(error: Exception) -> str:
    """What went wrong, for a log line: the kind of error and an SMTP code, never an address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return f"{type(error).__name__} {'/'.join(codes)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    if isinstance(error, PermanentFailure) and error.__cause__ is not None:
        return f"{type(error.__cause__).__name__}"
    return type(error).__name__


def _send(message: OutboxMessage) -> None:
    backend = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT)
    backend.open()
    try:
        sent = backend.send_messages([message])
    finally:
        # Once the server has accepted the message, a failed goodbye must not make it a retry.
        with suppress(Exception):
            backend.close()
    if sent == 0:
        raise PermanentFailure("The mail backend accepted no recipient.")


# --- delivering ----------------------------------------------------------------------------
def _record(email_id: int, claimed_at, **fields) -> bool:
    """Record this sender's outcome: a conditional UPDATE, retried on a fresh connection.

    It only touches the row while this sender's claim holds, "sending" or, if the sweep gave up
    on it meanwhile, "delivery uncertain". Returns False when it could not be recorded."""
    rows = OutboundEmail.objects.filter(
        pk=email_id, claimed_at=claimed_at, status__in=[Status.SENDING, Status.UNCERTAIN]
    )
    pauses = [] if db_connection.in_atomic_block else RECORD_PAUSES
    for pause in [*pauses, None]:
        try:
            rows.update(**fields)
            return True
        except (OperationalError, InterfaceError) as error:
            if pause is None:
                logger.error(
                    "Outbox: e-mail %s: could not record the outcome (%s); it stays 'sending' "
                    "and the sweep will mark it 'delivery uncertain'",
                    email_id,
                    type(error).__name__,
                )
                return False
            logger.warning(
                "Outbox: e-mail %s: recording the outcome failed (%s); reconnecting in %s s",
                email_id,
                type(error).__name__,
                pause,
            )
            with suppress(DatabaseError):
                db_connection.close()
            time.sleep(pause)
    return False


def deliver(*, email_id: int) -> str:
    """Send one e-mail if it is due and nobody else is sending it. Returns what happened:
    skipped, sent, retry, failed, or unrecorded (sent or not, the outcome could not be saved)."""
    claimed_at = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=Status.PENDING, next_attempt_at__lte=claimed_at
    ).update(status=Status.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        _send(build_message(email))
    except Exception as error:  # refused, unreachable, malformed: see is_permanent
        permanent = is_permanent(error)
        text = (
            str(error)
            if isinstance(error, PermanentFailure)
            else f"{type(error).__name__}: {error}"
        )
        fields = {"last_error": text[:2000]}
        if permanent or email.attempts >= MAX_ATTEMPTS:
            fields["status"] = Status.FAILED
            outcome = "failed"
            logger.warning(
                "Outbox: e-mail %s (%s) failed after %s attempt%s: %s%s",
                email.pk,
                email.kind,
                email.attempts,
                "" if email.attempts == 1 else "s",
                _describe(error),
                ", permanent: not retried" if permanent else "",
            )
        else:
            delay = backoff_after(email.attempts)
            fields.update(status=Status.PENDING, next_attempt_at=timezone.now() + delay)
            outcome = "retry"
            logger.warning(
                "Outbox: e-mail %s (%s) attempt %s failed: %s; retrying in %s s",
                email.pk,
                email.kind,
                email.attempts,
                _describe(error),
                int(delay.total_seconds()),
            )
        return outcome if _record(email.pk, claimed_at, **fields) else "unrecorded"
    fields = {"status": Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    if email.sensitive:
        fields.update(body_text=ERASED, body_html=ERASED)
    if not _record(email.pk, claimed_at, **fields):
        return "unrecorded"
    logger.info("Outbox: e-mail %s (%s) sent", email.pk, email.kind)
    return "sent"


def mark_uncertain(*, limit: int = 500) -> list[int]:
    """Rows still "sending" past STUCK_AFTER belong to a sender that died or could not record
    the outcome: they may have gone out, so they become "delivery uncertain" and are not sent
    again unless a coordinator asks. Returns their ids."""
    stuck = OutboundEmail.objects.filter(
        status=Status.SENDING, claimed_at__lt=timezone.now() - STUCK_AFTER
    )
    stuck_ids = list(stuck.values_list("pk", flat=True)[:limit])
    if stuck_ids:
        stuck.filter(pk__in=stuck_ids).update(
            status=Status.UNCERTAIN,
            last_error=UNCERTAIN_ERROR,
        )
        logger.warning(
            "Outbox: e-mail %s: delivery uncertain (the sender stopped mid-send); not re-sent",
            ", ".join(map(str, stuck_ids)),
        )
    return stuck_ids


def due_ids(*, limit: int = 500) -> list[int]:
    """The pending rows whose next attempt is due, longest waiting first."""
    return list(
        OutboundEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
