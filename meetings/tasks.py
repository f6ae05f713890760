import logging

from celery import shared_task

from . import reminders

logger = logging.getLogger(__name__)


@shared_task(name="meetings.check_meeting_gaps")
def check_meeting_gaps_task():
    """Hourly: each campus, in its own time zone, gets the gap reminders now due. Returns and
    logs what was sent, with user ids and counts (never addresses)."""
    sent = [
        str(decision) for decision in reminders.check_meeting_gaps() if decision.outcome == "sent"
    ]
    for line in sent:
        logger.info("Gap reminder %s", line)
    return sent


@shared_task(name="meetings.send_meeting_reminders")
def send_meeting_reminders_task():
    return reminders.send_meeting_reminders()


@shared_task(name="meetings.send_presence_nudges")
def send_presence_nudges_task():
    return reminders.send_presence_nudges()
