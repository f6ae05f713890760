from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from meetings.management.instant import add_at_argument, instant
from meetings.reminders import check_meeting_gaps


class Command(BaseCommand):
    @property
    def help(self):
        """In the active language (argparse needs a str, not a lazy translation)."""
        return _(
            "Remind coordinators of months without a community-of-practice meeting "
            "(the hourly job, run by hand)."
        )

    def add_arguments(self, parser):
        add_at_argument(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print the decisions (who would be told, by user id); send nothing."),
        )

    def handle(self, *args, at=None, dry_run=False, **options):
        when = instant(at)
        decisions = check_meeting_gaps(at=when, dry_run=dry_run)
        heading = (
            _("Meeting gaps at %(when)s (dry run):") if dry_run else _("Meeting gaps at %(when)s:")
        )
        self.stdout.write(heading % {"when": when.isoformat()})
        # The decisions are the lines the hourly job logs: in English, as every log line.
        for decision in decisions:
            self.stdout.write(f"  {decision}")
        if not decisions:
            self.stdout.write("  " + _("no campuses"))
