"""Signing in: a campus's own identity provider (a real OpenID Connect provider in its own
process, tests/oidc_provider/) and second factors, in Chromium."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyotp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from playwright.sync_api import expect

from members.models import IdentityProvider, Invitation, Membership
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    CampusFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
IDP_PASSWORD = "idp-password-1"
PEOPLE = {
    "ama": {"email": "ama@uni.example.ca", "email_verified": True, "name": "Ama Mensah"},
    # Claims the address of an existing account without the provider having checked it.
    "taker": {"email": "kofi@uni.example.ca", "email_verified": False, "name": "Kofi"},
    # A verified address at a domain the provider does not vouch for.
    "foreign": {"email": "lee@elsewhere.example", "email_verified": True, "name": "Lee"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The identity provider at http://127.0.0.1:<port>/o, with PEOPLE and two clients."""
    folder = tmp_path_factory.mktemp("oidc_provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    people = {name: {**claims, "password": IDP_PASSWORD} for name, claims in PEOPLE.items()}
    (folder / "people.json").write_text(json.dumps(people))
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COPRACTICE_TESTING", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(OIDC_PROVIDER_DIR=str(folder), OIDC_PROVIDER_ISSUER=issuer)
    callbacks = [
        f"{live_server.url}/accounts/oidc/{slug}/login/callback/"
        for slug in ("campus-idp", "wrong-idp")
    ]
    log = open(folder / "server.log", "w")  # noqa: SIM115 (open for the process's lifetime)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.run", str(port), *callbacks],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.2)
        else:
            raise RuntimeError("the test identity provider did not start")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def providers(oidc_provider, settings):
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # the live server speaks plain HTTP
    campus_idp = IdentityProvider.objects.create(
        name="Test University",
        slug="campus-idp",
        server_url=oidc_provider,
        client_id="copractice",
        client_secret="copractice-secret",
        domains="uni.example.ca",
    )
    wrong_idp = IdentityProvider.objects.create(
        name="Misconfigured University",
        slug="wrong-idp",
        server_url=oidc_provider,
        client_id="wrong-issuer",
        client_secret="wrong-issuer-secret",
        domains="uni.example.ca",
    )
    return campus_idp, wrong_idp


def _sign_in_with(page, live_server, provider_name, person):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {provider_name}").click()
    page.wait_for_load_state()
    page.get_by_label("Username").fill(person)
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in to Test University").click()
    page.wait_for_load_state()
    return page


def _people_and_links():
    from allauth.socialaccount.models import SocialAccount
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        SocialAccount.objects.count(),
    )


def test_invited_peer_signs_in_with_the_campus_provider(page, live_server, providers):
    campus = CampusFactory(slug="uni", name="Uni Campus")
    InvitationFactory(campus=campus, email="ama@uni.example.ca")
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    _sign_in_with(page, live_server, "Test University", "ama")
    assert page.url == f"{live_server.url}/c/uni/"  # a newcomer: the campus welcome
    membership = Membership.objects.get(user__email="ama@uni.example.ca")
    assert (membership.campus, membership.role, membership.user.name) == (
        campus,
        Membership.Role.PEER_SUPPORTER,
        "Ama Mensah",
    )
    assert Invitation.objects.get().accepted_by == membership.user
    assert not membership.user.has_usable_password()


def test_unverified_email_claim_does_not_take_over_an_account(page, live_server, providers):
    MembershipFactory(user=UserFactory(email="kofi@uni.example.ca"))
    before = _people_and_links()
    _sign_in_with(page, live_server, "Test University", "taker")
    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_text("did not confirm that the e-mail address is yours")).to_be_visible()
    assert_accessible(page)
    assert _people_and_links() == before
    page.goto(f"{live_server.url}/profile/")
    assert "/accounts/login/" in page.url  # not logged in


def test_foreign_domain_is_refused(page, live_server, providers):
    UserFactory(email="lee@elsewhere.example")
    InvitationFactory(email="lee@elsewhere.example")
    before = _people_and_links()
    _sign_in_with(page, live_server, "Test University", "foreign")
    expect(page.get_by_text("signs in people at uni.example.ca only")).to_be_visible()
    assert _people_and_links() == before


def test_id_token_from_the_wrong_issuer_is_refused(page, live_server, providers):
    InvitationFactory(email="ama@uni.example.ca")
    before = _people_and_links()
    _sign_in_with(page, live_server, "Misconfigured University", "ama")
    expect(page.get_by_role("heading", name="Sign-in failed")).to_be_visible()
    assert_accessible(page)
    assert _people_and_links() == before


def test_tampered_state_is_refused(page, live_server, providers):
    InvitationFactory(email="ama@uni.example.ca")
    before = _people_and_links()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Test University").click()
    page.wait_for_load_state()
    # The provider's login page carries the authorization request, state included: change it.
    assert "state%3D" in page.url
    page.goto(page.url.replace("state%3D", "state%3Dforged"))
    page.get_by_label("Username").fill("ama")
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in to Test University").click()
    page.wait_for_load_state()
    assert "/accounts/oidc/campus-idp/login/callback/" in page.url
    expect(page.get_by_role("heading", name="Sign-in failed")).to_be_visible()
    assert _people_and_links() == before


def test_coordinator_must_enrol_an_authenticator_app(page, live_server, login):
    campus = CampusFactory(slug="east")
    coordinator = MembershipFactory(
        campus=campus, role=Membership.Role.COORDINATOR, second_factor=False
    ).user
    login(coordinator)
    assert "/accounts/2fa/totp/activate/" in page.url
    page.goto(f"{live_server.url}/c/east/dashboard/")
    assert "/accounts/2fa/totp/activate/" in page.url  # nothing else until enrolled
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.goto(f"{live_server.url}/c/east/dashboard/")
    assert page.url == f"{live_server.url}/c/east/dashboard/"
    # Next time: password, then a code from the app.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_accessible(page)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/c/east/dashboard/"


def test_recovery_code_works_once(page, live_server):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    campus = CampusFactory(slug="west")
    coordinator = MembershipFactory(campus=campus, role=Membership.Role.COORDINATOR).user
    code = RecoveryCodes.activate(coordinator).get_unused_codes()[0]
    for attempt in range(2):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(coordinator.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if attempt == 0:
            assert page.url == f"{live_server.url}/c/west/dashboard/"
        else:
            assert "/accounts/2fa/authenticate/" in page.url
            expect(page.get_by_text("Incorrect code")).to_be_visible()
    assert TOTP_SECRET  # the app's own secret is not needed for a recovery code


@pytest.mark.parametrize("counts_as_mfa", [True, False])
def test_coordinator_through_a_provider_that_enforces_mfa_need_not_enrol(
    page, live_server, providers, counts_as_mfa
):
    campus_idp, _ = providers
    campus_idp.counts_as_mfa = counts_as_mfa
    campus_idp.save()
    campus = CampusFactory(slug="uni")
    MembershipFactory(
        campus=campus,
        role=Membership.Role.COORDINATOR,
        user=UserFactory(email="ama@uni.example.ca"),
        second_factor=False,
    )
    _sign_in_with(page, live_server, "Test University", "ama")
    if counts_as_mfa:
        assert page.url == f"{live_server.url}/c/uni/dashboard/"
    else:
        assert page.url == f"{live_server.url}/accounts/2fa/totp/activate/"


def test_peer_adds_a_security_key_and_logs_in_with_it(page, live_server, login):
    from allauth.mfa.models import Authenticator

    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    peer = MembershipFactory(campus=CampusFactory(slug="north")).user
    login(peer)
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Name").fill("My key")
    page.get_by_role("button", name="Add").click()
    # The page's script asks the authenticator, then posts the form: wait for its answer.
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=peer, type="webauthn").count() == 1
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(peer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(f"{live_server.url}/c/north/")


def test_provider_pages_are_accessible(page, live_server, providers, login):
    page.goto(f"{live_server.url}/accounts/oidc/campus-idp/login/")
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    assert_accessible(page)
    peer = MembershipFactory(campus=CampusFactory(slug="south")).user
    login(peer)
    page.goto(f"{live_server.url}/accounts/3rdparty/")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/accounts/2fa/")
    assert_accessible(page)
