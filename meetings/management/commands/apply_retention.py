from django.core.management.base import BaseCommand
from django.utils import timezone

from meetings.management.instant import add_at_argument, instant
from meetings.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Erase the text of case-collaboration notes (and of minutes, where the campus sets it) "
        "older than each campus's retention setting (the daily job, run by hand)."
    )

    def add_arguments(self, parser):
        add_at_argument(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be erased; change nothing.",
        )

    def handle(self, *args, at=None, dry_run=False, **options):
        when = instant(at)
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
