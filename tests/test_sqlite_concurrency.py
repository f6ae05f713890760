"""The embedded database under `make run`: the web process and the worker write to one SQLite
file at the same time, and no request fails with "database is locked".

pytest-django's SQLite test database lives in memory, in this process only: this test runs the
real settings in two other processes on a file database of its own (tests/sqlite_writers.py).
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = 40


def _env(folder: Path) -> dict:
    dropped = {
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "COPRACTICE_TESTING",
    }
    return {
        **{k: v for k, v in os.environ.items() if k not in dropped},
        "ENV_FILE": "",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "VAR_DIR": str(folder),
        "ALLOWED_HOSTS": "testserver",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "CRITICAL",
    }


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A migrated SQLite file with the demo campus, made once and copied for each test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=_env(folder),
            check=True,
            capture_output=True,
            timeout=180,
        )
    return folder / "db.sqlite3"


def _writer(role: str, argument: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sqlite_writers", role, argument],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen, timeout: float) -> dict:
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr[-3000:]
    return json.loads(stdout.strip().splitlines()[-1])


def test_requests_and_the_worker_write_to_sqlite_without_locking_errors(demo_database, tmp_path):
    shutil.copy(demo_database, tmp_path / "db.sqlite3")
    env = _env(tmp_path)
    stop, ready = tmp_path / "stop", tmp_path / "stop.ready"
    worker = _writer("worker", str(stop), env)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), worker.stderr.read() if worker.poll() is not None else "no start"
        web = _writer("web", str(MEETINGS), env)
        web_result = _result(web, timeout=300)
    finally:
        stop.touch()
        worker_result = _result(worker, timeout=60)
    assert web_result == {"ok": MEETINGS, "errors": []}
    assert worker_result["errors"] == []
    # The worker really wrote meanwhile: heartbeats, and the e-mails of the meetings.
    assert worker_result["ok"] > 100
