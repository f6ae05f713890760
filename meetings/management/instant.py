"""The `--at` option of the periodic jobs' commands: decide as if it were this instant."""

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone

EXAMPLE = "2026-12-01T09:00:00-05:00"


def add_at_argument(parser) -> None:
    parser.add_argument(
        "--at", help=f"Decide as if it were this instant (ISO 8601, e.g. {EXAMPLE})."
    )


def instant(at: str | None) -> datetime:
    """Now, or the instant `--at` gives: with a UTC offset, between the years 2000 and 2100."""
    if not at:
        return timezone.now()
    try:
        when = datetime.fromisoformat(at)
    except ValueError as error:
        raise CommandError(f"--at: {error}. Example: {EXAMPLE}") from error
    if timezone.is_naive(when):
        raise CommandError(f"--at needs a UTC offset, e.g. {EXAMPLE}")
    if not 2000 <= when.year <= 2100:
        raise CommandError("--at must be between the years 2000 and 2100.")
    return when
