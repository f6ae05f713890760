import pytest

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert_accessible(page)


def test_coordinator_logs_in_and_sees_members(login, world, live_server):
    page = login(world.coordinator)
    assert page.url == f"{live_server.url}/c/{world.campus.slug}/dashboard/"
    page.get_by_role("link", name="Campus", exact=True).click()
    assert page.get_by_role("heading", name=world.campus.name).is_visible()
    assert page.get_by_role("cell", name=world.peer.email).is_visible()
    assert_accessible(page)


def test_wrong_password_is_refused_with_a_message(login, world, live_server):
    page = login(world.peer, password="not-the-password")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.get_by_text("not correct").is_visible()


def test_coordinator_invites_a_member_in_the_browser(login, world, live_server, mailoutbox):
    page = login(world.coordinator)
    page.get_by_role("link", name="Campus", exact=True).click()
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("E-mail address").fill("new.person@example.edu")
    page.get_by_label("Role").select_option("peer_supporter")
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("Invitation sent to new.person@example.edu").is_visible()
    assert page.get_by_role("cell", name="new.person@example.edu", exact=True).is_visible()
    assert_accessible(page)
    assert [m.to for m in mailoutbox] == [["new.person@example.edu"]]
