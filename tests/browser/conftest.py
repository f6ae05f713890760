import time

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, TOTP_SECRET

_axe = Axe()


_used_codes = set()


def _fresh_code(user) -> str:
    """The authenticator app's current code; a code is accepted once per person, so their
    second login in the same 30-second step waits for the next one."""
    totp = pyotp.TOTP(TOTP_SECRET)
    while (user.pk, user.email, code := totp.now()) in _used_codes:
        time.sleep(1)
    _used_codes.add((user.pk, user.email, code))
    return code


def log_in(page, base_url, user, password=PASSWORD):
    """Log a person in through the real login form (and their authenticator app's code when
    asked: coordinators and site admins have one, tests/factories.py); returns the page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        page.get_by_label("Code").fill(_fresh_code(user))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    return page


@pytest.fixture
def login(page, live_server):
    """Log a person in through the real login form in the test's page; returns the page."""

    def _login(user, password=PASSWORD):
        return log_in(page, live_server.url, user, password)

    return _login


def assert_accessible(page):
    """axe-core, run in the page: no violations of any impact."""
    results = _axe.run(page)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()
