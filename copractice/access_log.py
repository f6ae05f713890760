"""gunicorn's access log without secret links (gunicorn.conf.py names this class)."""

from gunicorn.glogging import Logger

from .logs import redact


class RedactingLogger(Logger):
    """Every text field of an access-log line (request line, path, query, referrer, headers)
    has its secret-link tokens replaced by [redacted]."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
