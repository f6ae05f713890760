"""The `--at` option of the periodic jobs' commands: decide as if it were this instant."""

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

EXAMPLE = "2026-12-01T09:00:00-05:00"


def add_at_argument(parser) -> None:
    parser.add_argument(
        "--at",
        help=_("Decide as if it were this instant (ISO 8601, e.g. %(example)s).")
        % {"example": EXAMPLE},
    )


def instant(at: str | None) -> datetime:
    """Now, or the instant `--at` gives: with a UTC offset, between the years 2000 and 2100."""
    if not at:
        return timezone.now()
    try:
        when = datetime.fromisoformat(at)
    except ValueError as error:
        raise CommandError(
            _("--at: %(error)s. Example: %(example)s") % {"error": error, "example": EXAMPLE}
        ) from error
    if timezone.is_naive(when):
        raise CommandError(_("--at needs a UTC offset, e.g. %(example)s") % {"example": EXAMPLE})
    if not 2000 <= when.year <= 2100:
        raise CommandError(_("--at must be between the years 2000 and 2100."))
    return when
