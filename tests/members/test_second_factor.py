"""Second factors: who must set one up, what they reach until then, how they log in after,
rate limits on codes, and a site admin's reset."""

import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from members.models import FactorReset, Membership
from members.services import reset_second_factors
from tests.factories import PASSWORD, TOTP_SECRET, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ENROL_URL = "/accounts/2fa/totp/activate/"


@pytest.fixture
def coordinator(world):
    """A coordinator of the world's campus without a second factor yet."""
    return MembershipFactory(
        campus=world.campus, role=Membership.Role.COORDINATOR, second_factor=False
    ).user


def _password_login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_coordinator_without_second_factor_reaches_only_enrolment(client, world, coordinator):
    client.force_login(coordinator)
    for url in [
        reverse("reports:dashboard", kwargs={"campus": world.campus.slug}),
        reverse("home"),
        reverse("members:profile"),
        "/admin/",
    ]:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, ENROL_URL), url
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get("/health/").status_code in (200, 503)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_site_admin_without_second_factor_must_enrol(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True, second_factor=False)
    client.force_login(admin)
    assert client.get(reverse("reports:overview")).url == ENROL_URL


def test_peer_supporter_needs_no_second_factor(client, world):
    client.force_login(world.peer)
    assert (
        client.get(reverse("reports:my_page", kwargs={"campus": world.campus.slug})).status_code
        == 200
    )


def test_no_role_must_enrol_when_the_setting_says_none(client, world, coordinator, settings):
    settings.MFA_REQUIRED_ROLES = frozenset()
    client.force_login(coordinator)
    url = reverse("reports:dashboard", kwargs={"campus": world.campus.slug})
    assert client.get(url).status_code == 200


def test_coordinator_enrols_after_password_login_and_is_let_through(
    client, world, coordinator, django_capture_on_commit_callbacks
):
    response = _password_login(client, coordinator)
    assert client.get(response.url).url == ENROL_URL
    assert client.get(ENROL_URL).status_code == 200  # no second password prompt
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ENROL_URL, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=coordinator, type="totp").count() == 1
    url = reverse("reports:dashboard", kwargs={"campus": world.campus.slug})
    assert client.get(url).status_code == 200


def test_coordinator_with_app_gives_a_code_after_the_password(client, world):
    response = _password_login(client, world.coordinator)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not logged in before the code
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.coordinator.pk)


def test_code_read_just_before_it_changed_is_accepted_once(client, world):
    """A person who reads the code at the end of its 30 seconds and types it in the next step
    is let in; the same code is not accepted twice, and a code two steps old never."""
    totp = pyotp.TOTP(TOTP_SECRET)
    _password_login(client, world.coordinator)
    stale = totp.at(time.time() - 60)
    response = client.post(reverse("mfa_authenticate"), {"code": stale})
    assert "Incorrect code." in response.content.decode()
    previous = totp.at(time.time() - 30)
    response = client.post(reverse("mfa_authenticate"), {"code": previous})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.coordinator.pk)
    client.logout()
    _password_login(client, world.coordinator)
    response = client.post(reverse("mfa_authenticate"), {"code": previous})
    assert "Incorrect code." in response.content.decode()


def test_wrong_codes_are_rate_limited(client, world):
    _password_login(client, world.coordinator)
    for _ in range(5):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "Incorrect code." in response.content.decode()
    # The right code no longer helps for a while: guessing a 6-digit code is out of reach.
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_page_sends_to_the_app_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response.url) == (302, "/accounts/login/?next=%2Fadmin%2F")
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.url == "/accounts/login/"


def test_site_admin_resets_second_factors_and_it_is_recorded(world):
    reset = reset_second_factors(user=world.coordinator, by=world.admin)
    assert Authenticator.objects.filter(user=world.coordinator).count() == 0
    assert (reset.user, reset.reset_by, reset.authenticators_removed) == (
        world.coordinator,
        world.admin,
        1,
    )


def test_only_site_admins_reset_second_factors(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reset_second_factors(user=world.peer, by=world.coordinator)
    assert Authenticator.objects.filter(user=world.coordinator).count() == 1
    assert FactorReset.objects.count() == 0


def test_site_admin_resets_from_the_admin(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:members_user_changelist"),
        {"action": "reset_second_factors", "_selected_action": [world.coordinator.pk]},
    )
    assert response.status_code == 302
    assert list(FactorReset.objects.values_list("user", "reset_by")) == [
        (world.coordinator.pk, world.admin.pk)
    ]
    assert Authenticator.objects.filter(user=world.coordinator).count() == 0


def test_peer_made_coordinator_during_the_session_must_enrol(client, world):
    client.force_login(world.peer)
    membership = world.peer.memberships.get()
    membership.role = Membership.Role.COORDINATOR
    membership.save()
    url = reverse("reports:dashboard", kwargs={"campus": world.campus.slug})
    assert client.get(url).url == ENROL_URL
    assert client.get(reverse("members:profile")).url == ENROL_URL


def test_person_made_site_admin_during_the_session_must_enrol(client, world):
    client.force_login(world.peer)
    world.peer.is_superuser = True
    world.peer.save()
    assert client.get(reverse("reports:overview")).url == ENROL_URL


def test_peer_with_a_second_factor_made_coordinator_goes_on(client, world):
    from tests.factories import give_second_factor

    client.force_login(give_second_factor(world.peer))
    world.peer.memberships.update(role=Membership.Role.COORDINATOR)
    url = reverse("reports:dashboard", kwargs={"campus": world.campus.slug})
    assert client.get(url).status_code == 200
