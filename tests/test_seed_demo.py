from io import StringIO

import pytest
from django.core.management import call_command

from copractice.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEOPLE
from meetings.models import Attendance, Meeting
from members.models import Campus, Membership

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_and_its_logins_work(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = (Campus.objects.count(), Meeting.objects.count(), Attendance.objects.count())
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert (Campus.objects.count(), Meeting.objects.count(), Attendance.objects.count()) == first
    assert "Demo data loaded." in out.getvalue()
    assert "Demo data is already loaded." in again.getvalue()
    assert f"password for all: {DEMO_PASSWORD}" in again.getvalue()
    assert (
        "Coordinators and site admins set up an authenticator app at their first login "
        "(MFA_REQUIRED_ROLES=coordinator,site_admin)." in again.getvalue()
    )
    assert Membership.objects.filter(campus__slug="riverside", status="active").count() == 10
    held = Meeting.objects.filter(attendances__presence="present").distinct().count()
    assert held == 2
    assert Meeting.objects.filter(status="cancelled").count() == 1
    for email, _name, _role in DEMO_PEOPLE:
        assert email in again.getvalue()
        assert client.login(email=email, password=DEMO_PASSWORD), email


def test_two_demo_peers_read_in_french():
    from members.models import User
    from outbox.models import OutboundEmail

    out = StringIO()
    call_command("seed_demo", stdout=out)
    french = set(User.objects.filter(language="fr").values_list("email", flat=True))
    assert french == {"ben@example.edu", "chloe@example.edu"}
    assert "chloe@example.edu" in out.getvalue() and "(français)" in out.getvalue()
    subjects = dict(OutboundEmail.objects.values_list("to", "subject"))
    assert set(subjects) >= {"ben@example.edu", "amara@example.edu"}
    assert "rencontre" in subjects["ben@example.edu"].lower()
    assert "meeting" in subjects["amara@example.edu"].lower()


def test_demo_says_when_second_factors_are_not_required(settings):
    settings.MFA_REQUIRED_ROLES = frozenset()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Second factors are not required in this demo (MFA_REQUIRED_ROLES=none" in out.getvalue()
