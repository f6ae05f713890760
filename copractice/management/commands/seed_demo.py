import datetime as dt

from allauth.account.models import EmailAddress
from dateutil.relativedelta import TU, relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import agenda, minutes
from meetings import services as meetings
from meetings.models import Attendance, Meeting
from members.models import Campus, Membership
from training.models import Topic
from training.services import offer_to_facilitate

DEMO_PASSWORD = "copractice-demo"
DEMO_CAMPUS = {
    "slug": "riverside",
    "name": "Riverside Campus",
    "institution": "Riverside College",
    "time_zone": "America/Toronto",
    "partner_organisation": "Riverside Mental Health Association",
}
# Two peer supporters read CoPractice in French: their invitations, reminders and pages are French.
FRENCH_SPEAKERS = {"ben@example.edu", "chloe@example.edu"}
DEMO_PEOPLE = [
    ("admin@example.edu", "Sam Admin", None),
    ("coordinator@example.edu", "Dana Coordinator", Membership.Role.COORDINATOR),
    ("partner@example.org", "Priya Partner", Membership.Role.PARTNER_REPRESENTATIVE),
    ("amara@example.edu", "Amara Okafor", Membership.Role.PEER_SUPPORTER),
    ("ben@example.edu", "Ben Tremblay", Membership.Role.PEER_SUPPORTER),
    ("chloe@example.edu", "Chloé Gagnon", Membership.Role.PEER_SUPPORTER),
    ("dev@example.edu", "Dev Sharma", Membership.Role.PEER_SUPPORTER),
    ("elif@example.edu", "Elif Yilmaz", Membership.Role.PEER_SUPPORTER),
    ("finn@example.edu", "Finn MacLeod", Membership.Role.PEER_SUPPORTER),
    ("grace@example.edu", "Grace Lee", Membership.Role.PEER_SUPPORTER),
    ("hana@example.edu", "Hana Ito", Membership.Role.PEER_SUPPORTER),
]


class Command(BaseCommand):
    help = "Load the demo campus and its people once (running it again changes nothing)."

    def handle(self, *args, **options):
        if Campus.objects.filter(slug=DEMO_CAMPUS["slug"]).exists():
            self.stdout.write(_("Demo data is already loaded."))
        else:
            self.load()
            self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        self.print_logins()

    @transaction.atomic
    def load(self):
        User = get_user_model()
        campus = Campus.objects.create(**DEMO_CAMPUS)
        for email, name, role in DEMO_PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    name=name,
                    language="fr" if email in FRENCH_SPEAKERS else "en",
                    is_superuser=role is None,
                    is_staff=role is None,
                )
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if role:
                Membership.objects.create(user=user, campus=campus, role=role)
        self.load_meetings(campus)

    def load_meetings(self, campus):
        """Two held meetings with minutes, a monthly series ahead, one cancelled, suggestions."""
        people = {u.email.split("@")[0]: u for u in get_user_model().objects.all()}
        coordinator, partner = people["coordinator"], people["partner"]
        today = timezone.localdate(timezone=campus.tz)
        second_tuesday = relativedelta(day=1, weekday=TU(2))
        past = [today - relativedelta(months=k) + second_tuesday for k in range(3)]
        for number, day in enumerate(sorted(d for d in past if d < today)[-2:]):
            self.held_meeting(campus, day, coordinator, partner, people, number)
        offer = offer_to_facilitate(
            topic=Topic.objects.get(title="Wellness strategies for peer supporters"),
            campus=campus,
            user=people["amara"],
            note="I'd like to share the check-in routine our team uses.",
        )
        first = today + relativedelta(days=1) + relativedelta(day=1, weekday=TU(2))
        if first <= today:
            first += relativedelta(months=1) + second_tuesday
        series = meetings.schedule_series(
            campus=campus,
            recurrence=meetings.Recurrence(
                frequency="monthly",
                first_day=first.replace(day=1),
                last_day=first + relativedelta(months=5),
                start_time=dt.time(17),
                end_time=dt.time(18, 30),
                weekday=1,
                week_of_month=2,
            ),
            title="Community of practice",
            description="Our monthly meeting: case collaboration, training and updates.",
            location="Student Centre, room 204",
            online_link="https://meet.example.edu/riverside-cop",
            by=coordinator,
        )
        training = series[0].agenda_items.get(kind="training")
        agenda.update_agenda_item(
            item=training,
            kind="training",
            title="",
            topic=offer.topic,
            facilitator=offer.user,
            duration_minutes=30,
            by=coordinator,
        )
        meetings.cancel_meeting(meeting=series[2], reason="Reading week", by=coordinator)
        for user, response in (
            ("amara", "attending"),
            ("ben", "attending"),
            ("dev", "not_attending"),
        ):
            meetings.respond(
                attendance=series[0].attendances.get(user=people[user]),
                response=response,
                note="Exam that evening" if response == "not_attending" else "",
            )
        meetings.suggest(
            campus=campus,
            kind="proving_difficult",
            text="Knowing when to hand over to counselling services.",
            anonymous=True,
            by=people["chloe"],
        )
        meetings.suggest(
            campus=campus,
            kind="idea",
            text="A drop-in table at the library during exam weeks.",
            anonymous=False,
            by=people["ben"],
        )

    def held_meeting(self, campus, day, coordinator, partner, people, number):
        """A meeting in the past, as it would stand after the coordinator recorded it."""
        starts_at = dt.datetime.combine(day, dt.time(17), tzinfo=campus.tz)
        meeting = Meeting.objects.create(
            campus=campus,
            title="Community of practice",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=90),
            location="Student Centre, room 204",
            created_by=coordinator,
        )
        members = Membership.objects.filter(campus=campus, status="active").select_related("user")
        Attendance.objects.bulk_create(Attendance(meeting=meeting, user=m.user) for m in members)
        topic = Topic.objects.get(
            title="Avoiding peer drift" if number == 0 else "Personal safety and anonymity"
        )
        for kind, title in meetings.GUIDANCE_AGENDA:
            agenda.add_agenda_item(
                meeting=meeting,
                kind=kind,
                title="" if kind == "training" else title,
                topic=topic if kind == "training" else None,
                facilitator=partner if kind == "training" else None,
                by=coordinator,
            )
        absent = {"finn", "hana"} if number == 0 else {"finn"}
        meetings.record_presence(
            meeting=meeting,
            presences={
                row.pk: "absent" if row.user.email.split("@")[0] in absent else "present"
                for row in meeting.attendances.select_related("user")
            },
            by=coordinator,
        )
        minutes.save_minutes(
            meeting=meeting,
            version=0,
            by=coordinator,
            going_well="More students found us through the residence newsletter.",
            proving_difficult="Evening shifts are hard to cover during midterms.",
            ideas_for_improving="Pair new peer supporters with an experienced one for a month.",
            administrative_updates="New booking system for the drop-in room from next month.",
        )
        minutes.save_case_notes(
            meeting=meeting,
            version=0,
            text="(De-identified) A participant worried about a friend; "
            "we discussed referral options.",
            by=coordinator,
        )
        minutes.add_action_item(
            meeting=meeting,
            text="Draft the shift swap guidelines",
            owner=people["ben"],
            due_on=day + dt.timedelta(days=21),
            by=coordinator,
        )

    def print_logins(self):
        self.stdout.write(
            "\n" + _("Demo logins (password for all: %(password)s)") % {"password": DEMO_PASSWORD}
        )
        for email, name, role in DEMO_PEOPLE:
            label = str(Membership.Role(role).label if role else _("Site admin"))
            french = " (français)" if email in FRENCH_SPEAKERS else ""
            self.stdout.write(f"  {label:<24} {email:<28} {name}{french}")
        if settings.MFA_REQUIRED_ROLES:
            self.stdout.write(
                _(
                    "Coordinators and site admins set up an authenticator app at their first "
                    "login (MFA_REQUIRED_ROLES=%(roles)s)."
                )
                % {"roles": ",".join(sorted(settings.MFA_REQUIRED_ROLES))}
            )
        else:
            self.stdout.write(
                _(
                    "Second factors are not required in this demo (MFA_REQUIRED_ROLES=none, as "
                    "make run sets it); a deployment requires them of coordinators and site "
                    "admins."
                )
            )
        self.stdout.write("")
