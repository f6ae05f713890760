"""CoPractice in French, in Chromium: the browser's language before login, the switch, and the
pages each role uses read entirely in French (no English words), with `lang="fr"`, and pass
axe-core at 1280 and 390 px."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from tests.i18n.test_french_pages import english_words

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _meeting(world):
    starts = timezone.now() + dt.timedelta(days=3)
    return services.schedule_meeting(
        campus=world.campus,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        title="Rencontre de décembre",
        location="Pavillon central, salle 204",
        by=world.coordinator,
    )


def _reads_in_french(page):
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert english_words(page.content()) == [], page.url
    assert_accessible(page)


def test_a_browser_asking_for_french_gets_french_before_login(browser, live_server):
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    _reads_in_french(page)
    context.close()


def test_the_language_switch_before_login(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Français").click()
    _reads_in_french(page)
    assert page.url == f"{live_server.url}/accounts/login/"
    page.reload()  # remembered
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_french_coordinator_reads_every_page_in_french(login, world, live_server, viewport):
    world.coordinator.language = "fr"
    world.coordinator.save(update_fields=["language"])
    meeting = _meeting(world)
    page = login(world.coordinator)
    page.set_viewport_size(viewport)
    campus = {"campus": world.campus.slug}
    one = {**campus, "pk": meeting.pk}
    for name, kwargs in [
        ("reports:dashboard", campus),
        ("meetings:meeting_list", campus),
        ("meetings:meeting_create", campus),
        ("meetings:meeting_detail", one),
        ("meetings:agenda", one),
        ("meetings:minutes", one),
        ("meetings:roster", one),
        ("members:member_list", campus),
        ("training:topic_list", {}),
        ("members:profile", {}),
    ]:
        page.goto(f"{live_server.url}{reverse(name, kwargs=kwargs)}")
        _reads_in_french(page)


def test_a_french_peer_reads_their_pages_in_french(login, world, live_server):
    world.peer.language = "fr"
    world.peer.save(update_fields=["language"])
    meeting = _meeting(world)
    page = login(world.peer)
    campus = {"campus": world.campus.slug}
    for name, kwargs in [
        ("members:campus_home", campus),
        ("meetings:meeting_detail", {**campus, "pk": meeting.pk}),
        ("reports:my_page", campus),
        ("training:my_offers", campus),
    ]:
        page.goto(f"{live_server.url}{reverse(name, kwargs=kwargs)}")
        _reads_in_french(page)
    # Signed in, the switch changes the person's own language (their e-mails follow it).
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    world.peer.refresh_from_db()
    assert world.peer.language == "en"
