import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)


def test_coordinator_logs_in_and_sees_members(login, world, live_server):
    page = login(world.coordinator)
    assert page.url == f"{live_server.url}/c/{world.campus.slug}/dashboard/"
    page.get_by_role("link", name="Campus", exact=True).click()
    expect(page.get_by_role("heading", name=world.campus.name)).to_be_visible()
    expect(page.get_by_role("cell", name=world.peer.email)).to_be_visible()
    assert_accessible(page)


def test_wrong_password_is_refused_with_a_message(login, world, live_server):
    page = login(world.peer, password="not-the-password")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    expect(page.get_by_text("not correct")).to_be_visible()


def test_coordinator_invites_a_member_in_the_browser(login, world, live_server, mailoutbox):
    page = login(world.coordinator)
    page.get_by_role("link", name="Campus", exact=True).click()
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("E-mail address").fill("new.person@example.edu")
    page.get_by_label("Role").select_option("peer_supporter")
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.person@example.edu")).to_be_visible()
    expect(page.get_by_role("cell", name="new.person@example.edu", exact=True)).to_be_visible()
    assert_accessible(page)
    assert [m.to for m in mailoutbox] == [["new.person@example.edu"]]
