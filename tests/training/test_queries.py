"""The catalogue pages take the same number of queries whatever the size of the catalogue."""

import pytest
from django.urls import reverse

from tests.factories import FacilitationOfferFactory, TopicFactory, TopicReferenceFactory
from training import services
from training.services import ReferenceData

pytestmark = pytest.mark.django_db

# Every page: the user (the session comes from the cache: copractice/sessions.py), the nav's
# campuses (context processor).
# List: the two permission look-ups (is the person an editor?), the person's memberships (links to
# the offers of campuses they coordinate), and the matching topics (one query: they are sorted
# in Python, accents aside, then paged; a catalogue is a few dozen topics).
LIST_QUERIES = 6
# Topic page for a coordinator: the topic, permissions (2), memberships, their own offers, the
# references, their campus's open offers for the topic.
COORDINATOR_DETAIL_QUERIES = 9
# Topic page for an editor with no campus: the topic, permissions (2), memberships, own offers,
# references, the topic's history and its references' history.
EDITOR_DETAIL_QUERIES = 10
# Offers page: the person's memberships with their campuses (the campus check and the
# navigation), the offers, and the session saving the current
# campus (an UPDATE inside a savepoint: 3 statements).
OFFER_LIST_QUERIES = 6


def _catalogue(size, editor):
    """`size` topics, each with references and offers; the first with a long history."""
    topics = TopicFactory.create_batch(size)
    for topic in topics:
        TopicReferenceFactory.create_batch(2, topic=topic)
        FacilitationOfferFactory(topic=topic)
    first = topics[0]
    for i in range(size // 5):
        services.update_topic(
            topic=first,
            title=first.title,
            summary=f"Summary, version {i}",
            description=first.description,
            refresh_interval_months=None,
            references=[ReferenceData(citation=f"Citation {i}")],
            by=editor,
        )
    return first


@pytest.mark.parametrize("size", [5, 200])
def test_topic_list_queries_for_a_peer(
    peer_client, world, empty_catalogue, size, editor, django_assert_num_queries
):
    _catalogue(size, editor)
    with django_assert_num_queries(LIST_QUERIES):
        response = peer_client.get(reverse("training:topic_list"), {"q": "Topic"})
    assert len(response.context["topics"]) == min(size, 50)


@pytest.mark.parametrize("size", [5, 200])
def test_topic_list_queries_for_an_editor(
    editor_client, empty_catalogue, size, editor, django_assert_num_queries
):
    _catalogue(size, editor)
    with django_assert_num_queries(LIST_QUERIES):
        response = editor_client.get(reverse("training:topic_list"), {"state": "all"})
    assert len(response.context["topics"]) == min(size, 50)


@pytest.mark.parametrize("size", [5, 200])
def test_topic_detail_queries_for_a_coordinator(
    coordinator_client, world, empty_catalogue, size, editor, django_assert_num_queries
):
    topic = _catalogue(size, editor)
    FacilitationOfferFactory.create_batch(3, topic=topic, campus=world.campus)
    FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.coordinator)
    with django_assert_num_queries(COORDINATOR_DETAIL_QUERIES):
        response = coordinator_client.get(topic.get_absolute_url())
    assert len(response.context["campus_offers"][0][1]) == 4


@pytest.mark.parametrize("size", [5, 200])
def test_topic_detail_queries_for_an_editor(
    editor_client, empty_catalogue, size, editor, django_assert_num_queries
):
    topic = _catalogue(size, editor)
    with django_assert_num_queries(EDITOR_DETAIL_QUERIES):
        response = editor_client.get(topic.get_absolute_url())
    assert len(response.context["history"]) == {5: 7, 200: 50}[size]  # 50: the window


@pytest.mark.parametrize("size", [5, 200])
def test_offer_list_queries(
    coordinator_client, world, empty_catalogue, size, editor, django_assert_num_queries
):
    for topic in TopicFactory.create_batch(size):
        FacilitationOfferFactory(topic=topic, campus=world.campus)
    with django_assert_num_queries(OFFER_LIST_QUERIES):
        response = coordinator_client.get(
            reverse("training:offer_list", kwargs={"campus": world.campus.slug})
        )
    assert len(response.context["offers"]) == size
