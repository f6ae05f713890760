"""Celery with real parts: a worker consuming from Redis, and beat → broker → worker end to end."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from copractice import celery_app
from copractice.models import Heartbeat
from copractice.tasks import heartbeat

pytestmark = [pytest.mark.celery_live, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


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

    from copractice import outbox
    from copractice.models import OutboundEmail
    from members import services
    from tests.outbox_backends import FlakySMTPBackend

    settings.EMAIL_BACKEND = "tests.outbox_backends.FlakySMTPBackend"
    monkeypatch.setattr(FlakySMTPBackend, "failures", 2)
    monkeypatch.setattr(FlakySMTPBackend, "refused", 0)
    monkeypatch.setattr(outbox, "BACKOFF", [0.5, 0.5, 0.5])
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
