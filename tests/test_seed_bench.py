from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from copractice.management.commands.seed_bench import BENCH_PASSWORD
from meetings.models import ActionItem, AgendaItem, Attendance, CalendarFeed, Meeting, Minutes
from members.models import Campus, Membership

pytestmark = pytest.mark.django_db

TINY = {"campuses": 2, "members": 4, "meetings": 3}


def seed(**shape):
    out = StringIO()
    call_command("seed_bench", "--size", "network", **{**TINY, **shape}, stdout=out)
    return out.getvalue()


def snapshot():
    """Counts, and the first rows by natural keys (primary keys differ between databases)."""
    models = [
        Campus, get_user_model(), EmailAddress, CalendarFeed, Membership, Meeting, AgendaItem,
        Attendance, Minutes, ActionItem,
    ]  # fmt: skip
    return {
        "counts": [m.objects.count() for m in models],
        "users": list(get_user_model().objects.order_by("email").values_list("email", "name")[:5]),
        "feeds": list(CalendarFeed.objects.order_by("user__email").values_list("token")[:3]),
        "meetings": list(
            Meeting.objects.order_by("campus__slug", "starts_at").values_list(
                "campus__slug", "starts_at", "ends_at", "title"
            )[:4]
        ),
        "agenda": list(
            AgendaItem.objects.order_by(
                "meeting__campus__slug", "meeting__starts_at", "position"
            ).values_list("position", "kind", "topic__title", "facilitator__email")[:6]
        ),
        "attendance": list(
            Attendance.objects.order_by(
                "meeting__campus__slug", "meeting__starts_at", "user__email"
            ).values_list("user__email", "response", "responded_at", "presence")[:8]
        ),
    }


def test_seed_bench_is_deterministic():
    runs = []
    for _ in range(2):
        with transaction.atomic():
            seed()
            runs.append(snapshot())
            transaction.set_rollback(True)  # back to an empty database for the next run
    assert Campus.objects.count() == 0
    assert runs[0] == runs[1]
    assert runs[0]["counts"] == [2, 8, 8, 8, 8, 6, 26, 24, 6, 12]


def test_seed_bench_runs_once_and_its_logins_work(client):
    first = seed()
    counts = snapshot()["counts"]
    again = seed()
    assert "seeded bench-2" in first
    assert "already seeded" in again
    assert snapshot()["counts"] == counts
    assert client.login(email="coordinator@bench-1.example.edu", password=BENCH_PASSWORD)


def test_seed_bench_adds_missing_campuses_and_refuses_a_bigger_database():
    seed(campuses=1)
    assert list(Campus.objects.values_list("slug", flat=True)) == ["bench-1"]
    assert "seeded bench-2" in seed(campuses=2)
    assert Meeting.objects.filter(campus__slug="bench-2").count() == 3
    with pytest.raises(CommandError, match="more bench campuses"):
        seed(campuses=1)


def test_seed_bench_records_past_meetings_as_held():
    seed(campuses=1)
    meetings = Meeting.objects.order_by("starts_at")
    assert all(hasattr(m, "minutes") for m in meetings)
    assert not Attendance.objects.filter(presence="unrecorded").exists()
    assert Attendance.objects.exclude(response="no_response").filter(responded_at=None).count() == 0
    assert Meeting.history.count() == 3
