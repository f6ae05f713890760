import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.db.models.deletion import Collector

from tests.factories import FacilitationOfferFactory, TopicFactory, TopicReferenceFactory
from training import services
from training.models import FacilitationOffer, Topic, TopicReference
from training.services import ReferenceData

pytestmark = pytest.mark.django_db


def _topic_state(topic):
    """Everything about a topic that a refused change must leave alone."""
    topic = Topic.objects.get(pk=topic.pk)
    return (
        topic.title,
        topic.summary,
        topic.description,
        topic.refresh_interval_months,
        topic.is_archived,
        list(topic.references.values_list("citation", "url", "position")),
        topic.history.count(),
    )


# --- create --------------------------------------------------------------------------------
def test_create_topic_saves_it_with_references_in_order_and_records_who(editor):
    topic = services.create_topic(
        title="  Active listening ",
        summary="Listening so that people feel heard.",
        description="Reflecting, summarising.",
        refresh_interval_months=24,
        references=[
            ReferenceData(citation="Rogers, Active Listening (1957)"),
            ReferenceData(citation="Peer Support Canada", url="https://peersupportcanada.ca/"),
        ],
        by=editor,
    )
    topic.refresh_from_db()
    assert (topic.title, topic.summary, topic.refresh_interval_months, topic.is_archived) == (
        "Active listening",
        "Listening so that people feel heard.",
        24,
        False,
    )
    assert list(topic.references.values_list("citation", "url", "position")) == [
        ("Rogers, Active Listening (1957)", "", 0),
        ("Peer Support Canada", "https://peersupportcanada.ca/", 1),
    ]
    record = topic.history.get()
    assert (record.history_type, record.history_user) == ("+", editor)
    assert [r.history_user for r in TopicReference.history.filter(topic_id=topic.pk)] == [
        editor,
        editor,
    ]


def test_create_topic_refuses_an_empty_title(editor):
    before = Topic.objects.count()
    with pytest.raises(ValidationError) as error:
        services.create_topic(title="   ", summary="Something.", by=editor)
    assert error.value.message_dict == {
        "title": ["Give the topic a title, in English or in French."]
    }
    assert Topic.objects.count() == before


def test_create_topic_refuses_a_duplicate_title_whatever_its_case(editor):
    before = Topic.objects.count()
    with pytest.raises(ValidationError) as error:
        services.create_topic(title="avoiding PEER drift", summary="Again.", by=editor)
    assert error.value.message_dict == {
        "title": [
            "A topic called “avoiding PEER drift” is already in the catalogue. "
            "Choose another title."
        ]
    }
    assert Topic.objects.count() == before


def test_create_topic_refuses_a_malformed_reference_url_and_saves_nothing(editor):
    before = (Topic.objects.count(), TopicReference.objects.count(), Topic.history.count())
    with pytest.raises(ValidationError) as error:
        services.create_topic(
            title="Active listening",
            summary="Listening.",
            references=[ReferenceData(citation="A guide", url="not a url")],
            by=editor,
        )
    assert error.value.messages == ["Reference 1: Enter a valid URL."]
    assert (Topic.objects.count(), TopicReference.objects.count(), Topic.history.count()) == before


# --- update --------------------------------------------------------------------------------
def test_update_topic_changes_fields_and_references_in_place(editor):
    topic = TopicFactory(title="Active listening", summary="Old summary.")
    kept = TopicReferenceFactory(topic=topic, citation="Kept", position=0)
    changed = TopicReferenceFactory(topic=topic, citation="Typo", position=1)
    removed = TopicReferenceFactory(topic=topic, citation="Gone", position=2)
    services.update_topic(
        topic=topic,
        title="Active listening",
        summary="New summary.",
        description="",
        refresh_interval_months=None,
        references=[
            ReferenceData(citation="Kept", id=kept.pk),
            ReferenceData(citation="Fixed", url="https://example.org/guide", id=changed.pk),
            ReferenceData(citation="Added"),
        ],
        by=editor,
    )
    topic.refresh_from_db()
    assert topic.summary == "New summary."
    assert list(topic.references.values_list("pk", "citation", "url", "position")) == [
        (kept.pk, "Kept", "", 0),
        (changed.pk, "Fixed", "https://example.org/guide", 1),
        (topic.references.get(citation="Added").pk, "Added", "", 2),
    ]
    assert not TopicReference.objects.filter(pk=removed.pk).exists()
    assert topic.history.first().history_user == editor
    # The kept reference was not touched: only its creation is in its history.
    assert kept.history.count() == 1


def test_update_topic_without_changes_writes_no_history(editor):
    topic = TopicFactory(title="Active listening", summary="S.", description="D.")
    services.update_topic(
        topic=topic,
        title="Active listening",
        summary="S.",
        description="D.",
        refresh_interval_months=None,
        by=editor,
    )
    assert topic.history.count() == 1


def test_update_topic_refuses_another_topics_title_and_changes_nothing(editor):
    topic = TopicFactory(title="Active listening")
    state = _topic_state(topic)
    with pytest.raises(ValidationError) as error:
        services.update_topic(
            topic=topic,
            title="Cultural Competency",
            summary="Changed.",
            description="",
            refresh_interval_months=None,
            by=editor,
        )
    assert error.value.message_dict["title"] == [
        "A topic called “Cultural Competency” is already in the catalogue. Choose another title."
    ]
    assert _topic_state(topic) == state


def test_update_topic_may_change_the_case_of_its_own_title(editor):
    topic = TopicFactory(title="Active listening")
    services.update_topic(
        topic=topic,
        title="Active Listening",
        summary=topic.summary,
        description=topic.description,
        refresh_interval_months=None,
        by=editor,
    )
    assert Topic.objects.get(pk=topic.pk).title == "Active Listening"


def test_update_topic_refuses_a_reference_of_another_topic(editor):
    topic = TopicFactory()
    foreign = TopicReferenceFactory(citation="Someone else's")
    state = _topic_state(topic)
    with pytest.raises(ValidationError):
        services.update_topic(
            topic=topic,
            title=topic.title,
            summary="Changed.",
            description="",
            refresh_interval_months=None,
            references=[ReferenceData(citation="Hijack", id=foreign.pk)],
            by=editor,
        )
    assert _topic_state(topic) == state
    assert TopicReference.objects.get(pk=foreign.pk).citation == "Someone else's"


# --- archive, restore, delete --------------------------------------------------------------
def test_archive_and_restore_topic_record_who(editor):
    topic = TopicFactory()
    services.archive_topic(topic=topic, by=editor)
    assert Topic.objects.get(pk=topic.pk).is_archived is True
    services.restore_topic(topic=topic, by=editor)
    assert Topic.objects.get(pk=topic.pk).is_archived is False
    assert [(h.is_archived, h.history_user) for h in topic.history.all()] == [
        (False, editor),
        (True, editor),
        (False, None),
    ]


def test_archive_topic_twice_is_refused(editor):
    topic = TopicFactory(is_archived=True, title="Old topic")
    with pytest.raises(ValidationError) as error:
        services.archive_topic(topic=topic, by=editor)
    assert error.value.messages == ["“Old topic” is already archived."]


def test_delete_topic_removes_an_unused_topic_and_keeps_its_history(editor):
    topic = TopicFactory()
    TopicReferenceFactory(topic=topic)
    pk = topic.pk
    services.delete_topic(topic=topic, by=editor)
    assert not Topic.objects.filter(pk=pk).exists()
    assert not TopicReference.objects.filter(topic_id=pk).exists()
    deleted = Topic.history.filter(id=pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", editor)
    assert TopicReference.history.filter(topic_id=pk).first().history_user == editor


def test_delete_topic_refuses_a_topic_with_facilitation_offers(editor):
    offer = FacilitationOfferFactory(topic__title="Active listening")
    state = _topic_state(offer.topic)
    with pytest.raises(ValidationError) as error:
        services.delete_topic(topic=offer.topic, by=editor)
    assert error.value.messages == [
        "“Active listening” has 1 facilitation offer, so it cannot be deleted. Archive it instead."
    ]
    assert _topic_state(offer.topic) == state


def test_delete_topic_refuses_a_topic_a_meeting_used(editor, monkeypatch):
    """What a meeting's agenda item (on_delete=PROTECT) makes Django's collector raise; the
    service recognises any protecting object that is not a facilitation offer as a meeting's."""
    topic = TopicFactory(title="Active listening")
    TopicReferenceFactory(topic=topic)

    class AgendaItem:  # stands in for meetings.AgendaItem, which this app must not import
        pass

    def collect(self, objs, *args, **kwargs):
        raise ProtectedError("protected", {AgendaItem()})

    monkeypatch.setattr(Collector, "collect", collect)
    state = _topic_state(topic)
    with pytest.raises(ValidationError) as error:
        services.delete_topic(topic=topic, by=editor)
    assert error.value.messages == [
        "“Active listening” has been used by a meeting, so it cannot be deleted. "
        "Archive it instead: it disappears from pickers and stays where it was used."
    ]
    monkeypatch.undo()
    assert _topic_state(topic) == state


# --- facilitation offers -------------------------------------------------------------------
def test_offer_to_facilitate_creates_an_open_offer(world):
    topic = Topic.objects.get(title="Cultural competency")
    offer = services.offer_to_facilitate(
        topic=topic, campus=world.campus, user=world.peer, note="  I ran this at my club. "
    )
    offer.refresh_from_db()
    assert (offer.topic, offer.campus, offer.user, offer.note, offer.status, offer.closed_at) == (
        topic,
        world.campus,
        world.peer,
        "I ran this at my club.",
        FacilitationOffer.Status.OPEN,
        None,
    )


def test_offer_to_facilitate_twice_is_refused(world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer, topic__title="T")
    with pytest.raises(ValidationError) as error:
        services.offer_to_facilitate(topic=offer.topic, campus=world.campus, user=world.peer)
    assert error.value.messages == [
        f"You have already offered to facilitate “T” at {world.campus}. "
        "Your coordinator can see it when planning a meeting."
    ]
    assert FacilitationOffer.objects.count() == 1


def test_offer_to_facilitate_again_after_withdrawing_is_allowed(world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    services.withdraw_offer(offer=offer, by=world.peer)
    services.offer_to_facilitate(topic=offer.topic, campus=world.campus, user=world.peer)
    assert sorted(FacilitationOffer.objects.values_list("status", flat=True)) == [
        "open",
        "withdrawn",
    ]


def test_offer_to_facilitate_an_archived_topic_is_refused(world):
    topic = TopicFactory(title="Old topic", is_archived=True)
    with pytest.raises(ValidationError) as error:
        services.offer_to_facilitate(topic=topic, campus=world.campus, user=world.peer)
    assert error.value.messages == [
        "“Old topic” is archived: it is no longer offered. Choose a current topic."
    ]
    assert not FacilitationOffer.objects.exists()


def test_withdraw_offer_closes_it(world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    services.withdraw_offer(offer=offer, by=world.peer)
    offer.refresh_from_db()
    assert offer.status == FacilitationOffer.Status.WITHDRAWN
    assert offer.closed_at is not None


def test_withdraw_someone_elses_offer_is_refused(world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    with pytest.raises(ValidationError):
        services.withdraw_offer(offer=offer, by=world.coordinator)
    assert FacilitationOffer.objects.get(pk=offer.pk).status == "open"


def test_withdraw_a_used_offer_is_refused(world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer, status="used")
    with pytest.raises(ValidationError) as error:
        services.withdraw_offer(offer=offer, by=world.peer)
    assert error.value.messages == [
        "This offer is already scheduled: it can no longer be withdrawn."
    ]
    assert FacilitationOffer.objects.get(pk=offer.pk).status == "used"


def test_create_topic_refuses_a_title_or_citation_with_a_line_break(editor):
    before = (Topic.objects.count(), TopicReference.objects.count())
    with pytest.raises(ValidationError) as error:
        services.create_topic(title="Active\r\nlistening", summary="Listening.", by=editor)
    assert error.value.message_dict == {"title": ["Keep this on one line: remove the line breaks."]}
    with pytest.raises(ValidationError) as error:
        services.create_topic(
            title="Active listening",
            summary="Listening.",
            references=[ReferenceData(citation="Author\nA guide")],
            by=editor,
        )
    assert error.value.messages == ["Reference 1: Keep this on one line: remove the line breaks."]
    assert (Topic.objects.count(), TopicReference.objects.count()) == before
