"""Campus single sign-on around the provider itself (the flow through a real provider is in
tests/browser/test_sign_in.py): the login page's buttons and steering, campuses that sign in
with their provider only, and joining by invitation through a provider."""

import pytest
from django.urls import reverse

from members.models import IdentityProvider, Invitation, Membership
from members.services import join_through_provider
from tests.factories import PASSWORD, CampusFactory, InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(db):
    return IdentityProvider.objects.create(
        name="Uni Sign-in",
        slug="uni",
        server_url="https://login.uni.example.ca/o",
        client_id="copractice",
        client_secret="secret",
        domains="UNI.example.ca  staff.uni.example.ca",
    )


def test_login_page_offers_each_active_provider(client, provider):
    IdentityProvider.objects.create(
        name="Old Sign-in",
        slug="old",
        server_url="https://old.example.ca",
        client_id="c",
        client_secret="s",
        domains="old.example.ca",
        is_active=False,
    )
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert "Sign in with Uni Sign-in" in html
    assert "Old Sign-in" not in html
    assert 'action="/accounts/oidc/uni/login/?process=login"' in html
    # The buttons lead to the provider: the page's policy lets a form go there, nowhere else.
    assert "form-action 'self' https://login.uni.example.ca" in response["Content-Security-Policy"]


def test_domains_are_normalised(provider):
    provider.refresh_from_db()
    assert provider.domains == "staff.uni.example.ca uni.example.ca"
    assert provider.vouches_for("Ama@Uni.Example.CA")
    assert not provider.vouches_for("ama@example.ca")


def test_address_without_password_is_steered_to_its_provider(client, provider):
    response = client.post(reverse("account_login"), {"login": "ama@uni.example.ca"})
    assert response.status_code == 200
    assert response.context["form"].steer_to == provider
    assert "Uni Sign-in signs you in" in response.content.decode()


def test_other_address_without_password_is_asked_for_it(client, provider):
    response = client.post(reverse("account_login"), {"login": "ama@elsewhere.example"})
    assert response.context["form"].errors == {"password": ["Enter your password."]}


@pytest.mark.parametrize("password", [PASSWORD, "not-the-password"])
def test_provider_only_campus_answers_the_same_with_or_without_an_account(
    client, provider, password
):
    campus = CampusFactory(identity_provider=provider, provider_sign_in_only=True)
    user = MembershipFactory(campus=campus, user__email="ama@uni.example.ca").user
    answers = []
    for email in (user.email, "nobody@uni.example.ca"):
        response = client.post(reverse("account_login"), {"login": email, "password": password})
        assert "_auth_user_id" not in client.session
        answers.append((response.status_code, response.context["form"].errors))
    assert answers[0] == answers[1]
    assert answers[0][1] == {
        "__all__": ["Uni Sign-in signs you in: use the “Sign in with Uni Sign-in” button."]
    }


def test_issuer_url_must_use_https(provider):
    from django.core.exceptions import ValidationError

    provider.server_url = "http://login.uni.example.ca/o"
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert list(error.value.message_dict) == ["server_url"]
    provider.server_url = "http://127.0.0.1:8001/o"  # a provider on this machine, for trials
    provider.full_clean()


def test_provider_only_campus_refuses_a_password_from_any_address(client, provider):
    campus = CampusFactory(identity_provider=provider, provider_sign_in_only=True)
    user = MembershipFactory(campus=campus, user__email="kofi@gmail.example").user
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert (response.status_code, response.url) == (302, reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_site_admin_keeps_password_and_second_factor(client, provider, world):
    world.campus.identity_provider = provider
    world.campus.provider_sign_in_only = True
    world.campus.save()
    response = client.post(
        reverse("account_login"), {"login": world.admin.email, "password": PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")


def test_invited_person_joins_through_the_provider(db):
    first = InvitationFactory(email="ama@uni.example.ca")
    second = InvitationFactory(email="AMA@uni.example.ca", role=Membership.Role.COORDINATOR)
    user = join_through_provider(email="ama@uni.example.ca", name="Ama Mensah")
    assert (user.email, user.name, user.has_usable_password()) == (
        "ama@uni.example.ca",
        "Ama Mensah",
        False,
    )
    assert sorted(user.memberships.values_list("campus", "role")) == sorted(
        [(first.campus_id, "peer_supporter"), (second.campus_id, "coordinator")]
    )
    assert user.emailaddress_set.get().verified is True
    assert Invitation.objects.filter(accepted_by=user).count() == 2


def test_nobody_joins_through_the_provider_without_an_invitation(db):
    from django.contrib.auth import get_user_model

    InvitationFactory(email="ama@uni.example.ca", revoked_at="2026-01-01T00:00Z")
    InvitationFactory(email="ama@uni.example.ca", expires_at="2026-01-01T00:00Z")
    InvitationFactory(email="kofi@uni.example.ca")
    assert join_through_provider(email="ama@uni.example.ca", name="Ama") is None
    assert get_user_model().objects.filter(email="ama@uni.example.ca").exists() is False
    assert Membership.objects.count() == 0


def test_a_provider_name_on_several_lines_is_kept_on_one(db):
    InvitationFactory(email="ama@uni.example.ca")
    user = join_through_provider(email="ama@uni.example.ca", name=" Ama\u2028\nMensah\x00 ")
    assert user.name == "Ama Mensah"


def test_site_admin_at_the_provider_domain_keeps_the_password(client, provider):
    from tests.factories import UserFactory

    CampusFactory(identity_provider=provider, provider_sign_in_only=True)
    admin = UserFactory(email="it@uni.example.ca", is_superuser=True, is_staff=True)
    response = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")


def test_site_admins_configure_providers_in_the_admin_only_as_identity_providers(client, world):
    client.force_login(world.admin)
    assert client.get("/admin/members/identityprovider/add/").status_code == 200
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404
    response = client.post(
        "/admin/members/identityprovider/add/",
        {
            "name": "Uni",
            "slug": "uni",
            "server_url": "https://login.uni.example.ca/o",
            "client_id": "copractice",
            "client_secret": "secret",
            "domains": "uni.example.ca not-a-domain",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "“not-a-domain” is not an e-mail domain" in response.content.decode()
    assert IdentityProvider.objects.count() == 0


def test_provider_secret_is_never_shown_again_and_kept_when_left_empty(client, world):
    provider = IdentityProvider.objects.create(
        name="Uni",
        slug="uni",
        server_url="https://login.uni.example.ca/o",
        client_id="copractice",
        client_secret="the-saved-secret",
        domains="uni.example.ca",
    )
    client.force_login(world.admin)
    url = f"/admin/members/identityprovider/{provider.pk}/change/"
    page = client.get(url).content.decode()
    assert "the-saved-secret" not in page
    data = {
        "name": "Uni renamed",
        "slug": "uni",
        "server_url": "https://login.uni.example.ca/o",
        "client_id": "copractice",
        "client_secret": "",
        "domains": "uni.example.ca",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret) == ("Uni renamed", "the-saved-secret")
    assert client.post(url, {**data, "client_secret": "a-new-secret"}).status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret == "a-new-secret"


def test_command_adds_and_changes_a_provider(db, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("OIDC_CLIENT_SECRET", "s3cret")
    args = ["uni", "--name", "Uni", "--issuer", "https://login.uni.example.ca/o"]
    args += ["--client-id", "copractice", "--domains", "uni.example.ca"]
    out = StringIO()
    call_command("identity_provider", *args, stdout=out)
    call_command("identity_provider", *args, "--counts-as-mfa", stdout=StringIO())
    provider = IdentityProvider.objects.get()
    assert (provider.client_secret, provider.counts_as_mfa, provider.is_active) == (
        "s3cret",
        True,
        True,
    )
    assert "/accounts/oidc/uni/login/callback/" in out.getvalue()


def test_command_refuses_without_secret_or_with_a_bad_issuer(db, monkeypatch):
    from django.core.management import CommandError, call_command

    args = ["uni", "--name", "Uni", "--client-id", "c", "--domains", "uni.example.ca"]
    monkeypatch.delenv("OIDC_CLIENT_SECRET", raising=False)
    with pytest.raises(CommandError, match="Set OIDC_CLIENT_SECRET"):
        call_command("identity_provider", *args, "--issuer", "https://login.uni.example.ca")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "s3cret")
    with pytest.raises(CommandError, match="must start with https://"):
        call_command("identity_provider", *args, "--issuer", "http://login.uni.example.ca")
    assert IdentityProvider.objects.count() == 0
