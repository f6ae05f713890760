"""A person's own data and erasure: a peer downloads their data from their profile; a site admin
erases a person, whose name then appears on none of the pages visited."""

import datetime as dt
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Attendance
from tests.factories import ActionItemFactory, AttendanceFactory, MeetingFactory, MembershipFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
NAME = "Philippa Marchbanks"


def _accessible_at_both_widths(page):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_peer_downloads_their_data_from_their_profile(login, world, live_server):
    meeting = MeetingFactory(campus=world.campus, title="October meeting")
    AttendanceFactory(meeting=meeting, user=world.peer)
    AttendanceFactory(meeting=meeting, user=world.partner)
    page = login(world.peer)
    page.goto(f"{live_server.url}{reverse('members:profile')}")
    _accessible_at_both_widths(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename == "my-data.zip"
    archive = zipfile.ZipFile(download.path())
    assert "my-data.json" in archive.namelist()
    assert "meetings.csv" in archive.namelist()
    data = json.loads(archive.read("my-data.json"))
    assert data["profile"][0]["email"] == world.peer.email
    assert [m["meeting"] for m in data["meetings"]] == ["October meeting"]
    assert world.partner.name not in archive.read("my-data.json").decode()


def test_site_admin_erases_a_person_whose_name_then_appears_nowhere(login, world, live_server):
    person = MembershipFactory(campus=world.campus, user__name=NAME).user
    past = MeetingFactory(
        campus=world.campus,
        title="September meeting",
        starts_at=timezone.now() - dt.timedelta(days=10),
        ends_at=timezone.now() - dt.timedelta(days=10, hours=-1),
    )
    AttendanceFactory(meeting=past, user=person, presence=Attendance.Presence.PRESENT)
    ActionItemFactory(meeting=past, owner=person, text="Print the flyers")
    page = login(world.admin)
    page.goto(f"{live_server.url}{reverse('privacy:person_erase', kwargs={'pk': person.pk})}")
    expect(page.get_by_role("heading", name="What the campus keeps")).to_be_visible()
    _accessible_at_both_widths(page)

    page.get_by_label("Type the person's e-mail address to confirm").fill("wrong@example.edu")
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("That is not this person's e-mail address.")).to_be_visible()
    _accessible_at_both_widths(page)

    page.get_by_label("Type the person's e-mail address to confirm").fill(person.email)
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text(f"Former member #{person.pk} has been erased.")).to_be_visible()
    _accessible_at_both_widths(page)
    visited = [
        reverse("privacy:person_erase", kwargs={"pk": person.pk}),
        reverse("members:member_list", kwargs={"campus": world.campus.slug}),
        reverse("meetings:meeting_detail", kwargs={"campus": world.campus.slug, "pk": past.pk}),
        reverse("reports:dashboard", kwargs={"campus": world.campus.slug}),
        reverse("reports:attendance_csv", kwargs={"campus": world.campus.slug}),
    ]
    for path in visited:
        response = page.request.get(f"{live_server.url}{path}")
        assert response.status == 200, path
        text = response.text()
        assert NAME not in text, path
        assert person.email not in text, path
