import re

import pytest
from playwright.sync_api import expect

from tests.factories import CatalogueEditorFactory
from training.models import FacilitationOffer, Topic

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(db):
    return CatalogueEditorFactory(name="Eda Editor", email="editor@example.edu")


def test_editor_adds_edits_and_archives_a_topic(login, editor, live_server):
    page = login(editor)
    page.goto(f"{live_server.url}/catalogue/")
    expect(page.get_by_role("heading", name="Training catalogue")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a topic").click()
    page.get_by_label("Title in English").fill("Active listening")
    page.get_by_label("Summary in English").fill("Listening so that people feel heard.")
    page.get_by_label("Description in English").fill("Reflecting, summarising, open questions.")
    page.get_by_label("Refresh interval (months)").fill("24")
    first_reference = page.get_by_role("group", name="New reference").first
    first_reference.get_by_label("Citation").fill("Peer Support Canada, Guidelines")
    first_reference.get_by_label("URL").fill("not a url")
    assert_accessible(page)
    page.get_by_role("button", name="Add topic").click()
    # A malformed URL: a clear message, nothing saved.
    expect(page.get_by_text("Enter a valid URL.")).to_be_visible()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    assert not Topic.objects.filter(title="Active listening").exists()
    assert_accessible(page)
    page.get_by_role("group", name="New reference").first.get_by_label("URL").fill(
        "https://peersupportcanada.ca/"
    )
    page.get_by_role("button", name="Add topic").click()

    expect(page.get_by_text("Added “Active listening” to the catalogue.")).to_be_visible()
    expect(page.get_by_role("heading", name="Active listening", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="https://peersupportcanada.ca/")).to_be_visible()
    expect(page.get_by_text("Revisit every 24 months.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Title in English").fill("Active listening in peer support")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved “Active listening in peer support”.")).to_be_visible()
    history = page.get_by_role("region", name="History")
    expect(
        history.get_by_text(
            "English title: “Active listening” → “Active listening in peer support”"
        )
    ).to_be_visible()
    expect(history.get_by_text(re.compile("Eda Editor changed the topic"))).to_be_visible()

    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_text("Archived “Active listening in peer support”")).to_be_visible()
    expect(page.get_by_text("This topic is archived")).to_be_visible()
    assert_accessible(page)
    topic = Topic.objects.get(title="Active listening in peer support")
    assert topic.is_archived is True
    assert list(topic.references.values_list("citation", "url")) == [
        ("Peer Support Canada, Guidelines", "https://peersupportcanada.ca/")
    ]

    # Archived topics leave the list, but editors can still find them.
    page.goto(f"{live_server.url}/catalogue/")
    assert page.get_by_role("link", name="Active listening in peer support").count() == 0
    page.get_by_label("Show").select_option("archived")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Active listening in peer support")).to_be_visible()
    assert_accessible(page)


def test_peer_searches_and_offers_to_facilitate(login, world, live_server):
    topic = Topic.objects.create(
        title="Cultural competency in practice", summary="Respecting each person's culture."
    )
    page = login(world.peer)
    page.goto(f"{live_server.url}/catalogue/")
    assert page.get_by_role("link", name="Add a topic").count() == 0
    page.get_by_label("Search titles, summaries and descriptions").fill("culture")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Cultural competency in practice").click()
    assert page.get_by_role("link", name="Edit", exact=True).count() == 0
    assert_accessible(page)

    page.get_by_role("link", name="Offer to facilitate").click()
    page.get_by_label("Note").fill("I ran a workshop on this last year.")
    assert_accessible(page)
    page.get_by_role("button", name="Send my offer").click()
    expect(
        page.get_by_text("your offer to facilitate “Cultural competency in practice”")
    ).to_be_visible()
    expect(page.get_by_text("You offered to facilitate this at")).to_be_visible()
    offer = FacilitationOffer.objects.get()
    assert (offer.topic, offer.user, offer.status) == (topic, world.peer, "open")

    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("Withdrew your offer")).to_be_visible()
    assert FacilitationOffer.objects.get().status == "withdrawn"


def test_coordinator_sees_open_offers(login, world, live_server):
    topic = Topic.objects.create(title="Boundaries", summary="Saying no kindly.")
    FacilitationOffer.objects.create(
        topic=topic, campus=world.campus, user=world.peer, note="Happy to lead it."
    )
    page = login(world.coordinator)
    page.goto(f"{live_server.url}/catalogue/")
    page.get_by_role("link", name=world.campus.name, exact=True).last.click()
    expect(
        page.get_by_role("heading", name=f"Offers to facilitate at {world.campus.name}")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Happy to lead it.")).to_be_visible()
    assert_accessible(page)


def test_editor_sees_and_adds_a_missing_french_translation(login, editor, live_server):
    Topic.objects.create(title_en="Boundaries", summary_en="Saying no kindly.")
    page = login(editor)
    page.goto(f"{live_server.url}/catalogue/")
    page.get_by_label("Missing a translation").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No French version")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Boundaries").click()
    expect(page.get_by_text("This topic has no French version yet")).to_be_visible()
    page.get_by_role("link", name="Add the translation").click()
    page.get_by_label("Title in French").fill("Limites")
    page.get_by_label("Summary in French").fill("Savoir dire non avec bienveillance.")
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved “Boundaries”.")).to_be_visible()
    topic = Topic.objects.get(title_en="Boundaries")
    assert (topic.title_fr, topic.summary_en) == ("Limites", "Saying no kindly.")


def test_french_reader_sees_an_english_only_topic_marked(login, world, live_server):
    world.peer.language = "fr"
    world.peer.save(update_fields=["language"])
    Topic.objects.create(title_en="Boundaries", summary_en="Saying no kindly.")
    page = login(world.peer)
    page.goto(f"{live_server.url}/catalogue/")
    link = page.get_by_role("link", name="Boundaries (en anglais)")
    expect(link).to_be_visible()
    assert link.locator("[lang=en]").inner_text() == "Boundaries"
    assert_accessible(page)
