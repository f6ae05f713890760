"""Reading in French: the language switch before login and signed in, then a coordinator who reads
French invites someone in English; every page along the way is accessible."""

import pytest
from playwright.sync_api import expect

from members.models import Invitation
from outbox.models import OutboundEmail

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_switches_to_french_and_invites_in_english(
    page, login, world, live_server, mailoutbox
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"

    # Signed in, the switch in the header is kept on the person.
    login(world.coordinator)
    page.get_by_role("button", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    world.coordinator.refresh_from_db()
    assert world.coordinator.language == "fr"

    page.goto(f"{live_server.url}/c/riverside/members/invite/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_label("Langue de l'invitation").input_value() == "fr"
    assert_accessible(page)
    page.get_by_label("Adresse courriel").fill("ama@example.edu")
    page.get_by_label("Langue de l'invitation").select_option("en")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à ama@example.edu.")).to_be_visible()
    expect(page.get_by_role("cell", name="Pair aidant (English)")).to_be_visible()
    assert_accessible(page)

    assert Invitation.objects.get().language == "en"
    email = OutboundEmail.objects.get(to="ama@example.edu")
    assert email.subject == "[CoPractice] You are invited to the Riverside community of practice"
    # Delivered, then erased from the outbox (it held a secret link).
    assert "invites you to join the community of practice of Riverside" in mailoutbox[-1].body
