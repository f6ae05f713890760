"""The embedded broker (`make run`): the worker reads messages while the web process writes them,
and never reads half a message (which stops kombu's own filesystem transport for good)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = 1500
ROUNDS = 3


def _client(role: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.broker_clients", role, str(MESSAGES)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_worker_reads_whole_messages_while_they_are_written(tmp_path):
    dropped = {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "COPRACTICE_TESTING"}
    results = []
    for round_ in range(ROUNDS):
        env = {
            **{k: v for k, v in os.environ.items() if k not in dropped},
            "ENV_FILE": "",
            "DEBUG": "true",
            "VAR_DIR": str(tmp_path / str(round_)),
        }
        consumer = _client("consume", env)
        assert consumer.stdout.readline().strip() == "ready", consumer.stderr.read()
        producer = _client("produce", env)
        assert producer.wait(timeout=120) == 0, producer.stderr.read()
        stdout, stderr = consumer.communicate(timeout=120)
        assert consumer.returncode == 0, stderr
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    assert results == [{"received": MESSAGES, "error": None}] * ROUNDS
