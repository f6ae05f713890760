"""A coordinator's everyday path through meetings in Chromium, counting the steps: taking
presence on a phone (with and without JavaScript), scheduling next month's meeting with last
month's agenda in one form, recording a meeting afterwards, the compact list and the month
calendar; axe-core on each page at 1280 and 390 pixels."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import agenda, services
from meetings.models import AgendaItem, Attendance, Meeting
from members.models import Membership
from outbox.models import OutboundEmail
from tests.factories import MembershipFactory, UserFactory

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _members_since_last_month(world):
    Membership.objects.filter(campus=world.campus).update(
        joined_on=timezone.localdate() - dt.timedelta(days=40)
    )


def _meeting_on_now(world, *, title="Community of practice"):
    """A meeting that began half an hour ago (recorded now, so nobody is e-mailed)."""
    starts = timezone.now() - dt.timedelta(minutes=30)
    return services.schedule_meeting(
        campus=world.campus,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        title=title,
        location="Student Centre, room 204",
        by=world.coordinator,
    )


def _confirm(meeting, users):
    Attendance.objects.filter(meeting=meeting, user__in=users).update(
        response=Attendance.Response.ATTENDING, responded_at=timezone.now()
    )


def _fifteen_people(world):
    """The world's three, and twelve peer supporters; two of them share a name."""
    people = [world.coordinator, world.peer, world.partner]
    for i in range(12):
        name = "Sam Lee" if i < 2 else f"Peer {i:02d}"
        people.append(MembershipFactory(campus=world.campus, user__name=name).user)
    _members_since_last_month(world)
    return people


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_take_presence_on_a_phone_with_the_shortcut_after_some_choices(
    browser, live_server, world, javascript
):
    people = _fifteen_people(world)
    meeting = _meeting_on_now(world)
    confirmed = people[1:9]  # eight said they would come
    _confirm(meeting, confirmed)
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, live_server.url, world.coordinator)

    # From the list, "Take presence" is the first thing on the meeting's row.
    page.goto(f"{live_server.url}/c/{world.campus.slug}/meetings/")
    row = page.locator(".meeting-row").filter(has_text=meeting.title)
    assert row.get_by_role("link").first.inner_text().startswith("Take presence")
    row.get_by_role("link", name=re.compile("^Take presence")).click()
    expect(page.get_by_text("15 people still unrecorded")).to_be_visible()  # waits for the page
    # People with the same name are told apart by their e-mail address.
    sams = [p for p in people if p.name == "Sam Lee"]
    for sam in sams:
        expect(page.get_by_role("group", name=re.compile(re.escape(sam.email)))).to_be_visible()
    if javascript:
        assert_accessible(page)

    # Two choices first: a confirmed person was in fact absent, an unconfirmed one came late.
    absent, late = confirmed[0], people[12]
    page.get_by_role("group", name=re.compile(re.escape(absent.name))).get_by_text(
        "Absent", exact=True
    ).click()
    page.get_by_role("group", name=re.compile(re.escape(late.name))).get_by_text(
        "Late", exact=True
    ).click()
    if javascript:  # each tap saved at once, without reloading the page
        page.get_by_text("13 people still unrecorded").wait_for()
        presence = dict(
            Attendance.objects.filter(meeting=meeting).values_list("user_id", "presence")
        )
        assert (presence[absent.pk], presence[late.pk]) == ("absent", "late")
    page.get_by_role("button", name="Everyone who confirmed was present").click()
    expect(page.get_by_text("Marked 7 people who had confirmed as present.")).to_be_visible()
    presence = dict(Attendance.objects.filter(meeting=meeting).values_list("user_id", "presence"))
    assert presence[absent.pk] == "absent"  # the choice made on the page was kept
    assert presence[late.pk] == "late"
    assert [presence[p.pk] for p in confirmed[1:]] == ["present"] * 7
    assert sum(value == "unrecorded" for value in presence.values()) == 6
    expect(page.get_by_text("6 people still unrecorded")).to_be_visible()
    context.close()


def test_record_presence_for_fifteen_people_in_sixteen_taps(browser, live_server, world):
    people = _fifteen_people(world)
    meeting = _meeting_on_now(world)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, world.coordinator)
    page.goto(f"{live_server.url}/c/{world.campus.slug}/meetings/{meeting.pk}/roster/")
    taps = 0
    for fieldset in page.locator("fieldset.roster-person").all():
        choice = fieldset.get_by_text("Present", exact=True)
        box = choice.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44  # a thumb's target
        choice.click()
        taps += 1
    page.get_by_role("button", name="Save presence").click()
    taps += 1
    assert taps == 16
    assert page.get_by_text("Saved presence: 15 there, 0 excused or absent, 0 not recorded yet.")
    assert set(Attendance.objects.filter(meeting=meeting).values_list("presence", flat=True)) == {
        "present"
    }
    assert Attendance.objects.filter(meeting=meeting).count() == len(people)
    context.close()


def test_schedule_next_month_copying_last_months_agenda_in_one_form(login, world, live_server):
    last = _meeting_on_now(world, title="November meeting")
    agenda.add_agenda_item(
        meeting=last, kind="other", title="Welcome the new cohort", duration_minutes=10, by=None
    )
    page = login(world.coordinator)
    page.goto(f"{live_server.url}/c/{world.campus.slug}/meetings/new/")
    day = timezone.now().astimezone(world.campus.tz).date() + dt.timedelta(days=28)
    steps = 0
    page.get_by_label("Title").fill("December meeting")
    page.locator("#id_day").fill(day.isoformat())
    page.get_by_label("Starts at").fill("17:00")
    page.get_by_label("Ends at").fill("18:30")
    page.get_by_label("Location").fill("Student Centre, room 204")
    # Copying the previous meeting's agenda is what the form offers first.
    assert page.get_by_label(
        "A copy of the structure of this campus's previous meeting"
    ).is_checked()
    page.get_by_role("button", name="Schedule").click()
    steps += 1  # one form, sent once
    assert steps == 1
    expect(page.get_by_text("Scheduled “December meeting”")).to_be_visible()
    december = Meeting.objects.get(title="December meeting")
    assert list(
        december.agenda_items.order_by("position").values_list("kind", "title", "duration_minutes")
    ) == list(
        last.agenda_items.order_by("position").values_list("kind", "title", "duration_minutes")
    )
    assert december.agenda_items.filter(title="Welcome the new cohort").exists()
    assert AgendaItem.objects.count() == 10


def test_record_a_meeting_that_already_took_place(login, world, live_server):
    _members_since_last_month(world)
    page = login(world.coordinator)
    page.goto(f"{live_server.url}/c/{world.campus.slug}/meetings/new/")
    day = timezone.now().astimezone(world.campus.tz).date() - dt.timedelta(days=14)
    page.get_by_label("Title").fill("Catch-up meeting")
    page.locator("#id_day").fill(day.isoformat())
    page.get_by_label("Starts at").fill("17:00")
    page.get_by_label("Ends at").fill("18:30")
    page.get_by_label("Location").fill("Student Centre, room 204")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", name="Who was there?")).to_be_visible()
    expect(page.get_by_text("nobody was e-mailed")).to_be_visible()
    expect(page.get_by_text("3 people still unrecorded")).to_be_visible()
    assert OutboundEmail.objects.count() == 0
    page.get_by_role("link", name="Then write the minutes").click()
    expect(page.get_by_label("What is going well")).to_be_visible()


def test_meetings_list_calendar_meeting_and_roster_pages_are_accessible(login, world, live_server):
    meeting = _meeting_on_now(world)
    Membership.objects.filter(campus=world.campus).update(
        joined_on=timezone.localdate() - dt.timedelta(days=400)
    )
    for weeks in (-8, -4, 3):
        starts = timezone.now() + dt.timedelta(weeks=weeks)
        services.schedule_meeting(
            campus=world.campus,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            title=f"Meeting in {weeks} weeks",
            location="Room 1",
            by=world.coordinator,
        )
    twin = UserFactory(name=world.peer.name)
    MembershipFactory(campus=world.campus, user=twin)
    local_now = timezone.now().astimezone(world.campus.tz)
    base = f"{live_server.url}/c/{world.campus.slug}/meetings/"
    pages = [
        base,
        f"{base}calendar/{local_now.year}/{local_now.month}/",
        f"{base}{meeting.pk}/",
        f"{base}{meeting.pk}/roster/",
    ]
    for user in (world.coordinator, world.peer):
        page = login(user)
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            for url in pages if user == world.coordinator else pages[:3]:
                page.goto(url)
                assert_accessible(page)
        page.get_by_role("button", name="Log out").click()
        page.wait_for_load_state()


def test_month_calendar(login, world, live_server):
    meeting = _meeting_on_now(world, title="This month's meeting")
    local = meeting.starts_at.astimezone(world.campus.tz)
    page = login(world.peer)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/c/{world.campus.slug}/meetings/")
    page.get_by_role("link", name="Month calendar").click()
    title = f"Meetings in {local:%B %Y}"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    table = page.get_by_role("table")
    assert table.get_by_role("columnheader").count() == 7
    cell = table.get_by_role("cell").filter(
        has=page.get_by_role("link", name=f"{local:%H:%M} This month's meeting")
    )
    assert cell.count() == 1
    assert f"{local.day}" in cell.inner_text()
    following = (local.date().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    page.get_by_role("link", name=f"{following:%B %Y} →").click()
    expect(page.get_by_role("heading", name=f"Meetings in {following:%B %Y}")).to_be_visible()
    expect(page.get_by_text(f"No meetings in {following:%B %Y}.")).to_be_visible()
    page.get_by_role("link", name="This month").click()
    # On a phone the month is a list of its meetings, not a table.
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("table")).not_to_be_visible()
    expect(page.locator(".meeting-row").filter(has_text="This month's meeting")).to_be_visible()
