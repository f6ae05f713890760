from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Erase the text of case-collaboration notes (and of minutes, where the campus sets it) "
        "older than each campus's retention setting (the daily job, run by hand)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Decide as if it were this instant (ISO 8601).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be erased; change nothing.",
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
            if not 2000 <= when.year <= 2100:
                raise CommandError("--at must be between the years 2000 and 2100.")
        decisions = apply_retention(now=when, dry_run=dry_run)
        verb = "would erase" if dry_run else "erased"
        self.stdout.write(f"Retention at {when.isoformat()}{' (dry run)' if dry_run else ''}:")
        for decision in decisions:
            campus = decision.campus
            for label, before, meetings in (
                ("case-collaboration notes", decision.notes_before, decision.notes_meetings),
                ("minutes", decision.minutes_before, decision.minutes_meetings),
            ):
                if not meetings:
                    continue
                self.stdout.write(
                    f"  {campus.slug}: {verb} the {label} of {len(meetings)} meeting(s) "
                    f"before {before.isoformat()}:"
                )
                for meeting in meetings:
                    start = timezone.localtime(meeting.starts_at, campus.tz)
                    self.stdout.write(f"    {start:%Y-%m-%d} {meeting.title} (#{meeting.pk})")
        if not decisions:
            self.stdout.write("  nothing to erase")
