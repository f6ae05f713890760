"""The e-mail outbox: queue in the cause's transaction, deliver after commit, at most once.

A broker outage or an SMTP failure delays mail but loses none: the row stays pending and the
periodic sweep dispatches it again; the conditional claim makes a second dispatch harmless.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Seconds to wait after the n-th failed attempt.
BACKOFF = [30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600]
STUCK_AFTER = timedelta(minutes=10)
ERASED = "[This message held a personal link and was erased after delivery.]"


def backoff_after(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])


def queue_email(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    campus=None,
    user=None,
    ics: str = "",
    sensitive: bool = False,
) -> OutboundEmail | None:
    """Render `<template>.txt` and `.html` and queue them (see `queue_message`)."""
    context = {**context, "site_url": settings.SITE_URL, "campus": campus}
    return queue_message(
        key=key,
        kind=kind,
        to=to,
        subject=f"[CoPractice] {subject}",
        body_text=render_to_string(f"{template}.txt", context),
        body_html=render_to_string(f"{template}.html", context),
        campus=campus,
        user=user,
        ics=ics,
        sensitive=sensitive,
    )


def queue_message(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    campus=None,
    user=None,
    ics: str = "",
    sensitive: bool = False,
) -> OutboundEmail | None:
    """Write the e-mail to the outbox (once per key) and deliver it after the commit.

    Call it inside the transaction of the change that causes it. Returns None when an e-mail
    with this key exists already.
    """
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                key=key,
                kind=kind,
                campus=campus,
                user=user,
                to=to,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                ics=ics,
                sensitive=sensitive,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: dispatch(email.pk))
    return email


def dispatch(email_id: int) -> None:
    """Hand delivery to a worker; if the broker is unreachable, the sweep does it later."""
    from .tasks import deliver_email

    try:
        deliver_email.apply_async(kwargs={"email_id": email_id}, retry=False)
    except Exception as error:  # any broker failure: the row is safe in the database
        logger.warning("Outbox: could not dispatch e-mail %s (%s); the sweep will", email_id, error)


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        headers={"X-CoPractice-Key": email.key},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.ics:
        method = "CANCEL" if "METHOD:CANCEL" in email.ics else "REQUEST"
        message.attach("meeting.ics", email.ics, f"text/calendar; method={method}; charset=utf-8")
    return message


def deliver(*, email_id: int) -> str:
    """Send one e-mail if it is due and nobody else is sending it. Returns what happened."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now
    ).update(status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        _message(email).send()
    except Exception as error:  # SMTP refused, network down, ...: try again later
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = OutboundEmail.Status.FAILED
            outcome = "failed"
        else:
            email.status = OutboundEmail.Status.PENDING
            email.next_attempt_at = timezone.now() + backoff_after(email.attempts)
            outcome = "retry"
        email.save(update_fields=["status", "last_error", "next_attempt_at"])
        logger.warning("Outbox: e-mail %s attempt %s failed: %s", email.pk, email.attempts, error)
        return outcome
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    fields = ["status", "sent_at", "last_error"]
    if email.sensitive:
        email.body_text = email.body_html = ERASED
        fields += ["body_text", "body_html"]
    email.save(update_fields=fields)
    return "sent"


def sweep(*, limit: int = 500) -> int:
    """Re-dispatch what is due; release rows whose sender died mid-send. Returns how many."""
    now = timezone.now()
    OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
    ).update(status=OutboundEmail.Status.PENDING)
    due = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for email_id in due:
        dispatch(email_id)
    return len(due)
