"""Celery with real parts: a worker consuming from Redis, and beat → broker → worker end to end."""

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings

from copractice import celery_app
from copractice.models import Heartbeat
from copractice.tasks import heartbeat

pytestmark = [pytest.mark.celery_live, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _logging_as_configured():
    """An in-process worker (start_worker) sets up logging for itself, once per process: the
    root logger's handlers and level. The tests that run after these in the same process get
    the app's configuration (settings.LOGGING) back."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    yield
    for logger, level, handlers, propagate, disabled in saved:
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate, logger.disabled = propagate, disabled


def _wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def redis_broker(redis_url):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("CELERY_BROKER_URL does not point at Redis (set REDIS_URL)")
    celery_app.conf.task_always_eager = False  # through the broker, not in-process
    yield settings.CELERY_BROKER_URL
    celery_app.conf.task_always_eager = True


def test_task_runs_on_a_real_worker(redis_broker):
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
    ):
        heartbeat.delay()
        assert _wait_for(lambda: Heartbeat.objects.filter(name="heartbeat", beats=1).exists())
    assert Heartbeat.objects.get().beats == 1


def test_beat_reaches_a_worker_process_through_redis(
    redis_broker, tmp_path, client, second_process_env
):
    """A real `celery worker --beat` process, on the test database, records heartbeats."""
    env = {
        **second_process_env,
        "CELERY_BROKER_URL": redis_broker,
        "HEARTBEAT_SECONDS": "1",
        "VAR_DIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "copractice",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=WARNING",
            f"--schedule={tmp_path / 'beat-schedule'}",
            f"--hostname=heartbeat-test@{os.getpid()}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _wait_for(
            lambda: Heartbeat.objects.filter(name="heartbeat", beats__gte=2).exists(), 60
        ), "no heartbeat within 60 s"
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    beat = Heartbeat.objects.get()
    assert beat.hostname == f"heartbeat-test@{os.getpid()}", output
    health = client.get("/health/").json()
    assert health["database"] == "ok"
    assert health["heartbeat"]["beats"] >= 2
    assert health["heartbeat"]["fresh"] is True


def test_outbox_mail_is_delivered_by_a_real_worker_despite_smtp_failures(
    redis_broker, world, settings, monkeypatch
):
    """SMTP refuses twice; the worker retries through Redis; the e-mail arrives exactly once."""
    from django.core import mail

    from members import services
    from outbox import delivery
    from outbox.models import OutboundEmail
    from tests.outbox_backends import FlakySMTPBackend

    settings.EMAIL_BACKEND = "tests.outbox_backends.FlakySMTPBackend"
    monkeypatch.setattr(FlakySMTPBackend, "failures", 2)
    monkeypatch.setattr(FlakySMTPBackend, "refused", 0)
    monkeypatch.setattr(delivery, "BACKOFF", [0.5, 0.5, 0.5])
    mail.outbox = []
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.invite_member(
            campus=world.campus,
            email="new@example.edu",
            role="peer_supporter",
            by=world.coordinator,
        )
        assert _wait_for(lambda: OutboundEmail.objects.filter(status="sent").exists())
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("sent", 3)
    assert [m.to for m in mail.outbox] == [["new@example.edu"]]


@pytest.fixture
def database_lost_after_send(redis_broker, settings, monkeypatch):
    """The mail server accepts each message; right after, the worker's PostgreSQL connection is
    cut (tests.outbox_backends.DatabaseLostAfterSendBackend)."""
    from django.core import mail
    from django.db import connection

    from outbox import delivery
    from tests.outbox_backends import DatabaseLostAfterSendBackend

    if connection.vendor != "postgresql":
        pytest.skip("cutting a worker's database connection needs PostgreSQL")
    settings.EMAIL_BACKEND = "tests.outbox_backends.DatabaseLostAfterSendBackend"
    monkeypatch.setattr(DatabaseLostAfterSendBackend, "stay_down", False)
    monkeypatch.setattr(delivery, "RECORD_PAUSES", [0.2, 0.2, 0.2], raising=False)
    mail.outbox = []
    return DatabaseLostAfterSendBackend


@pytest.fixture
def outbox_log():
    """What the outbox logs, in whichever thread (a worker sets the root logger's level)."""
    records = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: records.append(record.getMessage())
    logger = logging.getLogger("outbox")
    saved = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(saved)


def _invite(world):
    from members import services

    services.invite_member(
        campus=world.campus, email="new@example.edu", role="peer_supporter", by=world.coordinator
    )


def test_a_worker_that_loses_the_database_after_the_hand_off_sends_once(
    database_lost_after_send, world, outbox_log
):
    """The save of "sent" fails on a dead connection: the worker reconnects and records it."""
    from datetime import timedelta

    import time_machine
    from django.core import mail
    from django.utils import timezone

    from outbox import tasks
    from outbox.models import OutboundEmail

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        _invite(world)
        assert _wait_for(lambda: OutboundEmail.objects.filter(status="sent").exists())
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts, email.last_error) == ("sent", 1, "")
    assert outbox_log == [
        f"Outbox: e-mail {email.pk}: recording the outcome failed (OperationalError); "
        "reconnecting in 0.2 s",
        f"Outbox: e-mail {email.pk} (invitation) sent",
    ]
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert tasks.sweep() == 0
    assert [m.to for m in mail.outbox] == [["new@example.edu"]]


def test_a_worker_that_cannot_record_the_outcome_leaves_it_uncertain_and_never_resends_it(
    database_lost_after_send, world, client, outbox_log
):
    """The database stays unreachable for the worker: the row is left "sending"; the sweep
    makes it "delivery uncertain" instead of sending it again; the notices page offers it."""
    from datetime import timedelta

    import time_machine
    from django.core import mail
    from django.utils import timezone

    from outbox import tasks
    from outbox.models import OutboundEmail

    database_lost_after_send.stay_down = True
    finished = threading.Event()

    def on_postrun(sender=None, **kwargs):
        if sender.name == "outbox.deliver_email":
            finished.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            _invite(world)
            assert finished.wait(30)
    finally:
        task_postrun.disconnect(on_postrun)
    email = OutboundEmail.objects.get()
    retrying = (
        f"Outbox: e-mail {email.pk}: recording the outcome failed (OperationalError); "
        "reconnecting in 0.2 s"
    )
    assert outbox_log == [
        retrying,
        retrying,
        retrying,
        f"Outbox: e-mail {email.pk}: could not record the outcome (OperationalError); it stays "
        "'sending' and the sweep will mark it 'delivery uncertain'",
    ]
    assert (email.status, email.attempts) == ("sending", 1)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert tasks.sweep() == 0
    email.refresh_from_db()
    assert email.status == "uncertain"
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert tasks.sweep() == 0
    email.refresh_from_db()
    assert email.status == "uncertain"
    assert [m.to for m in mail.outbox] == [["new@example.edu"]]

    client.force_login(world.coordinator)
    html = client.get("/c/riverside/notices/").content.decode()
    assert "Delivery uncertain</span>" in html
    assert f'action="/c/riverside/notices/{email.pk}/resend/"' in html
    assert ">Send again<" in html
