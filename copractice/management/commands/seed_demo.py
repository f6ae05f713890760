from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from members.models import Campus, Membership

DEMO_PASSWORD = "copractice-demo"
DEMO_CAMPUS = {
    "slug": "riverside",
    "name": "Riverside Campus",
    "institution": "Riverside College",
    "time_zone": "America/Toronto",
    "partner_organisation": "Riverside Mental Health Association",
}
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
            self.stdout.write("Demo data is already loaded.")
        else:
            self.load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
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
                    is_superuser=role is None,
                    is_staff=role is None,
                )
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if role:
                Membership.objects.create(user=user, campus=campus, role=role)

    def print_logins(self):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for email, name, role in DEMO_PEOPLE:
            label = Membership.Role(role).label if role else "Site admin"
            self.stdout.write(f"  {label:<24} {email:<28} {name}")
        self.stdout.write("")
