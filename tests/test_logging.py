"""The logs: one line for a refused request, no per-task chatter from Celery, no kombu warning
under `make run`, and no secret link in any line (Django's loggers and gunicorn's access log)."""

import io
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from copractice.logs import REDACTED, RedactSecretLinks, redact

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def console():
    """What the configured console handler (settings.LOGGING) writes during the test."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretLinks) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_refused_request_logs_one_line_without_traceback(peer_client, console):
    response = peer_client.get("/c/riverside/meetings/new/")
    assert response.status_code == 403
    lines = console.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "WARNING django.request Forbidden (Permission denied): /c/riverside/meetings/new/"
    ]


def test_django_records_go_through_one_handler():
    """Django's defaults would print each django.* record twice under DEBUG (its own console
    handler, then ours) and runserver's request lines past our filters."""
    assert [type(h).__name__ for h in logging.getLogger("django").handlers] == ["AdminEmailHandler"]
    assert logging.getLogger("django.server").handlers == []
    assert logging.getLogger("django.server").propagate is True


def test_celery_logs_no_line_per_task_but_the_outbox_logs_each_email():
    for name in ("celery.worker.strategy", "celery.app.trace", "celery.beat"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
    assert logging.getLogger("outbox").isEnabledFor(logging.INFO)


def test_the_embedded_broker_connects_without_warnings(tmp_path):
    """kombu warned "No hostname was supplied" on every connection to filesystem://."""
    dropped = {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "COPRACTICE_TESTING"}
    code = (
        "from copractice import celery_app\n"
        "with celery_app.connection_for_write() as connection:\n"
        "    connection.ensure_connection(max_retries=1)\n"
        "    print(connection.as_uri())\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in dropped},
            "ENV_FILE": "",
            "DEBUG": "true",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "copractice-filesystem://:**@localhost//"
    assert result.stderr == ""


# --- secret links -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"GET /calendar/Zk3-xQ_9.ics HTTP/1.1" 200 512',
            f'"GET /calendar/{REDACTED}.ics HTTP/1.1" 200 512',
        ),
        ("Not Found: /invitations/aB3dE5/", f"Not Found: /invitations/{REDACTED}/"),
        (
            "Bad Request: /respond/a1b2c3/?answer=attending",
            f"Bad Request: /respond/{REDACTED}/?answer=attending",
        ),
        (
            "https://copractice.example.edu/respond/a1b2c3/",
            f"https://copractice.example.edu/respond/{REDACTED}/",
        ),
        ("next=/invitations/aB3dE5/", f"next=/invitations/{REDACTED}/"),
        (
            '"POST /stop-emails/eyJ1Ijo:1x:sig/ HTTP/1.1" 200',
            f'"POST /stop-emails/{REDACTED}/ HTTP/1.1" 200',
        ),
        # Not secret links: the campus's own pages keep their paths.
        ("POST /c/riverside/meetings/12/respond/", "POST /c/riverside/meetings/12/respond/"),
        ("/c/riverside/invitations/5/resend/", "/c/riverside/invitations/5/resend/"),
        ("GET /meetings/calendar/reset/", "GET /meetings/calendar/reset/"),
    ],
)
def test_secret_links_are_redacted(text, expected):
    assert redact(text) == expected


def test_django_log_lines_have_no_secret_links(client, db, console):
    client.get("/calendar/a-secret-feed-token.ics")
    client.get("/respond/a-secret-answer-token/")
    client.get("/invitations/a-secret-invitation-token/")
    output = console.getvalue()
    assert "secret" not in output
    assert output.count(REDACTED) == 3


def test_runserver_request_lines_have_no_secret_links(console):
    """runserver logs its request lines through django.server, with the path in the arguments."""
    logging.getLogger("django.server").warning(
        '"%s" %s %s', "GET /respond/a-secret-answer-token/ HTTP/1.1", "400", "1825"
    )
    assert console.getvalue().split(" ", 2)[2] == (
        f'WARNING django.server "GET /respond/{REDACTED}/ HTTP/1.1" 400 1825\n'
    )


def test_gunicorn_access_log_has_no_secret_links():
    """The web service's gunicorn.conf.py names a logger class that redacts the access log."""
    from gunicorn.config import Config

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("logger_class", conf["logger_class"])
    config.set("accesslog", "-")
    logger = config.logger_class(config)
    stream = io.StringIO()
    logger.access_log.handlers[0].stream = stream

    class Response:
        status = "200 OK"
        response_length = 512
        headers = ()
        sent = 512

    class Request:
        headers = [("REFERER", "https://copractice.example.edu/invitations/a-secret-token/")]
        method, path, query, version = "GET", "/calendar/a-secret-token.ics", "", (1, 1)
        uri = "/calendar/a-secret-token.ics"

    environ = {
        "REMOTE_ADDR": "203.0.113.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/calendar/a-secret-token.ics",
        "PATH_INFO": "/calendar/a-secret-token.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://copractice.example.edu/invitations/a-secret-token/",
    }
    from datetime import timedelta

    logger.access(Response(), Request(), environ, timedelta(milliseconds=12))
    line = stream.getvalue()
    assert "secret" not in line
    assert f'"GET /calendar/{REDACTED}.ics HTTP/1.1" 200 512' in line
    assert f'"https://copractice.example.edu/invitations/{REDACTED}/"' in line
