"""The outbox's tasks, and the one way to hand an e-mail to a worker (`dispatch`).

A broker outage or an SMTP failure delays mail but loses none: the row stays pending and the
periodic sweep dispatches it again; the conditional claim in `delivery.deliver` makes a second
dispatch harmless."""

import logging

from celery import shared_task

from . import delivery
from .models import OutboundEmail

logger = logging.getLogger(__name__)


@shared_task(name="outbox.deliver_email", bind=True, max_retries=delivery.MAX_ATTEMPTS)
def deliver_email(self, *, email_id):
    """Deliver one outbox row; a temporary failure comes back after the back-off. The result
    is a word (sent, retry, failed, skipped, unrecorded), never an address."""
    outcome = delivery.deliver(email_id=email_id)
    if outcome == "retry":
        email = OutboundEmail.objects.only("attempts").get(pk=email_id)
        raise self.retry(countdown=delivery.backoff_after(email.attempts).total_seconds())
    return outcome


@shared_task(name="outbox.sweep_outbox")
def sweep_outbox():
    return sweep()


def dispatch(*, email_id: int) -> None:
    """Hand delivery to a worker; if the broker is unreachable, the sweep does it later."""
    try:
        deliver_email.apply_async(kwargs={"email_id": email_id}, retry=False)
    except Exception as error:  # any broker failure: the row is safe in the database
        logger.warning("Outbox: could not dispatch e-mail %s (%s); the sweep will", email_id, error)


def sweep(*, limit: int = 500) -> int:
    """Mark what a dead sender left behind as delivery uncertain, and dispatch what is due.
    Returns how many were dispatched."""
    delivery.mark_uncertain(limit=limit)
    due = delivery.due_ids(limit=limit)
    for email_id in due:
        dispatch(email_id=email_id)
    return len(due)
