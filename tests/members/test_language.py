"""Each person's language: the switch before and after login, the profile, and e-mails written in
the recipient's language whatever the sender's (an invitation in French sent by a coordinator
who reads English, an account e-mail)."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Invitation, User
from members.services import accept_invitation, invite_member, join_through_provider
from outbox.models import OutboundEmail
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

FRENCH_BROWSER = "fr-CA,fr;q=0.9,en;q=0.5"


def _invite(coordinator_client, **data):
    return coordinator_client.post(
        "/c/riverside/members/invite/",
        {"email": "ama@example.edu", "name": "Ama", "role": "peer_supporter", **data},
        HTTP_ACCEPT_LANGUAGE="en",
    )


# --- invitations ---------------------------------------------------------------------------
def test_an_invitation_in_french_is_written_in_french_by_a_coordinator_reading_english(
    coordinator_client, world
):
    response = _invite(coordinator_client, language="fr")
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ama@example.edu")
    assert invitation.language == "fr"
    email = OutboundEmail.objects.get(to="ama@example.edu")
    assert email.subject == ("[CoPractice] Invitation à la communauté de pratique de Riverside")
    assert email.body_text.startswith("Bonjour Ama,\n")
    assert "vous invite à vous joindre à la communauté de pratique de Riverside" in (
        email.body_text
    )
    assert "en tant que pair aidant." in email.body_text
    assert "Acceptez l'invitation et choisissez un mot de passe\u00a0:" in email.body_text
    assert f"Le lien est valide pendant {settings.INVITATION_VALID_DAYS} jours." in (
        email.body_text
    )
    assert '<html lang="fr">' in email.body_html
    assert "Accepter l'invitation et choisir un mot de passe" in email.body_html
    for english in ("Hello", "invites you", "community of practice", "The link works"):
        assert english not in email.body_text
        assert english not in email.body_html
    # The coordinator's own page stays in English.
    page = coordinator_client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Invitation sent to ama@example.edu." in page
    assert '<html lang="en">' in page


def test_the_invitation_language_is_preselected_with_the_language_being_read(client, world):
    world.coordinator.language = "fr"
    world.coordinator.save(update_fields=["language"])
    client.force_login(world.coordinator)
    form = client.get("/c/riverside/members/invite/").context["form"]
    assert form["language"].value() == "fr"
    client.post(
        "/c/riverside/members/invite/",
        {"email": "ama@example.edu", "role": "peer_supporter", "language": "fr"},
    )
    assert Invitation.objects.get(email="ama@example.edu").language == "fr"


def test_an_invitation_without_a_language_is_in_the_language_being_read(coordinator_client, world):
    _invite(coordinator_client)
    assert Invitation.objects.get().language == "en"
    email = OutboundEmail.objects.get()
    assert email.subject == "[CoPractice] You are invited to the Riverside community of practice"
    assert email.body_text.startswith("Hello Ama,\n")
    assert '<html lang="en">' in email.body_html


def test_a_language_the_site_does_not_offer_is_refused(coordinator_client, world):
    response = _invite(coordinator_client, language="de")
    assert "language" in response.context["form"].errors
    assert Invitation.objects.count() == 0
    with pytest.raises(ValidationError, match="languages offered"):
        invite_member(
            campus=world.campus,
            email="x@example.edu",
            role="peer_supporter",
            by=world.coordinator,
            language="de",
        )


def test_a_resent_invitation_keeps_its_language(coordinator_client, world):
    invitation = InvitationFactory(campus=world.campus, language="fr", sent_at="2026-01-01T00:00Z")
    coordinator_client.post(
        f"/c/riverside/invitations/{invitation.pk}/resend/", HTTP_ACCEPT_LANGUAGE="en"
    )
    email = OutboundEmail.objects.get(to=invitation.email)
    assert email.subject.startswith("[CoPractice] Invitation à la communauté")


def test_someone_with_an_account_is_told_in_their_own_language(coordinator_client, world):
    person = User.objects.create_user("kofi@example.edu", "a-long-pass-1234", name="Kofi Mensah")
    person.language = "fr"
    person.save(update_fields=["language"])
    _invite(coordinator_client, email="kofi@example.edu", language="en")
    email = OutboundEmail.objects.get(to="kofi@example.edu")
    assert email.subject == (
        "[CoPractice] Vous faites maintenant partie de la communauté de pratique de Riverside"
    )
    assert email.body_text.startswith("Bonjour Kofi,\n")
    assert "en tant que pair aidant." in email.body_text


def test_a_list_gives_each_person_their_language(coordinator_client, world):
    upload = SimpleUploadedFile(
        "cohort.csv",
        b"email,name,role,language\n"
        b"ama@example.edu,Ama Owusu,peer supporter,fr\n"
        b"ben@example.edu,Ben Tremblay,responsable,\n"
        b"cara@example.edu,Cara Lee,partenaire,English\n",
        content_type="text/csv",
    )
    response = coordinator_client.post(
        "/c/riverside/members/invite/many/",
        {"csv_file": upload, "role": "peer_supporter", "language": "en"},
    )
    assert response.status_code == 302
    assert dict(Invitation.objects.values_list("email", "language")) == {
        "ama@example.edu": "fr",
        "ben@example.edu": "en",
        "cara@example.edu": "en",
    }
    assert dict(Invitation.objects.values_list("email", "role")) == {
        "ama@example.edu": "peer_supporter",
        "ben@example.edu": "coordinator",
        "cara@example.edu": "partner_representative",
    }
    subjects = dict(OutboundEmail.objects.values_list("to", "subject"))
    assert subjects["ama@example.edu"].startswith("[CoPractice] Invitation à la communauté")
    assert subjects["ben@example.edu"].startswith("[CoPractice] You are invited")


def test_a_list_written_in_french_is_read(coordinator_client, world):
    response = coordinator_client.post(
        "/c/riverside/members/invite/many/",
        {
            "people": "courriel;nom;rôle;langue\n"
            "ama@example.edu;Ama Owusu;pair aidant;français\n"
            "ben@example.edu;Ben Tremblay;partenaire;anglais\n",
            "role": "peer_supporter",
        },
    )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", "name", "role", "language")) == [
        ("ama@example.edu", "Ama Owusu", "peer_supporter", "fr"),
        ("ben@example.edu", "Ben Tremblay", "partner_representative", "en"),
    ]


def test_a_list_with_an_unknown_language_says_which_row(coordinator_client, world):
    response = coordinator_client.post(
        "/c/riverside/members/invite/many/",
        {
            "people": "email,language\nama@example.edu,fr\nben@example.edu,klingon\n",
            "role": "peer_supporter",
        },
    )
    assert response.status_code == 200
    bad = response.context["bad"]
    assert [(row.line, row.problem) for row in bad] == [
        (3, "Unknown language “klingon”: use en or fr.")
    ]
    assert Invitation.objects.count() == 0


# --- joining ---------------------------------------------------------------------------------
def _accept(client, token, **headers):
    return client.post(
        f"/invitations/{token}/",
        {
            "name": "New Person",
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
        },
        **headers,
    )


def test_accepting_an_invitation_in_a_french_browser_makes_a_french_user(client, world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="tok", language="en")
    page = client.get("/invitations/tok/", HTTP_ACCEPT_LANGUAGE=FRENCH_BROWSER)
    assert '<html lang="fr">' in page.content.decode()
    assert "Se joindre à Riverside" in page.content.decode()
    response = _accept(client, "tok", HTTP_ACCEPT_LANGUAGE=FRENCH_BROWSER)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.edu")
    assert user.language == "fr"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    assert "Bienvenue à Riverside, New." in page


def test_accepting_in_an_english_browser_makes_an_english_user(client, world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="tok", language="fr")
    _accept(client, "tok", HTTP_ACCEPT_LANGUAGE="en-CA,en")
    assert User.objects.get(email="new@example.edu").language == "en"


def test_without_a_language_from_the_request_the_invitation_s_is_kept(world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="tok", language="fr")
    user = accept_invitation(token="tok", name="New", password="a-good-long-passphrase")
    assert user.language == "fr"


def test_someone_joining_through_their_campus_provider_gets_the_request_s_language(db):
    InvitationFactory(email="ama@uni.example.ca", language="en")
    user = join_through_provider(email="ama@uni.example.ca", name="Ama", language="fr-ca")
    assert user.language == "fr"


# --- the switch and the profile ------------------------------------------------------------
def test_the_switch_before_login_keeps_french_in_a_cookie(client, db):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    response = client.post(
        reverse("members:set_language"), {"language": "fr", "next": "/accounts/login/"}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    assert "Se connecter" in page
    assert ">English</button>" in page


def test_the_switch_signed_in_is_saved_on_the_person(client, world):
    client.force_login(world.peer)
    response = client.post(
        reverse("members:set_language"), {"language": "fr", "next": "/c/riverside/"}
    )
    assert response.url == "/c/riverside/"
    world.peer.refresh_from_db()
    assert world.peer.language == "fr"
    # Another browser (no cookie, an English one) shows French once signed in.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    page = client.get("/c/riverside/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    assert "Votre rôle\u00a0: Pair aidant" in page
    assert "Se déconnecter" in page


def test_a_bad_language_changes_nothing_and_says_so(client, world):
    client.force_login(world.peer)
    response = client.post(
        reverse("members:set_language"), {"language": "xx", "next": "/c/riverside/"}, follow=True
    )
    world.peer.refresh_from_db()
    assert world.peer.language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    page = response.content.decode()
    assert "Choose one of the languages offered." in page
    assert '<html lang="en">' in page


def test_the_switch_goes_back_only_to_a_page_of_this_site(client, db):
    response = client.post(
        reverse("members:set_language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_the_profile_changes_the_language(client, world):
    client.force_login(world.peer)
    form = client.get(reverse("members:profile")).context["form"]
    assert [code for code, _name in form.fields["language"].choices] == ["en", "fr"]
    response = client.post(
        reverse("members:profile"),
        {"name": world.peer.name, "language": "fr", "wants_meeting_notices": "on"},
        follow=True,
    )
    world.peer.refresh_from_db()
    assert world.peer.language == "fr"
    page = response.content.decode()
    assert "Votre profil est enregistré." in page
    assert '<html lang="fr">' in page
    assert response.redirect_chain[0][0] == reverse("members:profile")


def test_the_profile_refuses_a_language_it_does_not_offer(client, world):
    client.force_login(world.peer)
    response = client.post(reverse("members:profile"), {"name": world.peer.name, "language": "de"})
    assert "language" in response.context["form"].errors
    world.peer.refresh_from_db()
    assert world.peer.language == "en"


# --- account e-mails ---------------------------------------------------------------------
def test_a_password_reset_is_written_in_the_account_s_language(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    world.peer.language = "fr"
    world.peer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": world.peer.email},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    email = OutboundEmail.objects.get(to=world.peer.email)
    assert "Courriel de réinitialisation de mot de passe" in email.subject
    # Sent, then erased from the outbox (it held a secret link): read as delivered.
    assert len(mailoutbox) == 1
    assert "Vous recevez ce courriel" in mailoutbox[0].body
