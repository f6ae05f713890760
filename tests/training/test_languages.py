"""The catalogue in two languages (training/translation.py): each reader sees topics in their
language, or in the other one marked as such; editors write both and see what lacks a
translation; the guidance's nine topics are complete in French."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from tests.factories import TopicFactory
from training import selectors, services
from training.models import Topic

pytestmark = pytest.mark.django_db

LIST_URL = reverse("training:topic_list")


def _french(user):
    user.language = "fr"
    user.save(update_fields=["language"])
    return user


def _english_only(**fields):
    return TopicFactory(title_fr="", summary_fr="", description_fr="", **fields)


def _form(topic, **changes):
    data = {
        f"{field}_{language}": topic.text_in(field, language)
        for field in ("title", "summary", "description")
        for language in ("en", "fr")
    }
    data |= {
        "refresh_interval_months": topic.refresh_interval_months or "",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "20",
    }
    return data | changes


# --- the seeded catalogue ------------------------------------------------------------------
def test_the_nine_seeded_topics_are_complete_in_french():
    topics = Topic.objects.all()
    assert topics.count() == 9
    for topic in topics:
        assert topic.title_fr and topic.summary_fr and topic.description_fr, topic.title_en
        assert topic.missing_languages == []
    drift = Topic.objects.get(title_en="Avoiding peer drift")
    assert drift.title_fr == "Éviter la dérive des pairs"
    assert drift.summary_fr.startswith("Il y a dérive des pairs lorsque")


def test_the_seeded_french_follows_the_typography():
    """A non-breaking space before « : ; ? ! » and inside « guillemets », never a plain one."""
    for topic in Topic.objects.all():
        for text in (topic.title_fr, topic.summary_fr, topic.description_fr):
            for mark in (" :", " ;", " ?", " !", "« ", " »"):
                assert mark not in text, (topic.title_en, mark)


# --- readers -------------------------------------------------------------------------------
def test_a_french_reader_sees_french_titles(client, world):
    client.force_login(_french(world.peer))
    html = client.get(LIST_URL).content.decode()
    assert "Éviter la dérive des pairs" in html
    assert "Avoiding peer drift" not in html
    topic = Topic.objects.get(title_en="Avoiding peer drift")
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "<h1>Éviter la dérive des pairs</h1>" in html
    assert "Il y a dérive des pairs lorsque" in html
    assert "(en anglais)" not in html


def test_an_english_reader_still_sees_english_titles(peer_client):
    html = peer_client.get(LIST_URL).content.decode()
    assert "Avoiding peer drift" in html
    assert "Éviter la dérive des pairs" not in html


def test_a_topic_missing_in_french_is_shown_in_english_and_marked(client, world):
    topic = _english_only(title="Active listening", summary="Listening so people feel heard.")
    client.force_login(_french(world.peer))
    html = client.get(topic.get_absolute_url()).content.decode()
    assert (
        '<h1><span lang="en">Active listening</span> '
        '<span class="topic-language">(en anglais)</span></h1>'
    ) in html
    # The title says it once; the summary in the same language only gets its `lang`.
    assert '<span lang="en">Listening so people feel heard.</span></p>' in html
    html = client.get(LIST_URL).content.decode()
    assert '<span lang="en">Active listening</span>' in html


def test_a_topic_only_in_french_is_shown_in_french_to_english_readers(peer_client, editor):
    topic = services.create_topic(
        title_fr="Écoute active",
        summary_fr="Écouter pour que la personne se sente entendue.",
        by=editor,
    )
    html = peer_client.get(topic.get_absolute_url()).content.decode()
    assert (
        '<span lang="fr">Écoute active</span> <span class="topic-language">(in French)</span>'
    ) in html
    assert str(topic) == "Écoute active"  # the accessor falls back too (agendas, offers...)


def test_a_french_description_missing_is_shown_in_english_in_its_own_block(client, world):
    topic = TopicFactory(description="First.\n\nSecond.", description_fr="")
    client.force_login(_french(world.peer))
    html = client.get(topic.get_absolute_url()).content.decode()
    assert (
        '<div lang="en"><p>First.</p>\n\n<p>Second.</p></div>'
        '<p class="small"><span class="topic-language">(en anglais)</span></p>'
    ) in html
    assert topic.title_fr in html  # the title is in French: only the description falls back


def test_titles_are_listed_in_the_readers_alphabet_whatever_the_accents():
    with translation.override("fr"):
        titles = [t.title for t in selectors.search_topics()]
    assert titles.index("Compétence culturelle") < titles.index("Éviter la dérive des pairs")
    assert titles.index("Éviter la dérive des pairs") < titles.index(
        "Faire connaître le rôle du soutien par les pairs"
    )


def test_search_finds_a_topic_by_its_words_in_either_language():
    def found(query):
        return [t.title_en for t in selectors.search_topics(query=query)]

    assert found("dérive") == ["Avoiding peer drift"]
    assert found("DRIFT") == ["Avoiding peer drift"]


# --- editors: the form ----------------------------------------------------------------------
def test_the_topic_form_shows_both_languages(editor_client):
    topic = Topic.objects.get(title_en="Avoiding peer drift")
    html = editor_client.get(reverse("training:topic_edit", kwargs={"pk": topic.pk})).content
    html = html.decode()
    for name in ("title_en", "title_fr", "summary_en", "summary_fr"):
        assert f'name="{name}"' in html
    assert 'value="Éviter la dérive des pairs"' in html
    assert 'lang="fr"' in html


def test_editing_the_french_keeps_the_english(client, editor):
    client.force_login(_french(editor))
    topic = Topic.objects.get(title_en="Avoiding peer drift")
    english = (topic.title_en, topic.summary_en, topic.description_en)
    response = client.post(
        reverse("training:topic_edit", kwargs={"pk": topic.pk}),
        _form(topic, title_fr="Prévenir la dérive des pairs"),
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title_fr == "Prévenir la dérive des pairs"
    assert (topic.title_en, topic.summary_en, topic.description_en) == english
    assert topic.history.first().history_user == editor


def test_editing_the_english_keeps_the_french(editor_client):
    topic = Topic.objects.get(title_en="Avoiding peer drift")
    french = (topic.title_fr, topic.summary_fr, topic.description_fr)
    editor_client.post(
        reverse("training:topic_edit", kwargs={"pk": topic.pk}),
        _form(topic, summary_en="A shorter summary."),
    )
    topic.refresh_from_db()
    assert topic.summary_en == "A shorter summary."
    assert (topic.title_fr, topic.summary_fr, topic.description_fr) == french


def test_the_service_changes_only_the_language_given(editor):
    topic = Topic.objects.get(title_en="Avoiding peer drift")
    with translation.override("fr"):
        # Unsuffixed names are the current language's, as `topic.title` is.
        services.update_topic(
            topic=topic, title="Éviter la dérive", refresh_interval_months=None, by=editor
        )
    topic.refresh_from_db()
    assert (topic.title_en, topic.title_fr) == ("Avoiding peer drift", "Éviter la dérive")


def test_a_french_title_needs_its_summary(editor_client):
    before = Topic.objects.count()
    response = editor_client.post(
        reverse("training:topic_create"),
        _form(Topic(), title_en="Active listening", summary_en="Heard.", title_fr="Écoute"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "summary_fr": ["Write a summary in French for the French title."]
    }
    assert Topic.objects.count() == before


def test_a_french_title_taken_by_another_topic_is_refused(editor):
    with pytest.raises(ValidationError) as error:
        services.create_topic(
            title_en="Drift",
            summary_en="S.",
            title_fr="ÉVITER la dérive des pairs",
            summary_fr="R.",
            by=editor,
        )
    assert error.value.message_dict == {
        "title_fr": [
            "A topic called “ÉVITER la dérive des pairs” is already in the catalogue. "
            "Choose another title."
        ]
    }


def test_the_history_says_which_language_changed(editor):
    topic = Topic.objects.get(title_en="Avoiding peer drift")
    services.update_topic(
        topic=topic,
        title_fr="Prévenir la dérive des pairs",
        refresh_interval_months=None,
        by=editor,
    )
    entry = selectors.topic_history(topic=topic)[0]
    assert (entry.who, entry.what, entry.details) == (
        editor,
        "changed the topic",
        ["French title: “Éviter la dérive des pairs” → “Prévenir la dérive des pairs”"],
    )


# --- editors: what lacks a translation --------------------------------------------------------
def test_the_list_shows_editors_which_topics_lack_a_translation(editor_client):
    _english_only(title="Active listening")
    html = editor_client.get(LIST_URL).content.decode()
    assert html.count("No French version") == 1
    response = editor_client.get(LIST_URL, {"missing": "on"})
    assert [t.title for t in response.context["topics"]] == ["Active listening"]
    assert "1 topic, missing a translation" in response.content.decode()


def test_the_missing_translation_filter_finds_either_language(editor):
    english_only = _english_only(title="Active listening")
    french_only = services.create_topic(title_fr="Écoute", summary_fr="Écouter.", by=editor)
    half = TopicFactory(title="Boundaries", description="Text.", description_fr="")
    assert {t.pk for t in selectors.search_topics(missing_translation=True)} == {
        english_only.pk,
        french_only.pk,
        half.pk,
    }
    assert english_only.missing_languages == ["fr"]
    assert french_only.missing_languages == ["en"]
    assert half.missing_languages == ["fr"]


def test_readers_get_neither_the_filter_nor_the_badges(peer_client):
    _english_only(title="Active listening")
    response = peer_client.get(LIST_URL, {"missing": "on"})
    html = response.content.decode()
    assert "No French version" not in html
    assert 'name="missing"' not in html
    assert len(response.context["topics"]) == 10  # the filter is ignored


# --- the database ----------------------------------------------------------------------------
def test_titles_are_unique_per_language_whatever_their_case_in_the_database():
    TopicFactory(title="Active listening", title_fr="Écoute active")
    with pytest.raises(IntegrityError):
        TopicFactory(title="Other", title_fr="ÉCOUTE ACTIVE")


def test_many_topics_may_lack_their_french_title_in_the_database():
    _english_only(title="One")
    _english_only(title="Two")
    assert Topic.objects.filter(title_fr="").count() == 2


def test_a_topic_needs_a_title_in_some_language_in_the_database():
    with pytest.raises(IntegrityError):
        TopicFactory(title="", title_fr="")


def test_the_untranslated_column_keeps_the_english_whoever_saves(editor):
    """`title` itself (the column modeltranslation keeps) holds the English, not the language of
    the last person who saved."""
    topic = Topic.objects.get(title_en="Avoiding peer drift")
    with translation.override("fr"):
        services.update_topic(
            topic=topic, summary="Un résumé plus court.", refresh_interval_months=None, by=editor
        )
    assert Topic.objects.filter(pk=topic.pk).values_list("title", "summary").get() == (
        "Avoiding peer drift",
        topic.summary_en,
    )
    assert topic.history.first().title == "Avoiding peer drift"
