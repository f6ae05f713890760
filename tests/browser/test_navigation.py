"""Finding one's way in Chromium: the campus stays in the navigation, switching campus is one
labelled menu (with and without JavaScript), the dashboard leads with what needs action on a
phone, and the small pages around a meeting lead somewhere."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings import respond_links
from members.models import Membership
from tests.factories import PASSWORD, AttendanceFactory, MeetingFactory, MembershipFactory

from .conftest import assert_accessible, log_in
from .test_dashboards import _campus_with_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _two_campuses(world):
    MembershipFactory(
        user=world.coordinator, campus=world.other_campus, role=Membership.Role.COORDINATOR
    )


def test_switch_campus_with_javascript(login, world, live_server):
    _two_campuses(world)
    page = login(world.coordinator)  # Hillside comes first by name
    assert page.url == f"{live_server.url}/c/hillside/dashboard/"
    menu = page.get_by_text("Campus: Hillside")
    menu.click()
    assert_accessible(page)
    page.get_by_role("link", name="Riverside").click()
    page.wait_for_url(f"{live_server.url}/c/riverside/")
    # Pages that belong to no campus keep this one in the navigation.
    page.get_by_role("link", name="Training catalogue").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_text("Campus: Riverside")).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute(
        "href", "/c/riverside/dashboard/"
    )
    # The menu closes with Escape and on a click elsewhere.
    nav.get_by_text("Campus: Riverside").click()
    expect(nav.get_by_role("link", name="Hillside")).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Hillside")).to_be_hidden()
    page.set_viewport_size(PHONE)
    nav.get_by_text("Campus: Riverside").click()
    expect(nav.get_by_role("link", name="Hillside")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("heading", level=1).click()
    expect(nav.get_by_role("link", name="Hillside")).to_be_hidden()
    # The next login goes back to the campus used last.
    page.get_by_role("button", name="Log out").click()
    page = login(world.coordinator)
    assert page.url == f"{live_server.url}/c/riverside/dashboard/"


def test_switch_campus_without_javascript(browser, world, live_server):
    _two_campuses(world)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, world.coordinator)
    page.goto(f"{live_server.url}/profile/")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Campus: Hillside").click()
    nav.get_by_role("link", name="Riverside").click()
    assert page.url == f"{live_server.url}/c/riverside/"
    expect(nav.get_by_text("Campus: Riverside")).to_be_visible()
    context.close()


def test_dashboard_on_a_phone_leads_with_what_needs_action(login, page, world, live_server):
    _campus_with_history(world)
    page.set_viewport_size(PHONE)
    login(world.coordinator)
    attention = page.get_by_role("heading", name="Needs your attention")
    cadence = page.get_by_role("heading", name="Meetings every month")
    assert attention.bounding_box()["y"] < cadence.bounding_box()["y"]
    assert attention.bounding_box()["y"] < 844  # on the first screen
    expect(page.get_by_text("Avery Absent", exact=False).first).to_be_visible()
    # The long tables are folded on a phone, one tap away.
    members = page.get_by_role("table", name="Each member's attendance")
    expect(members).to_be_hidden()
    page.get_by_text("Each member's attendance (4)").click()
    expect(members).to_be_visible()
    height = page.evaluate("document.body.scrollHeight")
    assert height < 4000, height
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)


def test_calendar_feed_copy_button_copies_the_address(login, page, world, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(world.peer)
    page.goto(f"{live_server.url}/profile/")
    page.goto(f"{live_server.url}{reverse('meetings:calendar_feed_settings')}")
    page.get_by_role("button", name="Get my calendar address").click()
    field = page.get_by_label("Your private address")
    address = field.input_value()
    assert address.startswith("http://") and "/calendar/" in address
    page.get_by_role("button", name="Copy the address").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address
    webcal = page.get_by_role("link", name="Subscribe in my calendar application")
    assert webcal.get_attribute("href") == "webcal://" + address.removeprefix("http://")
    page.mouse.move(0, 0)  # off the button: axe reads colours, not a hover half-way through
    page.wait_for_timeout(300)
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)


def test_calendar_feed_address_is_selectable_without_javascript(browser, world, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, world.peer)
    page.goto(f"{live_server.url}{reverse('meetings:calendar_feed_settings')}")
    page.get_by_role("button", name="Get my calendar address").click()
    field = page.get_by_label("Your private address")
    expect(field).to_have_attribute("readonly", "")
    field.select_text()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value")
    expect(page.get_by_role("button", name="Copy the address")).to_be_hidden()
    context.close()


def test_one_click_pages_show_the_place_and_lead_on(page, world, live_server):
    meeting = MeetingFactory(
        campus=world.campus, location="Student Centre, room 204", online_link=""
    )
    row = AttendanceFactory(meeting=meeting, user=world.peer)
    path = respond_links.respond_url(attendance=row, response="attending").split("/respond/")[1]
    page.goto(f"{live_server.url}/respond/{path}")
    expect(page.get_by_text("Student Centre, room 204")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.get_by_role("button", name="Yes, I will attend").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("Student Centre, room 204")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    page.get_by_role("link", name="Log in to see the agenda").click()
    page.get_by_label("Email").fill(world.peer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{meeting.get_absolute_url()}")


def test_a_new_member_lands_on_a_welcome_and_responds(login, page, world, live_server):
    meeting = MeetingFactory(campus=world.campus, title="December meeting")
    AttendanceFactory(meeting=meeting, user=world.peer)
    login(world.peer)
    assert page.url == f"{live_server.url}/c/riverside/"
    expect(page.get_by_role("heading", name="Welcome to the Riverside community")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Attending December meeting")).click()
    expect(page.get_by_text("Your response to “December meeting”: attending.")).to_be_visible()
