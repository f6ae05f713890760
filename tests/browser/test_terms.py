"""A term begins and ends: a coordinator invites a cohort from a pasted list, and marks
several members as left; site admins open a campus; offers are declined and seen declined."""

import pytest
from playwright.sync_api import expect

from members.models import Invitation, Membership
from tests.factories import FacilitationOfferFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)

PASTED = """Ama Owusu <ama@example.edu>
ben@example.edu, Ben Tremblay
cleo@example
dana@example.edu
Eli Noor, eli@example.edu
"""


def _accessible_at_both_widths(page):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_coordinator_invites_a_cohort_with_one_bad_address(login, world, live_server):
    page = login(world.coordinator)
    page.goto(f"{live_server.url}/c/riverside/members/")
    page.get_by_role("link", name="Invite several").click()
    _accessible_at_both_widths(page)

    page.get_by_label("Addresses").fill(PASTED)
    page.get_by_role("button", name="Check and invite").click()
    report = page.locator("#invite-report")
    expect(report.get_by_text("1 row cannot be invited; nobody was invited.")).to_be_visible()
    expect(
        report.get_by_role("cell", name="Not an e-mail address: “cleo@example”.")
    ).to_be_visible()
    expect(report.get_by_role("cell", name="3", exact=True)).to_be_visible()
    assert Invitation.objects.count() == 0
    _accessible_at_both_widths(page)

    # The list is still in the box; one tick invites the other four.
    assert page.get_by_label("Addresses").input_value() == PASTED.strip()
    page.get_by_label("Invite the 4 valid rows and skip the bad ones").check()
    page.get_by_role("button", name="Check and invite").click()
    expect(page.get_by_text("4 invitations sent; 1 row skipped.")).to_be_visible()
    assert sorted(Invitation.objects.values_list("email", "name")) == [
        ("ama@example.edu", "Ama Owusu"),
        ("ben@example.edu", "Ben Tremblay"),
        ("dana@example.edu", ""),
        ("eli@example.edu", "Eli Noor"),
    ]
    expect(page.get_by_role("button", name="Re-send all 4 pending invitations")).to_be_visible()
    _accessible_at_both_widths(page)


def test_coordinator_marks_three_members_as_left(login, world, live_server):
    leaving = [
        MembershipFactory(campus=world.campus, user=UserFactory(name=name))
        for name in ("Ada Leaving", "Bo Leaving", "Cy Leaving")
    ]
    page = login(world.coordinator)
    page.goto(f"{live_server.url}/c/riverside/members/")
    _accessible_at_both_widths(page)
    for m in leaving:
        page.get_by_label(f"Choose {m.user.name}").check()
    page.get_by_role("button", name="Mark the chosen as left…").click()
    expect(page.get_by_text("These 3 members leave Riverside today:")).to_be_visible()
    for m in leaving:
        expect(page.get_by_role("listitem").filter(has_text=m.user.name)).to_be_visible()
    _accessible_at_both_widths(page)
    page.get_by_role("button", name="Mark 3 members as left").click()
    expect(page.get_by_text("3 members are marked as left")).to_be_visible()
    assert sorted(
        Membership.objects.filter(status="left").values_list("user__name", flat=True)
    ) == ["Ada Leaving", "Bo Leaving", "Cy Leaving"]


def test_site_admin_opens_a_campus(login, world, live_server):
    page = login(world.admin)
    page.goto(f"{live_server.url}/campuses/")
    _accessible_at_both_widths(page)
    page.get_by_role("link", name="Open a campus").click()
    page.get_by_label("Name").fill("Lakeshore")
    page.get_by_label("Institution").fill("Northern College")
    page.get_by_label("Time zone").select_option("America/Winnipeg")
    _accessible_at_both_widths(page)
    page.get_by_role("button", name="Open the campus").click()
    expect(page.get_by_text("Opened Lakeshore.")).to_be_visible()
    expect(page.get_by_role("cell", name="America/Winnipeg")).to_be_visible()


def test_coordinator_declines_an_offer_and_the_peer_sees_it(login, world, live_server, browser):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    page = login(world.coordinator)
    page.goto(f"{live_server.url}/c/riverside/offers/")
    _accessible_at_both_widths(page)
    page.get_by_label(f"Reason for declining {world.peer.name}'s offer").fill("Next term.")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text(f"Declined {world.peer.name}'s offer")).to_be_visible()

    peer_page = browser.new_page()
    peer_page.goto(f"{live_server.url}/accounts/login/")
    peer_page.get_by_label("Email").fill(world.peer.email)
    peer_page.get_by_label("Password").fill("a-long-test-password-42")
    peer_page.get_by_role("button", name="Log in").click()
    peer_page.goto(f"{live_server.url}/c/riverside/offers/mine/")
    expect(peer_page.get_by_role("cell", name="Declined — Next term.")).to_be_visible()
    expect(peer_page.get_by_role("link", name=offer.topic.title)).to_be_visible()
    _accessible_at_both_widths(peer_page)
