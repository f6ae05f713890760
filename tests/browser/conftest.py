import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, TOTP_SECRET

_axe = Axe()


@pytest.fixture
def login(page, live_server):
    """Log a person in through the real login form; returns the page."""

    def _login(user, password=PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in page.url:
            # Coordinators and site admins have an authenticator app (tests/factories.py).
            page.get_by_label("Code").fill(pyotp.TOTP(TOTP_SECRET).now())
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        return page

    return _login


def assert_accessible(page):
    """axe-core, run in the page: no violations of any impact."""
    results = _axe.run(page)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()
