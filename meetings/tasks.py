from celery import shared_task

from .reminders import check_meeting_gaps


@shared_task(name="meetings.check_meeting_gaps")
def check_meeting_gaps_task():
    """Hourly: each campus, in its own time zone, gets the gap reminders now due."""
    return [str(decision) for decision in check_meeting_gaps() if decision.outcome == "sent"]
