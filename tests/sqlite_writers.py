"""Two writers on one SQLite file, as under `make run`: the web process and the Celery worker.

Run by tests/test_sqlite_concurrency.py as separate processes on the real settings
(`python -m tests.sqlite_writers web|worker ...` with DATABASE_URL naming a file):

- `web COUNT`: a coordinator schedules COUNT meetings back to back through the real form
  (Django's test client, the whole middleware stack); each one writes the meeting, its
  attendance and its outbox rows in one transaction that reads before it writes.
- `worker STOP_FILE`: what the worker does meanwhile, until STOP_FILE exists: delivers the
  pending outbox rows and records heartbeats. It creates STOP_FILE.ready once it writes.

Each prints one JSON line: how many writes succeeded and the errors it met.
"""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path


def web(count: int) -> dict:
    from django.test import Client

    from members.models import User

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email="coordinator@example.edu"))
    first_day = dt.date.today() + dt.timedelta(days=400)
    statuses = []
    for n in range(count):
        response = client.post(
            "/c/riverside/meetings/new/",
            {
                "title": f"Back-to-back meeting {n}",
                "day": (first_day + dt.timedelta(days=n)).isoformat(),
                "start_time": "17:00",
                "end_time": "18:30",
                "location": "Room 101",
                "agenda": "guidance",
            },
        )
        statuses.append(response.status_code)
    errors = [status for status in statuses if status != 302]
    return {"ok": len(statuses) - len(errors), "errors": errors}


def worker(stop_file: str) -> dict:
    from django.db import OperationalError

    from copractice.services import record_heartbeat
    from outbox import delivery
    from outbox.models import OutboundEmail

    ok, errors = 0, []
    Path(f"{stop_file}.ready").touch()
    while not Path(stop_file).exists():
        try:
            record_heartbeat(name="heartbeat", hostname="worker")
            ok += 1
            pending = OutboundEmail.objects.filter(status="pending").values_list("pk", flat=True)
            for email_id in list(pending[:20]):
                delivery.deliver(email_id=email_id)
                ok += 1
        except OperationalError as error:
            errors.append(str(error))
        time.sleep(0.005)
    return {"ok": ok, "errors": errors}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copractice.settings")
    import django

    django.setup()
    role, argument = sys.argv[1], sys.argv[2]
    result = web(int(argument)) if role == "web" else worker(argument)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
