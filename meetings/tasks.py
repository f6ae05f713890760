import logging

from celery import shared_task

from . import reminders, retention

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


@shared_task(name="meetings.apply_retention")
def apply_retention_task():
    """Daily: each campus's retention setting erases the text of old case-collaboration notes
    (and minutes, where set). Logs meeting ids and counts only."""
    decisions = retention.apply_retention()
    for decision in decisions:
        logger.info(
            "Retention at %s: case notes of meetings %s, minutes of meetings %s erased",
            decision.campus.slug,
            [m.pk for m in decision.notes_meetings],
            [m.pk for m in decision.minutes_meetings],
        )
    return sum(len(d.notes_meetings) + len(d.minutes_meetings) for d in decisions)
