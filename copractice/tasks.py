from celery import shared_task

from .services import record_heartbeat


@shared_task(name="copractice.heartbeat", bind=True)
def heartbeat(self):
    record_heartbeat(name="heartbeat", hostname=self.request.hostname or "")
