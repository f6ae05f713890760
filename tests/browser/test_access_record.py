"""A coordinator sees who read the case-collaboration notes of a meeting, on the history of its
minutes and in the campus's access record; both pages pass axe-core at 1280 and 390 pixels
wide."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import minutes
from meetings.models import Attendance
from tests.factories import AttendanceFactory, MeetingFactory

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "A student felt isolated in residence; we talked through referral options."


def test_coordinator_sees_who_read_the_case_notes(browser, login, world, live_server):
    starts = timezone.now() - dt.timedelta(days=2)
    meeting = MeetingFactory(
        campus=world.campus,
        title="September meeting",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    AttendanceFactory(meeting=meeting, user=world.peer, presence=Attendance.Presence.PRESENT)
    minutes.save_case_notes(meeting=meeting, version=0, text=NOTES, by=world.coordinator)
    minutes_url = f"{live_server.url}{meeting.get_absolute_url()}minutes/"

    # The peer supporter was there: they read the notes.
    peer_context = browser.new_context()
    peer_page = log_in(peer_context.new_page(), live_server.url, world.peer)
    peer_page.goto(minutes_url)
    expect(peer_page.get_by_text(NOTES)).to_be_visible()
    peer_context.close()

    page = login(world.coordinator)
    for width, height in [(1280, 900), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(minutes_url)
        page.get_by_role("link", name="Change history and who read the case notes").click()
        reads = page.locator(".case-notes-reads")
        expect(reads.get_by_role("heading", name="Who read the case notes")).to_be_visible()
        expect(reads.get_by_text(f"{world.peer.name} (Peer supporter)")).to_be_visible()
        expect(reads.get_by_text(f"{world.coordinator.name} (Coordinator)").first).to_be_visible()
        assert_accessible(page)

        page.goto(f"{live_server.url}/c/{world.campus.slug}/records/")
        page.get_by_label("What").select_option(label="Read the case-collaboration notes")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        rows = page.locator("table.access-record tbody tr")
        peer_row = rows.filter(has_text=world.peer.name)
        expect(peer_row).to_have_count(1)
        expect(peer_row.get_by_role("link", name="September meeting")).to_be_visible()
        expect(rows.filter(has_text="Sign")).to_have_count(0)
        assert_accessible(page)
