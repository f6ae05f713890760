"""Meetings read in each person's language: the guidance's agenda items (stored without a
title), a series described in words, presence and response labels."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from meetings import services
from meetings.models import AgendaItem

from .conftest import local

pytestmark = pytest.mark.django_db

migration = importlib.import_module("meetings.migrations.0007_agenda_default_titles_translated")


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A French page leaves French active in this thread: the next test starts in English."""
    yield
    translation.activate("en")


def _page(client, user, meeting, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    url = reverse(
        "meetings:meeting_detail", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk}
    )
    return client.get(url).content.decode()


def test_the_guidance_agenda_reads_in_the_readers_language(client, world, meeting):
    assert set(meeting.agenda_items.values_list("title", flat=True)) == {""}
    english = _page(client, world.peer, meeting, "en")
    assert "Case collaboration" in english and "Administrative updates" in english
    french = _page(client, world.peer, meeting, "fr")
    assert "Discussion de cas" in french and "Mises à jour administratives" in french
    assert "Réflexion\u00a0: ce qui va bien" in french
    assert "Case collaboration" not in french


def test_an_item_of_another_kind_still_needs_a_title(world, meeting):
    from django.core.exceptions import ValidationError

    from meetings import agenda

    with pytest.raises(ValidationError) as error:
        agenda.add_agenda_item(meeting=meeting, kind="other", title=" ", by=None)
    assert error.value.message_dict == {"title": ["Give the item a title (or pick a topic)."]}
    item = agenda.add_agenda_item(meeting=meeting, kind="reflection", title="", by=None)
    with translation.override("fr"):
        assert str(item.shown_title).startswith("Réflexion")


def test_the_migration_blanks_only_the_old_english_defaults(world, meeting):
    meeting.agenda_items.filter(kind="case_collaboration").update(title="Case collaboration")
    meeting.agenda_items.filter(kind="training").update(title="Peer drift")
    migration.blank_default_titles(apps, None)
    titles = dict(meeting.agenda_items.values_list("kind", "title"))
    assert titles["case_collaboration"] == "" and titles["training"] == "Peer drift"
    migration.restore_default_titles(apps, None)
    titles = dict(meeting.agenda_items.values_list("kind", "title"))
    assert titles["case_collaboration"] == "Case collaboration"
    assert titles["administrative_update"] == "Administrative updates"


def test_a_series_is_described_in_the_readers_language(client, world, now):
    meetings = services.schedule_series(
        campus=world.campus,
        recurrence=services.Recurrence(
            frequency="monthly",
            first_day=dt.date(2026, 9, 1),
            last_day=dt.date(2027, 4, 30),
            start_time=dt.time(17, 0),
            end_time=dt.time(18, 30),
            weekday=1,
            week_of_month=2,
        ),
        title="Community of practice",
        location="Room 1",
        by=world.coordinator,
    )
    assert meetings[0].starts_at == local(2026, 9, 8, 17)
    english = _page(client, world.peer, meetings[0], "en")
    assert (
        "Second Tuesday of every month, 17:00\N{EN DASH}18:30, 1 Sep 2026 to 30 Apr 2027" in english
    )
    french = _page(client, world.peer, meetings[0], "fr")
    assert "Deuxième mardi de chaque mois, de 17\u00a0h\u00a000 à 18\u00a0h\u00a030" in french


@pytest.mark.parametrize(
    ("frequency", "weekday", "interval", "week_of_month"),
    [("monthly", 1, 1, 2), ("monthly", 4, 1, -1), ("weekly", 2, 2, 1), ("weekly", 0, 1, 1)],
)
def test_a_rule_reads_back_as_its_recurrence(frequency, weekday, interval, week_of_month):
    recurrence = services.Recurrence(
        frequency=frequency,
        first_day=dt.date(2026, 9, 1),
        last_day=dt.date(2027, 4, 30),
        start_time=dt.time(17, 0),
        end_time=dt.time(18, 30),
        weekday=weekday,
        interval=interval,
        week_of_month=week_of_month,
    )
    rule = str(recurrence.rule())
    assert services.Recurrence.from_rule(rule, duration=dt.timedelta(minutes=90)) == recurrence


def test_presence_and_response_labels_follow_the_language():
    with translation.override("fr"):
        assert str(AgendaItem.Kind.TRAINING.label) == "Formation"
        from meetings.models import Attendance

        assert str(Attendance.Presence.EXCUSED.label) == "Absence motivée"
        assert str(Attendance.Response.ATTENDING.label) == "Je serai là"


def test_editing_an_untitled_item_shows_its_usual_title_as_a_hint(client, world, meeting):
    item = meeting.agenda_items.get(kind="case_collaboration")
    world.coordinator.language = "fr"
    world.coordinator.save(update_fields=["language"])
    client.force_login(world.coordinator)
    kwargs = {"campus": meeting.campus.slug, "pk": meeting.pk, "item": item.pk}
    html = client.get(reverse("meetings:agenda_item_edit", kwargs=kwargs)).content.decode()
    assert 'placeholder="Discussion de cas"' in html


def test_a_training_item_shows_its_topic_in_the_readers_language(client, world, meeting):
    from meetings import agenda
    from tests.factories import TopicFactory

    topic = TopicFactory(title_en="Active listening", title_fr="L'écoute active")
    item = agenda.add_agenda_item(
        meeting=meeting, kind="training", title="Active listening", topic=topic, by=None
    )
    assert item.title == ""  # the topic's title, not a copy in the adder's language
    assert "Active listening" in _page(client, world.peer, meeting, "en")
    french = _page(client, world.peer, meeting, "fr")
    assert "L'écoute active" in french or "L&#x27;écoute active" in french
    assert "Active listening" not in french
    # A title the coordinator wrote is theirs, in every language.
    own = agenda.add_agenda_item(
        meeting=meeting, kind="training", title="Listening, our way", topic=topic, by=None
    )
    assert own.title == "Listening, our way"


def test_the_migration_blanks_titles_copied_from_the_topic(world, meeting):
    from tests.factories import TopicFactory

    later = importlib.import_module("meetings.migrations.0008_agenda_topic_titles_follow_language")
    topic = TopicFactory(title_en="Active listening", title_fr="L'écoute active")
    copied = meeting.agenda_items.create(
        position=10, kind="training", title="Active listening", topic=topic
    )
    own = meeting.agenda_items.create(
        position=11, kind="training", title="Our own words", topic=topic
    )
    later.blank_topic_titles(apps, None)
    copied.refresh_from_db()
    own.refresh_from_db()
    assert (copied.title, own.title) == ("", "Our own words")
