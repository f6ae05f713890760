"""Benchmark: the hourly gap check over many campuses.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/copractice_bench \
        .venv/bin/python bench/gap_check.py

Creates (once) N campuses, most with a meeting this month and next, some without, and times
`check_meeting_gaps` in dry-run and real mode; prints time and query counts. Targets: under 5 s
for 1,000 campuses, and a query count that does not grow with the campuses that need nothing.
"""

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copractice.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from meetings.models import GapReminder, Meeting  # noqa: E402
from meetings.reminders import check_meeting_gaps  # noqa: E402
from members.models import Campus, Membership, User  # noqa: E402

CAMPUSES = int(os.environ.get("BENCH_CAMPUSES", "1000"))
NEEDING = int(os.environ.get("BENCH_NEEDING", "50"))
ZONES = ["America/Toronto", "America/Vancouver", "Asia/Kolkata", "Europe/London"]
AT = datetime(2027, 3, 21, 14, 0, tzinfo=ZoneInfo("UTC"))  # upcoming stage due everywhere


@transaction.atomic
def seed():
    if Campus.objects.filter(slug__startswith="bench-").count() >= CAMPUSES:
        return
    Campus.objects.filter(slug__startswith="bench-").exists() and sys.exit(
        "A partial bench data set exists; drop the database and run again."
    )
    campuses = Campus.objects.bulk_create(
        Campus(
            slug=f"bench-{i}",
            name=f"Bench campus {i}",
            institution="Bench University",
            time_zone=ZONES[i % len(ZONES)],
        )
        for i in range(CAMPUSES)
    )
    Campus.objects.filter(slug__startswith="bench-").update(created_at=AT - timedelta(days=400))
    coordinators = User.objects.bulk_create(
        User(email=f"coord{i}@bench.example.edu", name=f"Coordinator {i}") for i in range(CAMPUSES)
    )
    Membership.objects.bulk_create(
        Membership(user=u, campus=c, role="coordinator")
        for u, c in zip(coordinators, campuses, strict=True)
    )
    meetings = []
    for i, campus in enumerate(campuses):
        if i < NEEDING:
            continue  # these campuses have no meeting in March or April
        tz = ZoneInfo(campus.time_zone)
        for month in (3, 4):
            start = datetime(2027, month, 10, 17, 0, tzinfo=tz)
            meetings.append(
                Meeting(
                    campus=campus,
                    title="Community of practice",
                    location="Room 1",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                )
            )
    Meeting.objects.bulk_create(meetings)


def measure(label, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        decisions = check_meeting_gaps(at=AT, **kwargs)
        elapsed = time.perf_counter() - started
    sent = sum(d.outcome in {"sent", "would send"} for d in decisions)
    print(f"{label:<34} {elapsed:7.3f} s {len(queries):6d} queries  {sent:5d} reminders")


def main():
    call_command("migrate", verbosity=0)
    seed()
    GapReminder.objects.filter(campus__slug__startswith="bench-").delete()
    print(f"{connection.vendor}, {Campus.objects.count()} campuses, {NEEDING} without a meeting")
    measure("dry run (decide only)", dry_run=True)
    measure("first run (sends)")
    measure("second run (all already sent)")


if __name__ == "__main__":
    main()
