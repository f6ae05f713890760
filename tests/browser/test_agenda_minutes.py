"""A coordinator builds an agenda by editing the guidance's items where they stand and
reordering them by keyboard (and by dragging); writes the minutes, adds an action item and
saves the notes without losing anything typed; the open action comes back at the next meeting,
where its owner marks it done."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from meetings import agenda, minutes, services
from meetings.models import ActionItem, CaseCollaborationNotes, Minutes
from tests.factories import FacilitationOfferFactory, TopicFactory

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# A shared test machine can be slow to answer an htmx request.
expect.set_options(timeout=15_000)

NOTES = "A student felt isolated in residence; we talked through referral options."
REFLECTION = "Reflection: what is going well, what is proving difficult, ideas for improving"


def _schedule(world, *, days, title):
    starts = timezone.now() + dt.timedelta(days=days)
    return services.schedule_meeting(
        campus=world.campus,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        title=title,
        location="Student Centre, room 204",
        by=world.coordinator,
    )


def _titles(meeting):
    return [str(item.shown_title) for item in meeting.agenda_items.order_by("position")]


def _count_posts(page):
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    return posts


def test_agenda_built_by_editing_in_place_and_reordering_by_keyboard(login, world, live_server):
    topic = TopicFactory(title="Wellness strategies")
    FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.peer)
    meeting = _schedule(world, days=5, title="October meeting")
    page = login(world.coordinator)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}agenda/")
    expect(page.get_by_text("Planned: 0 of 120 minutes.")).to_be_visible()
    assert_accessible(page)

    # Fill in the training slot: one edit in place (Edit, choose, Save: one form sent).
    posts = _count_posts(page)
    page.get_by_role("link", name="Edit “Training”").click()
    form = page.locator(".agenda-item-editing form")
    expect(form.get_by_label("Topic")).to_be_visible()
    assert page.url.endswith("/agenda/")  # swapped in place, no page load
    form.get_by_label("Topic").select_option(label=topic.title)
    form.get_by_label("Facilitator").select_option(label=world.peer.name)
    form.get_by_label("Duration (minutes)").fill("30")
    assert_accessible(page)
    form.get_by_role("button", name="Save the item").click()
    expect(page.locator(".agenda-item-editing")).to_have_count(0)
    expect(page.locator("#agenda-items li").nth(1)).to_contain_text("Wellness strategies")
    assert len(posts) == 1
    assert _titles(meeting)[1] == "Wellness strategies"
    item = meeting.agenda_items.get(position=2)
    assert (item.facilitator, item.duration_minutes) == (world.peer, 30)
    assert item.facilitation_offer is not None
    expect(page.locator(".agenda-total")).to_contain_text("Planned: 30 of 120 minutes.")

    # A case-collaboration item: the form shows no topic or facilitator.
    page.get_by_role("link", name="Edit “Case collaboration”").click()
    form = page.locator(".agenda-item-editing form")
    expect(form.get_by_label("Duration (minutes)")).to_be_visible()
    expect(form.get_by_label("Topic")).to_be_hidden()
    expect(form.get_by_label("Facilitator")).to_be_hidden()
    form.get_by_label("Kind").select_option("training")
    expect(form.get_by_label("Topic")).to_be_visible()
    form.get_by_label("Kind").select_option("case_collaboration")
    form.get_by_label("Duration (minutes)").fill("45")
    form.get_by_label("Duration (minutes)").press("Enter")
    expect(page.locator(".agenda-item-editing")).to_have_count(0)
    expect(page.locator(".agenda-total")).to_contain_text("Planned: 75 of 120 minutes.")

    # Reorder by keyboard: a button, then a typed position.
    page.get_by_role("button", name="move “Administrative updates” up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#agenda-items li").nth(1)).to_contain_text("Administrative updates")
    position = page.get_by_label(f"Position of “{REFLECTION}”")
    position.fill("1")
    position.press("Enter")
    expect(page.locator("#agenda-items li").first).to_contain_text("Reflection")
    assert _titles(meeting) == [
        REFLECTION,
        "Case collaboration",
        "Administrative updates",
        "Wellness strategies",
    ]

    # ...and by dragging an item onto another.
    with page.expect_response(lambda r: r.url.endswith("/agenda/order/")):
        page.locator("#agenda-items li").nth(3).drag_to(page.locator("#agenda-items li").first)
    expect(page.locator("#agenda-items li").first).to_contain_text("Wellness strategies")
    assert _titles(meeting)[0] == "Wellness strategies"
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_agenda_item_edit_without_javascript(browser, world, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, world.coordinator)
    meeting = _schedule(world, days=5, title="October meeting")
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}agenda/")
    page.get_by_role("link", name="Edit “Training”").click()
    assert "/edit/" in page.url
    form = page.locator("form.agenda-item-form").first
    expect(form.get_by_label("Topic")).to_be_visible()  # every field, with its hint
    expect(form.get_by_text("Training items only").first).to_be_visible()
    form.get_by_label("Title").fill("Listening skills")
    form.get_by_role("button", name="Save the item").click()
    expect(page.get_by_text("Saved “Listening skills”.")).to_be_visible()
    assert _titles(meeting)[1] == "Listening skills"

    # "Add an item" opens the agenda with the item form.
    page.get_by_role("link", name="Add an item").click()
    assert "/agenda/add/" in page.url
    form = page.locator("form.agenda-item-form")
    form.get_by_label("Title").fill("Welcome the new cohort")
    form.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("Added “Welcome the new cohort” to the agenda.")).to_be_visible()
    assert _titles(meeting)[-1] == "Welcome the new cohort"
    context.close()


def test_minutes_typed_action_added_notes_saved_nothing_lost(login, world, live_server):
    meeting = _schedule(world, days=1, title="September meeting")
    page = login(world.coordinator)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}minutes/")
    assert_accessible(page)
    page.get_by_label("What is going well").fill("Everyone took part.")
    page.get_by_label("Ideas for improving").fill("A lunchtime slot.")
    page.get_by_role("textbox", name="Case-collaboration notes").fill(NOTES)
    page.get_by_role("textbox", name="Action").fill("Book the November room")
    page.get_by_label("Owner").select_option(label=world.peer.name)
    page.get_by_label("Due").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    # Adding the action item saves the typed minutes and notes with it.
    page.get_by_role("button", name="Add the action item").click()
    expect(
        page.get_by_text(
            "Saved the minutes. Saved the case-collaboration notes. Added the action item."
        )
    ).to_be_visible()
    saved = Minutes.objects.get(meeting=meeting)
    assert (saved.going_well, saved.ideas_for_improving) == (
        "Everyone took part.",
        "A lunchtime slot.",
    )
    assert CaseCollaborationNotes.objects.get(meeting=meeting).text == NOTES
    assert list(ActionItem.objects.values_list("text", flat=True)) == ["Book the November room"]
    expect(page.get_by_label("What is going well")).to_have_value("Everyone took part.")

    # A draft is kept a moment after typing stops, with the version it claimed.
    page.get_by_label("What is proving difficult").fill("Finding a room.")
    expect(page.get_by_text("Draft kept at")).to_be_visible(timeout=10_000)
    saved.refresh_from_db()
    assert (saved.proving_difficult, saved.version) == ("Finding a room.", 2)
    page.get_by_label("Administrative updates").fill("New forms.")
    page.get_by_role("button", name="Save the notes").click()
    expect(page.get_by_text("Saved the minutes.")).to_be_visible()
    saved.refresh_from_db()
    assert (saved.administrative_updates, saved.version) == ("New forms.", 3)

    # Leaving with text not yet kept asks first.
    page.get_by_role("textbox", name="Action").fill("Unsaved action")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="← September meeting").click()
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/minutes/")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)

    # The change history says who changed which section (leaving, unsaved text and all).
    page.remove_listener("dialog", dismiss)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Change history and who read the case notes").click()
    expect(page.get_by_role("heading", name="Change history")).to_be_visible()
    assert page.url.endswith("/minutes/history/")
    expect(
        page.locator(".minutes-history").get_by_text("What is proving difficult")
    ).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)


def test_open_action_carried_to_the_next_meeting_and_marked_done_by_its_owner(
    login, world, live_server
):
    september = _schedule(world, days=2, title="September meeting")
    october = _schedule(world, days=32, title="October meeting")
    minutes.add_action_item(
        meeting=september,
        text="Book the November room",
        owner=world.peer,
        due_on=timezone.localdate() + dt.timedelta(days=5),
        by=world.coordinator,
    )
    # A week after the September meeting: the action is overdue.
    with time_machine.travel(september.starts_at + dt.timedelta(days=7), tick=True):
        _carry_and_mark_done(login, world, live_server, october)


def _carry_and_mark_done(login, world, live_server, october):
    page = login(world.coordinator)
    page.goto(f"{live_server.url}{october.get_absolute_url()}agenda/")
    section = page.get_by_role("region", name="From last time: open action items")
    expect(section.get_by_text("Book the November room", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/c/{world.campus.slug}/dashboard/")
    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention.get_by_text(re.compile("^1 action item overdue"))).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    login(world.peer)
    page.goto(f"{live_server.url}/c/{world.campus.slug}/me/")
    expect(page.get_by_role("heading", name="1 overdue action item")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}{october.get_absolute_url()}minutes/")
    section = page.get_by_role("region", name="From last time: open action items")
    expect(section.get_by_text("Book the November room", exact=True)).to_be_visible()
    assert_accessible(page)
    section.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Marked “Book the November room” as done.")).to_be_visible()
    assert page.url.endswith(f"{october.get_absolute_url()}minutes/")
    assert ActionItem.objects.get().done is True
    expect(page.get_by_role("region", name="From last time: open action items")).to_have_count(0)


def test_agenda_and_minutes_print_cleanly(login, world, live_server, tmp_path):
    meeting = _schedule(world, days=3, title="October meeting")
    training = meeting.agenda_items.get(kind="training")
    agenda.update_agenda_item(
        item=training, kind="training", title="Listening", facilitator=world.peer, by=None
    )
    minutes.save_minutes(meeting=meeting, version=0, by=world.coordinator, going_well="Good")
    page = login(world.coordinator)
    for part in ("agenda", "minutes"):
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}{part}/")
        page.emulate_media(media="print")
        expect(page.get_by_role("navigation", name="Main")).not_to_be_visible()
        assert [b for b in page.get_by_role("button").all() if b.is_visible()] == []
        facts = page.locator(".meeting-facts")
        expect(facts.get_by_text("Riverside")).to_be_visible()
        expect(facts.get_by_text("(America/Toronto)")).to_be_visible()
        expect(page.get_by_text(f"Facilitators: {world.peer.name}")).to_be_visible()
        if part == "minutes":
            expect(page.get_by_role("paragraph").filter(has_text="Good")).to_be_visible()
            expect(page.locator("#minutes-form")).not_to_be_visible()
        page.pdf(path=str(tmp_path / f"{part}.pdf"))
        assert (tmp_path / f"{part}.pdf").stat().st_size > 1000
        page.emulate_media(media="screen")
