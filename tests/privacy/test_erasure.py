import subprocess

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, CalendarFeed, DiscussionSuggestion
from meetings.respond_links import RespondLinkError, attendance_for_token, respond_token
from members.models import Invitation, User
from outbox.models import OutboundEmail
from privacy.services import erase_person
from reports.selectors import attendance_by_month
from tests.factories import UserFactory

from .conftest import EMAIL, NAME

PG_DUMP = "/usr/bin/pg_dump"


def _rows_mentioning(*words) -> list[str]:
    """Every row of every table (history tables included) with one of the words in a text,
    character or JSON column."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            for word in words:
                rows = model._base_manager.annotate(
                    _text=Cast(field.attname, models.TextField())
                ).filter(_text__icontains=word)
                found += [f"{model._meta.db_table}.{field.column}: {word}" for _ in rows]
    return found


def _figures(campus, now):
    return attendance_by_month(campus=campus, now=now)


def _pg_dump() -> str:
    db = connection.settings_dict
    return subprocess.run(
        [
            PG_DUMP,
            "--data-only",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_the_name_and_address_nowhere_in_the_database(client, person):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(person.user)  # a session of theirs
    now = timezone.now()
    figures = _figures(person.campus, now)
    past_rows = Attendance.objects.filter(user=person.user, meeting__starts_at__lt=now).count()
    assert _rows_mentioning(NAME, EMAIL)  # the search finds them before
    assert NAME.lower() in _pg_dump().lower()

    erase_person(person=person.user, by=admin)

    assert _rows_mentioning(NAME, EMAIL, "Quaxworth", "zq-marker") == []
    dump = _pg_dump().lower()
    assert "quaxworth" not in dump
    assert "zq-marker" not in dump
    assert _figures(person.campus, now) == figures
    # Their past attendance stays; upcoming meetings no longer expect them (memberships ended).
    assert past_rows == 1
    assert Attendance.objects.filter(user=person.user).count() == past_rows


def test_erasure_anonymises_and_closes_the_account(client, person, world):
    user = person.user
    client.force_login(user)
    feed_token = CalendarFeed.objects.get(user=user).token
    token = respond_token(
        attendance=Attendance.objects.get(user=user, meeting=person.upcoming), response="attending"
    )
    erase_person(person=user, by=world.admin)
    user.refresh_from_db()
    assert user.name == f"Former member #{user.pk}"
    assert user.email == f"erased-{user.pk}@invalid"
    assert user.is_active is False
    assert user.has_usable_password() is False
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not SocialAccount.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert CalendarFeed.objects.get(user=user).token != feed_token
    assert (
        client.get(reverse("meetings:calendar_feed", kwargs={"token": feed_token})).status_code
        == 404
    )
    with pytest.raises(RespondLinkError):
        attendance_for_token(token)
    assert all(s.get_decoded().get("_auth_user_id") != str(user.pk) for s in Session.objects.all())
    assert client.get(reverse("members:profile")).status_code == 302  # logged out
    assert list(Attendance.objects.filter(user=user).values_list("response_note", flat=True)) == [
        ""
    ]
    assert set(
        Attendance.history.filter(user_id=user.pk).values_list("response_note", flat=True)
    ) == {""}
    # The pending invitation is gone, the used one anonymised.
    invitations = Invitation.objects.filter(email=user.email)
    assert [(i.name, i.state) for i in invitations] == [("", "accepted")]
    suggestion = DiscussionSuggestion.objects.get(text="Walking meetings?")
    assert (suggestion.author, suggestion.is_anonymous) == (None, True)
    to_them = OutboundEmail.objects.get(key="to-them")
    assert (to_them.to, to_them.subject) == (user.email, f"Welcome, {user.name}")
    assert "Hello" not in to_them.body_text
    to_other = OutboundEmail.objects.get(key="to-other")
    assert to_other.body_text == f"{user.name} offered to lead Peer drift."
    assert to_other.headers == {"Reply-To": f"{user.name} <{user.email}>"}
    assert set(user.memberships.values_list("status", flat=True)) == {"left"}


def test_erasure_keeps_the_campus_figures(person, world):
    now = timezone.now()
    before = attendance_by_month(campus=person.campus, now=now)
    assert sum(month.attended for month in before) == 1
    erase_person(person=person.user, by=world.admin)
    assert attendance_by_month(campus=person.campus, now=now) == before


def test_erasure_of_oneself_is_refused(person, world):
    with pytest.raises(ValidationError, match="cannot erase yourself"):
        erase_person(person=world.admin, by=world.admin)


def test_erasure_of_the_last_site_admin_is_refused(db):
    last = UserFactory(is_superuser=True)
    other = UserFactory(is_superuser=True, is_active=False)
    with pytest.raises(ValidationError, match="last site admin"):
        erase_person(person=last, by=other)
    assert User.objects.get(pk=last.pk).name == last.name


def test_erase_page_says_what_is_kept(client, person, world):
    client.force_login(world.admin)
    response = client.get(reverse("privacy:person_erase", kwargs={"pk": person.user.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "What the campus keeps" in page
    assert "attendance figures do not change" in page


def test_erase_with_the_wrong_email_changes_nothing(client, person, world):
    client.force_login(world.admin)
    url = reverse("privacy:person_erase", kwargs={"pk": person.user.pk})
    response = client.post(url, {"email": "someone-else@example.edu"})
    assert response.status_code == 200
    assert "not this person&#x27;s e-mail address" in response.content.decode()
    person.user.refresh_from_db()
    assert (person.user.name, person.user.is_active) == (NAME, True)


def test_erase_with_the_email_typed_erases(client, person, world):
    client.force_login(world.admin)
    url = reverse("privacy:person_erase", kwargs={"pk": person.user.pk})
    response = client.post(url, {"email": EMAIL.upper()}, follow=True)
    person.user.refresh_from_db()
    assert person.user.name == f"Former member #{person.user.pk}"
    page = response.content.decode()
    assert NAME not in page
    assert "has been erased" in page


def test_membership_page_links_site_admins_to_erasure(client, world):
    membership = world.peer.memberships.get()
    url = reverse(
        "members:membership_edit", kwargs={"campus": world.campus.slug, "pk": membership.pk}
    )
    erase = reverse("privacy:person_erase", kwargs={"pk": world.peer.pk})
    client.force_login(world.admin)
    assert erase in client.get(url).content.decode()
    client.force_login(world.coordinator)
    assert erase not in client.get(url).content.decode()


def test_stop_email_link_no_longer_works_after_erasure(client, person, world):
    from members.preferences import stop_token

    url = reverse(
        "members:stop_emails",
        kwargs={"token": stop_token(user=person.user, topic="meeting_reminders")},
    )
    erase_person(person=person.user, by=world.admin)
    response = client.get(url)
    assert response.status_code == 400
    assert "This link is not valid any more." in response.content.decode()


def test_erase_page_of_oneself_offers_no_form(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("privacy:person_erase", kwargs={"pk": world.admin.pk}))
    page = response.content.decode()
    assert "You cannot erase yourself. Ask another site admin." in page
    assert "Erase this person</button>" not in page
    response = client.post(
        reverse("privacy:person_erase", kwargs={"pk": world.admin.pk}),
        {"email": world.admin.email},
    )
    assert response.status_code == 200
    world.admin.refresh_from_db()
    assert world.admin.is_active is True
