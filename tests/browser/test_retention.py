"""A coordinator sets how long the campus keeps case-collaboration notes (0 is refused), and a
meeting past that period shows that its notes existed and when they were erased."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import minutes
from meetings.retention import apply_retention
from tests.factories import MeetingFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOTES = "We talked through referral options for a student in residence."


def test_coordinator_sets_retention_and_sees_erased_notes(login, world, live_server):
    page = login(world.coordinator)
    page.goto(f"{live_server.url}/c/riverside/settings/")
    field = page.get_by_label("Keep case-collaboration notes (months)")
    expect(field).to_have_value("24")
    expect(page.get_by_label("Keep minutes (months)")).to_have_value("")
    field.fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Keep case-collaboration notes for at least 1 month.")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    world.campus.refresh_from_db()
    assert world.campus.case_notes_retention_months == 24

    page.get_by_label("Keep case-collaboration notes (months)").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the settings of Riverside.")).to_be_visible()
    world.campus.refresh_from_db()
    assert world.campus.case_notes_retention_months == 12

    starts = timezone.now() - dt.timedelta(days=400)
    meeting = MeetingFactory(
        campus=world.campus, starts_at=starts, ends_at=starts + dt.timedelta(hours=1)
    )
    minutes.save_case_notes(meeting=meeting, version=0, text=NOTES, by=world.coordinator)
    apply_retention()
    today = timezone.localtime(timezone.now(), world.campus.tz)
    page.goto(f"{live_server.url}/c/riverside/meetings/{meeting.pk}/minutes/")
    note = page.locator(".case-notes .erased-note").first
    expect(note).to_have_text(
        f"Case notes erased on {today.day} {today:%b %Y} under the campus's retention setting."
    )
    expect(page.get_by_text(NOTES)).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
