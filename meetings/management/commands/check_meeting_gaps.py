from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.reminders import check_meeting_gaps


class Command(BaseCommand):
    help = (
        "Remind coordinators of months without a community-of-practice meeting "
        "(the hourly job, run by hand)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Decide as if it were this instant (ISO 8601).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the decisions (who would be told, by user id); send nothing.",
        )

    def handle(self, *args, at=None, dry_run=False, **options):
        when = timezone.now()
        if at:
            try:
                when = datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(f"--at: {error}. Example: 2026-12-01T09:00:00-05:00") from error
            if timezone.is_naive(when):
                raise CommandError("--at needs a UTC offset, e.g. 2026-12-01T09:00:00-05:00")
        decisions = check_meeting_gaps(at=when, dry_run=dry_run)
        self.stdout.write(f"Meeting gaps at {when.isoformat()}{' (dry run)' if dry_run else ''}:")
        for decision in decisions:
            self.stdout.write(f"  {decision}")
        if not decisions:
            self.stdout.write("  no campuses")
