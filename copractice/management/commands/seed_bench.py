"""Benchmark data: campuses at a realistic size, the same every time (bench/run.py uses it).

    python manage.py seed_bench --size campus    # 1 campus x 200 members x 60 monthly meetings
    python manage.py seed_bench --size network   # 20 such campuses (about 240,000 attendances)

Each campus `bench-<n>` is built from its own fixed random seed and fixed dates (monthly
meetings from March 2022 to February 2027, the second Tuesday at 17:00 in the campus's time
zone), so campus 1 is identical at both sizes and seeding "network" after "campus" only adds
campuses 2-20. Rows are written directly with bulk_create, as they would stand after people
responded and coordinators recorded presence and minutes: no services, so no e-mail and no
history rows (except each meeting's "scheduled" record, which the meeting page reads). Running
it again changes nothing. Every bench user's password is BENCH_PASSWORD.
"""

import argparse
import datetime as dt
import hashlib
import random
import zoneinfo

from allauth.account.models import EmailAddress
from dateutil.relativedelta import TU, relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarFeed,
    CaseCollaborationNotes,
    DiscussionSuggestion,
    Meeting,
    Minutes,
)
from members.models import Campus, Membership
from training.models import Topic

BENCH_PASSWORD = "copractice-bench"
SIZES = {
    "campus": {"campuses": 1, "members": 200, "meetings": 60},
    "network": {"campuses": 20, "members": 200, "meetings": 60},
}
FIRST_MONTH = dt.date(2022, 3, 1)
# Responses are given and presence recorded as of this moment; later meetings are "upcoming"
# in the data (no presence), whatever today's date is.
RECORDED_UNTIL = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
ZONES = ["America/Toronto", "America/Vancouver", "America/Halifax", "America/Edmonton"]
FIRST_NAMES = [
    "Amara", "Ben", "Chloé", "Dev", "Elif", "Finn", "Grace", "Hana", "Ines", "Jonah", "Kiran",
    "Léa", "Mateo", "Noor", "Owen", "Priya", "Quinn", "Rosa", "Sami", "Tariq", "Uma", "Vik",
    "Wen", "Yara", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Tremblay", "Gagnon", "Sharma", "Yilmaz", "MacLeod", "Lee", "Ito", "Roy", "Singh",
    "Nguyen", "Côté", "Martin", "Chen", "Haddad", "Kaur", "Murphy", "Bouchard", "Ali", "Wong",
]  # fmt: skip
BATCH = 5000


class Command(BaseCommand):
    help = "Seed deterministic benchmark data at the 'campus' or 'network' size (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="campus")
        # For tests: a tiny data set of the same shape.
        for name in ("campuses", "members", "meetings"):
            parser.add_argument(f"--{name}", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, size, **options):
        shape = {k: options[k] or v for k, v in SIZES[size].items()}
        if shape["members"] < 3:
            raise CommandError("A bench campus needs at least 3 members.")
        existing = set(
            Campus.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)
        )
        wanted = [f"bench-{n}" for n in range(1, shape["campuses"] + 1)]
        if extra := existing - set(wanted):
            raise CommandError(
                f"This database holds more bench campuses than the {size} size "
                f"({len(existing)}, e.g. {sorted(extra)[0]}); use another database."
            )
        missing = [n for n in range(1, shape["campuses"] + 1) if f"bench-{n}" not in existing]
        if not missing:
            self.stdout.write(f"Bench data ({size}) is already seeded: {self.counts()}.")
            return
        topics = list(Topic.objects.filter(is_archived=False).order_by("pk"))
        if not topics:
            raise CommandError("The training catalogue is empty: run migrate first.")
        password = make_password(BENCH_PASSWORD)
        for number in missing:
            self.seed_campus(number, shape, topics, password)
            self.stdout.write(f"  seeded bench-{number}")
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as a long-running database has: without them the
            # planner takes the just-bulk-loaded tables for empty ones.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Bench data ({size}) seeded: {self.counts()}."))

    def counts(self) -> str:
        return (
            f"{Campus.objects.filter(slug__startswith='bench-').count()} campuses, "
            f"{Membership.objects.filter(campus__slug__startswith='bench-').count()} members, "
            f"{Meeting.objects.filter(campus__slug__startswith='bench-').count()} meetings, "
            f"{Attendance.objects.filter(meeting__campus__slug__startswith='bench-').count()} "
            "attendances"
        )

    @transaction.atomic
    def seed_campus(self, number: int, shape: dict, topics: list[Topic], password: str):
        rng = random.Random(f"copractice-bench-{number}")
        zone = ZONES[(number - 1) % len(ZONES)]
        campus = Campus.objects.create(
            slug=f"bench-{number}",
            name=f"Bench Campus {number}",
            institution=f"Bench University {number}",
            time_zone=zone,
            partner_organisation="Bench Mental Health Association",
        )
        users = self.people(campus, number, shape["members"], rng, password)
        coordinator = users[0]
        meetings = self.meetings(campus, shape["meetings"], coordinator)
        self.agendas(meetings, users, topics, rng)
        self.attendance(meetings, users, coordinator, rng)
        self.minutes(meetings, users, coordinator, rng)
        DiscussionSuggestion.objects.bulk_create(
            DiscussionSuggestion(
                campus=campus,
                kind=rng.choice(DiscussionSuggestion.Kind.values),
                text=f"Suggestion {i}: could we talk about exam-season referrals?",
                is_anonymous=i % 2 == 0,
                author=None if i % 2 == 0 else rng.choice(users[2:]),
                submitted_on=RECORDED_UNTIL.date() - dt.timedelta(days=i),
            )
            for i in range(8)
        )

    def people(self, campus, number, count, rng, password):
        User = get_user_model()
        users = User.objects.bulk_create(
            User(
                email=(
                    f"coordinator@bench-{number}.example.edu"
                    if i == 0
                    else f"partner@bench-{number}.example.org"
                    if i == 1
                    else f"peer{i - 1}@bench-{number}.example.edu"
                ),
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {number}-{i}",
                password=password,
                date_joined=dt.datetime(2021, 8, 1, tzinfo=dt.UTC),
            )
            for i in range(count)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )
        CalendarFeed.objects.bulk_create(
            CalendarFeed(user=u, token=hashlib.sha256(f"bench-feed-{u.email}".encode()).hexdigest())
            for u in users
        )
        roles = [Membership.Role.COORDINATOR, Membership.Role.PARTNER_REPRESENTATIVE]
        Membership.objects.bulk_create(
            Membership(
                user=u,
                campus=campus,
                role=roles[i] if i < 2 else Membership.Role.PEER_SUPPORTER,
                joined_on=dt.date(2021, 9, 1),
            )
            for i, u in enumerate(users)
        )
        return users

    def meetings(self, campus, count, coordinator):
        tz = zoneinfo.ZoneInfo(campus.time_zone)
        meetings = []
        for i in range(count):
            day = FIRST_MONTH + relativedelta(months=i, day=1, weekday=TU(2))
            starts_at = dt.datetime.combine(day, dt.time(17), tzinfo=tz)
            meetings.append(
                Meeting(
                    campus=campus,
                    title="Community of practice",
                    description="Our monthly meeting: case collaboration, training and updates.",
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=90),
                    location="Student Centre, room 204",
                    online_link=f"https://meet.example.edu/{campus.slug}",
                    created_by=coordinator,
                )
            )
        # With each meeting's "scheduled" history record, which the meeting page reads.
        return bulk_create_with_history(
            meetings,
            Meeting,
            default_user=coordinator,
            default_date=dt.datetime(2022, 1, 15, tzinfo=dt.UTC),
        )

    def agendas(self, meetings, users, topics, rng):
        items = []
        for n, meeting in enumerate(meetings):
            topic = topics[n % len(topics)]
            plan = [
                (AgendaItem.Kind.CASE_COLLABORATION, "Case collaboration", None, None),
                (AgendaItem.Kind.TRAINING, topic.title, topic, rng.choice(users[1:])),
                (AgendaItem.Kind.ADMINISTRATIVE_UPDATE, "Administrative updates", None, None),
                (AgendaItem.Kind.REFLECTION, "Going well, proving difficult, ideas", None, None),
            ]
            if n % 2:
                plan.append((AgendaItem.Kind.OTHER, "Exam-season drop-in table", None, None))
            items += [
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    kind=kind,
                    title=title,
                    duration_minutes=20,
                    topic=topic_,
                    facilitator=facilitator,
                )
                for position, (kind, title, topic_, facilitator) in enumerate(plan, start=1)
            ]
        AgendaItem.objects.bulk_create(items, batch_size=BATCH)

    def attendance(self, meetings, users, coordinator, rng):
        rows = []
        for meeting in meetings:
            recorded = meeting.starts_at < RECORDED_UNTIL
            for user in users:
                response = rng.choices(
                    Attendance.Response.values, weights=[15, 70, 15] if recorded else [50, 40, 10]
                )[0]
                answered = response != Attendance.Response.NO_RESPONSE
                presence = Attendance.Presence.UNRECORDED
                if recorded:
                    presence = rng.choices(
                        ["present", "late", "excused", "absent"],
                        weights=[75, 5, 8, 12] if answered else [30, 5, 5, 60],
                    )[0]
                rows.append(
                    Attendance(
                        meeting=meeting,
                        user=user,
                        response=response,
                        response_note="Exam that evening" if response == "not_attending" else "",
                        responded_at=meeting.starts_at - dt.timedelta(days=3) if answered else None,
                        presence=presence,
                        presence_recorded_at=meeting.ends_at if recorded else None,
                        presence_recorded_by=coordinator if recorded else None,
                    )
                )
                if len(rows) >= BATCH:
                    Attendance.objects.bulk_create(rows)
                    rows = []
        Attendance.objects.bulk_create(rows)

    def minutes(self, meetings, users, coordinator, rng):
        held = [m for m in meetings if m.starts_at < RECORDED_UNTIL]
        Minutes.objects.bulk_create(
            Minutes(
                meeting=m,
                going_well="More students found the drop-in table this month. " * 3,
                proving_difficult="Knowing when to hand over to counselling services. " * 3,
                ideas_for_improving="Pair new peer supporters with experienced ones. " * 3,
                administrative_updates="Schedules for next term are due on the 15th.",
                updated_by=coordinator,
            )
            for m in held
        )
        CaseCollaborationNotes.objects.bulk_create(
            CaseCollaborationNotes(
                meeting=m, text="Discussed two situations; no names.", updated_by=coordinator
            )
            for m in held
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                meeting=m,
                text=f"Follow up on item {i + 1}",
                owner=rng.choice(users),
                due_on=(m.starts_at + dt.timedelta(days=21)).date(),
                done=m is not held[-1],
                done_at=None if m is held[-1] else m.starts_at + dt.timedelta(days=14),
            )
            for m in held
            for i in range(2)
        )
