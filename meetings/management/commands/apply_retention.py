from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.management.instant import add_at_argument, instant
from meetings.retention import apply_retention


class Command(BaseCommand):
    @property
    def help(self):
        """In the active language (argparse needs a str, not a lazy translation)."""
        return _(
            "Erase the text of case-collaboration notes (and of minutes, where the campus sets it) "
            "older than each campus's retention setting (the daily job, run by hand)."
        )

    def add_arguments(self, parser):
        add_at_argument(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print what would be erased; change nothing."),
        )

    def handle(self, *args, at=None, dry_run=False, **options):
        when = instant(at)
        decisions = apply_retention(now=when, dry_run=dry_run)
        heading = _("Retention at %(when)s (dry run):") if dry_run else _("Retention at %(when)s:")
        self.stdout.write(heading % {"when": when.isoformat()})
        for decision in decisions:
            campus = decision.campus
            for kind, before, meetings in (
                ("notes", decision.notes_before, decision.notes_meetings),
                ("minutes", decision.minutes_before, decision.minutes_meetings),
            ):
                if not meetings:
                    continue
                values = {
                    "campus": campus.slug,
                    "count": len(meetings),
                    "before": before.isoformat(),
                }
                self.stdout.write("  " + _retention_line(kind, dry_run, len(meetings)) % values)
                for meeting in meetings:
                    start = timezone.localtime(meeting.starts_at, campus.tz)
                    self.stdout.write(f"    {start:%Y-%m-%d} {meeting.title} (#{meeting.pk})")
        if not decisions:
            self.stdout.write("  " + _("nothing to erase"))


def _retention_line(kind: str, dry_run: bool, count: int) -> str:
    """One campus's line, with %(campus)s, %(count)s and %(before)s to fill in."""
    if kind == "notes" and dry_run:
        return ngettext(
            "%(campus)s: would erase the case-collaboration notes of %(count)s meeting "
            "before %(before)s:",
            "%(campus)s: would erase the case-collaboration notes of %(count)s meetings "
            "before %(before)s:",
            count,
        )
    if kind == "notes":
        return ngettext(
            "%(campus)s: erased the case-collaboration notes of %(count)s meeting "
            "before %(before)s:",
            "%(campus)s: erased the case-collaboration notes of %(count)s meetings "
            "before %(before)s:",
            count,
        )
    if dry_run:
        return ngettext(
            "%(campus)s: would erase the minutes of %(count)s meeting before %(before)s:",
            "%(campus)s: would erase the minutes of %(count)s meetings before %(before)s:",
            count,
        )
    return ngettext(
        "%(campus)s: erased the minutes of %(count)s meeting before %(before)s:",
        "%(campus)s: erased the minutes of %(count)s meetings before %(before)s:",
        count,
    )
