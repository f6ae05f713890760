"""What a value must look like, for every app (members is the lowest one): text that stays on
one line, dates the calendar arithmetic can work with, secret tokens in addresses."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every character `str.splitlines` breaks a line at: a title with any of them could end up as
# two lines of an e-mail header, a subject or a calendar entry.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def validate_single_line(value) -> None:
    """Refuse line and paragraph breaks in a one-line field (a title, a name, a place)."""
    if value and not LINE_BREAKS.isdisjoint(str(value)):
        raise ValidationError(
            _("Keep this on one line: remove the line breaks."), code="single_line"
        )


# Meetings and reports work in this range, well inside what dates and time zones can express
# (a date near year 1 or 9999 cannot be turned into UTC or moved by a day).
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Choose a date between 2000 and 2100.")


def validate_date_in_range(value) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")


class TokenConverter:
    """A secret token in an address (a calendar feed, a one-click respond link, an invitation):
    URL-safe base64 and the signer's separators only, so that anything else (a NUL byte, a space,
    a very long string) is a 404 before any query."""

    regex = r"[A-Za-z0-9_\-.:]{1,512}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
