import pytest

from tests.factories import FacilitationOfferFactory, TopicFactory, TopicReferenceFactory
from training import selectors, services
from training.selectors import TopicState
from training.services import ReferenceData

pytestmark = pytest.mark.django_db


def _titles(topics):
    return [t.title for t in topics]


def test_search_topics_matches_every_word_in_title_summary_or_description(empty_catalogue):
    TopicFactory(title="Active listening", summary="Hear people out.", description="")
    TopicFactory(title="Boundaries", summary="Saying no.", description="Listening to yourself.")
    TopicFactory(title="Cultural competency", summary="Culture.", description="")
    assert _titles(selectors.search_topics(query="listening")) == [
        "Active listening",
        "Boundaries",
    ]
    assert _titles(selectors.search_topics(query="LISTENING yourself")) == ["Boundaries"]
    assert _titles(selectors.search_topics(query="culture")) == ["Cultural competency"]
    assert _titles(selectors.search_topics(query="nothing-like-this")) == []


def test_search_topics_by_state(empty_catalogue):
    TopicFactory(title="Current")
    TopicFactory(title="Old", is_archived=True)
    assert _titles(selectors.search_topics()) == ["Current"]
    assert _titles(selectors.search_topics(state=TopicState.ARCHIVED)) == ["Old"]
    assert _titles(selectors.search_topics(state=TopicState.ALL)) == ["Current", "Old"]


def test_open_offers_lists_a_campus_open_offers_for_current_topics(world):
    mine = FacilitationOfferFactory(campus=world.campus, topic__title="B topic")
    earlier = FacilitationOfferFactory(campus=world.campus, topic__title="A topic")
    FacilitationOfferFactory(campus=world.campus, status="withdrawn")
    FacilitationOfferFactory(campus=world.campus, status="used")
    FacilitationOfferFactory(campus=world.campus, topic__is_archived=True)
    FacilitationOfferFactory(campus=world.other_campus)
    assert list(selectors.open_offers(campus=world.campus)) == [earlier, mine]
    assert list(selectors.open_offers(campus=world.campus, topic=mine.topic)) == [mine]


def test_deletion_blocker_is_none_for_an_unused_topic():
    topic = TopicFactory()
    TopicReferenceFactory(topic=topic)
    assert selectors.deletion_blocker(topic=topic) is None


def test_topic_history_says_who_changed_what(editor, world):
    topic = services.create_topic(
        title="Active listening",
        summary="Old.",
        references=[ReferenceData(citation="Rogers (1957)")],
        by=editor,
    )
    ref = topic.references.get()
    services.update_topic(
        topic=topic,
        title="Active listening",
        summary="New.",
        description="Longer text.",
        refresh_interval_months=12,
        references=[ReferenceData(citation="Rogers & Farson (1957)", id=ref.pk)],
        by=world.admin,
    )
    services.archive_topic(topic=topic, by=editor)
    history = selectors.topic_history(topic=topic)
    assert [(e.who, e.what, e.details) for e in history] == [
        (editor, "changed the topic", ["archived"]),
        (
            world.admin,
            "changed a reference",
            ["citation: “Rogers (1957)” → “Rogers & Farson (1957)”"],
        ),
        (
            world.admin,
            "changed the topic",
            [
                "English summary: “Old.” → “New.”",
                "English description rewritten",
                "refresh interval: none → 12 months",
            ],
        ),
        (editor, "added a reference", ["Rogers (1957)"]),
        (editor, "created the topic", []),
    ]
