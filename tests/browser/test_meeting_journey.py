"""The whole meeting journey in Chromium: schedule with an agenda, confirm, record presence,
write minutes; a peer supporter who was absent cannot read the case-collaboration notes."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Attendance, Meeting
from members.models import Membership
from tests.factories import FacilitationOfferFactory, MembershipFactory, TopicFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "Agreed how to hand over a participant when a peer supporter graduates."


def _log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_meeting_journey(login, world, live_server):
    absent_peer = MembershipFactory(
        campus=world.campus, role=Membership.Role.PEER_SUPPORTER, user__name="Avery Absent"
    ).user
    topic = TopicFactory(title="Wellness strategies for us")
    offer = FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.peer)
    tz = world.campus.tz
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=2)

    # A coordinator schedules a meeting with the guidance's agenda.
    page = login(world.coordinator)
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Schedule a meeting").click()
    expect(page.get_by_text("Times are in America/Toronto")).to_be_visible()
    page.get_by_label("Title").fill("December community of practice")
    page.locator("#id_day").fill(day.isoformat())
    page.get_by_label("Starts at").fill("17:00")
    page.get_by_label("Ends at").fill("18:30")
    page.get_by_label("Location").fill("Student Centre, room 204")
    assert_accessible(page)
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Scheduled “December community of practice”; 4 people")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.starts_at == dt.datetime.combine(day, dt.time(17), tzinfo=tz)
    expect(page.get_by_text("Administrative updates").first).to_be_visible()
    assert_accessible(page)

    # ...adds a training item led by a peer supporter who had offered to facilitate it.
    page.get_by_role("link", name="Build the agenda").click()
    expect(page.get_by_text("offers “Wellness strategies for us”")).to_be_visible()
    page.get_by_role("link", name="Add an item").click()
    expect(page.get_by_label("Kind")).to_be_focused()
    assert page.url.endswith("/agenda/")  # opened in place
    page.get_by_label("Kind").select_option("training")
    page.get_by_label("Topic").select_option(label=topic.title)
    page.get_by_label("Facilitator").select_option(label=world.peer.name)
    page.get_by_label("Minutes").fill("30")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("offer to lead this topic is marked used")).to_be_visible()
    page.get_by_role("button", name=f"move “{topic.title}” up").click()
    expect(page.locator("#agenda-items li").nth(3)).to_contain_text(topic.title)
    assert [str(i.shown_title) for i in meeting.agenda_items.order_by("position")] == [
        "Case collaboration",
        "Training",
        "Administrative updates",
        topic.title,
        "Reflection: what is going well, what is proving difficult, ideas for improving",
    ]
    offer.refresh_from_db()
    assert offer.status == "used"
    _log_out(page)

    # A peer supporter confirms from their list of upcoming meetings in one click; another
    # declines from the meeting's page, with a note.
    login(world.peer)
    page.get_by_role("link", name="Meetings", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Attending December community of practice")).click()
    assert page.get_by_text("Your response to “December community of practice”: attending.")
    assert Attendance.objects.get(meeting=meeting, user=world.peer).response == "attending"
    _log_out(page)
    login(absent_peer)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_label("Note (optional)").fill("exam that evening")
    page.get_by_role(
        "button", name=re.compile("^Not attending December community of practice")
    ).click()
    expect(page.get_by_text("not attending.").first).to_be_visible()
    assert_accessible(page)
    _log_out(page)

    # At the meeting, the coordinator records presence on a phone and writes the minutes.
    during = meeting.starts_at + dt.timedelta(minutes=45)
    with time_machine.travel(during, tick=True):
        page.set_viewport_size({"width": 390, "height": 844})
        login(world.coordinator)
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
        expect(page.get_by_text("1 attending · 1 not attending · 2 no response")).to_be_visible()
        page.get_by_role("link", name="Take presence").click()
        page.get_by_role("button", name="Everyone who confirmed was present").click()
        expect(page.get_by_text("Marked 1 person who had confirmed as present.")).to_be_visible()
        page.get_by_role("group", name="Avery Absent").get_by_text("Absent", exact=True).click()
        page.get_by_role("group", name=world.partner.name).get_by_text(
            "Excused", exact=True
        ).click()
        assert_accessible(page)
        page.get_by_role("button", name="Save presence").click()
        expect(page.get_by_text("Saved presence: 1 there, 2 excused or absent")).to_be_visible()
        assert dict(
            Attendance.objects.filter(meeting=meeting).values_list("user__name", "presence")
        ) == {
            world.peer.name: "present",
            "Avery Absent": "absent",
            world.partner.name: "excused",
            world.coordinator.name: "unrecorded",
        }
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
        page.get_by_role("link", name="Minutes").click()
        page.get_by_label("What is going well").fill("Everyone who came took part.")
        page.get_by_label("Ideas for improving").fill("Try a lunchtime slot.")
        page.get_by_role("button", name="Save the minutes").click()
        expect(page.get_by_text("Saved the minutes.")).to_be_visible()
        expect(page.get_by_text("De-identify").first).to_be_visible()
        page.get_by_role("textbox", name="Case-collaboration notes").fill(NOTES)
        page.get_by_role("button", name="Save the notes").click()
        expect(page.get_by_text("Saved the case-collaboration notes.")).to_be_visible()
        assert_accessible(page)
        _log_out(page)

        # The peer supporter who was absent reads the minutes but not the notes.
        login(absent_peer)
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}minutes/")
        expect(page.get_by_text("Everyone who came took part.")).to_be_visible()
        assert page.get_by_text(NOTES).count() == 0
        expect(page.get_by_text("visible only to the campus's coordinators")).to_be_visible()
        assert_accessible(page)
        _log_out(page)

        # The one who was present does.
        login(world.peer)
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}minutes/")
        expect(page.get_by_text(NOTES)).to_be_visible()
        page.goto(f"{live_server.url}/c/{world.campus.slug}/meetings/history/")
        expect(page.get_by_role("cell", name="Present", exact=True)).to_be_visible()
        assert_accessible(page)


def test_one_click_link_works_without_logging_in(page, world, live_server):
    from meetings import respond_links, services

    starts_at = timezone.now() + dt.timedelta(days=3)
    meeting = services.schedule_meeting(
        campus=world.campus,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        title="January community of practice",
        location="Student Centre, room 204",
        by=world.coordinator,
    )
    row = meeting.attendances.get(user=world.peer)
    url = respond_links.respond_url(attendance=row, response="not_attending")
    path = url[url.index("/respond/") :]
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="January community of practice")).to_be_visible()
    expect(page.get_by_text("Student Centre, room 204")).to_be_visible()  # where to go
    assert_accessible(page)
    page.get_by_label("Note (optional)").fill("exam that evening")
    page.get_by_role("button", name="No, I can't attend").click()
    expect(page.get_by_text("is recorded: not attending")).to_be_visible()
    assert_accessible(page)
    row.refresh_from_db()
    assert (row.response, row.response_note) == ("not_attending", "exam that evening")

    page.goto(f"{live_server.url}{path[:-3]}xx/")
    expect(page.get_by_role("heading", name="This link can't be used")).to_be_visible()
    expect(page.get_by_text("Nothing was changed.")).to_be_visible()
    assert_accessible(page)
