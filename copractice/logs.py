"""What the logs may say: secret links redacted, client errors in one line.

Calendar feeds (`/calendar/<token>.ics`), invitations (`/invitations/<token>/`), one-click
answers (`/respond/<token>/`) and links that stop e-mails (`/stop-emails/<token>/`) carry their
secret in the path: whoever reads a log line with it can read the person's calendar, accept
their invitation, answer or stop their e-mails for them. Django's loggers go
through `RedactSecretLinks` (settings.LOGGING); gunicorn's access log through
`copractice.access_log.RedactingLogger` (gunicorn.conf.py).
"""

import logging
import re

REDACTED = "[redacted]"
SECRET_PREFIXES = ("calendar", "invitations", "respond", "stop-emails")

# A secret-link path wherever it appears: a request line ("GET /respond/x/ HTTP/1.1"), a
# message ("Not Found: /respond/x/"), a full URL (a referrer) or a query (?next=/respond/x/).
# Only at the root of a path, so that /c/<campus>/meetings/<pk>/respond/ is left alone.
_SECRET_LINK = re.compile(
    r"(?P<lead>^|[\s\"'=(]|//[^/\s\"']+)"
    r"(?P<prefix>/(?:" + "|".join(map(re.escape, SECRET_PREFIXES)) + r")/)"
    r"(?P<token>[^/\s?#\"']+?)"
    r"(?P<suffix>\.ics)?"
    r"(?=[/\s?#\"')]|$)"
)


def redact(text: str) -> str:
    """`text` with the token of every secret link replaced by [redacted]."""
    if not any(f"/{prefix}/" in text for prefix in SECRET_PREFIXES):
        return text
    return _SECRET_LINK.sub(
        lambda m: f"{m['lead']}{m['prefix']}{REDACTED}{m['suffix'] or ''}",
        text,
    )


def is_secret_link(path: str) -> bool:
    """Whether a request path is one of the secret links."""
    return redact(path) != path


class RedactSecretLinks(logging.Filter):
    """Redact secret links from every record a handler writes (message and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class NoTracebackForClientErrors(logging.Filter):
    """Django logs a refused request (403, 404, 400...) with the exception's traceback: an
    ordinary event for the app, not a fault in it. Keep the one line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
