"""Behind the reverse proxy: every request arrives from the proxy's address, so login rate limits
must count the client's address (X-Forwarded-For) and each account, not the proxy's."""

import pytest
from django.urls import reverse

from .factories import PASSWORD

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"


@pytest.fixture
def one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _login(client, email, password, client_address):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_a_flood_on_one_account_locks_out_nobody_else(client_factory, world, one_proxy):
    attacker, colleague = client_factory(), client_factory()
    for _ in range(12):
        response = _login(attacker, world.peer.email, "wrong-password", "203.0.113.7")
        assert response.status_code == 200
    response = _login(colleague, world.partner.email, PASSWORD, "198.51.100.23")
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(world.partner.pk)


def test_the_flooded_account_itself_is_limited(client_factory, world, one_proxy):
    """Per account: even its owner, from another address, waits until the limit expires."""
    attacker, owner = client_factory(), client_factory()
    for _ in range(5):
        _login(attacker, world.peer.email, "wrong-password", "203.0.113.7")
    response = _login(owner, world.peer.email, PASSWORD, "198.51.100.23")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in owner.session


def test_one_address_is_limited_across_accounts(client_factory, world, one_proxy):
    """Per address: ten wrong passwords a minute, whichever accounts they are for."""
    attacker = client_factory()
    accounts = [world.peer, world.partner, world.other_coordinator, world.admin]
    for n in range(10):
        _login(attacker, accounts[n % 4].email, "wrong-password", "203.0.113.7")
    response = _login(attacker, world.coordinator.email, PASSWORD, "203.0.113.7")
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in attacker.session
    response = _login(client_factory(), world.coordinator.email, PASSWORD, "198.51.100.23")
    assert response.status_code == 302


def test_the_client_address_is_the_one_the_trusted_proxy_saw(rf, settings):
    """A client cannot pick its address by sending X-Forwarded-For itself: with one proxy, the
    address that proxy appended (the last one) counts."""
    from allauth.account.adapter import get_adapter

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert get_adapter().get_client_ip(request) == "203.0.113.7"


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
