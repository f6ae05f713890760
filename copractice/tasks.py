from celery import shared_task

from . import outbox
from .services import record_heartbeat


@shared_task(name="copractice.heartbeat", bind=True)
def heartbeat(self):
    record_heartbeat(name="heartbeat", hostname=self.request.hostname or "")


@shared_task(name="copractice.deliver_email", bind=True, max_retries=outbox.MAX_ATTEMPTS)
def deliver_email(self, *, email_id):
    """Deliver one outbox row; a temporary failure comes back after the back-off. The result
    is a word (sent, retry, failed, skipped, unrecorded), never an address."""
    outcome = outbox.deliver(email_id=email_id)
    if outcome == "retry":
        email = outbox.OutboundEmail.objects.only("attempts").get(pk=email_id)
        raise self.retry(countdown=outbox.backoff_after(email.attempts).total_seconds())
    return outcome


@shared_task(name="copractice.sweep_outbox")
def sweep_outbox():
    return outbox.sweep()
