import pytest
from django.db import IntegrityError

from tests.factories import TopicFactory
from training.models import Topic

pytestmark = pytest.mark.django_db

SEEDED_TITLES = [
    "Avoiding peer drift",
    "Communicating the peer support role to others",
    "Cultural competency",
    "Navigating conversations about medication as a peer supporter",
    "Personal safety and anonymity",
    "Supporting participants experiencing pervasive feelings of hopelessness",
    "Supporting participants experiencing thoughts of suicide",
    "Wellness strategies for peer supporters",
    "Working as a part of an interdisciplinary team",
]
PEER_DRIFT_DEFINITION = (
    "Peer drift occurs when the peer support providers do not feel comfortable in their "
    "recovery-oriented role and they begin to shift to a more medical treatment role."
)


def test_data_migration_seeds_the_nine_topics_of_the_guidance():
    assert list(Topic.objects.values_list("title", flat=True)) == SEEDED_TITLES
    assert Topic.objects.filter(is_archived=True).count() == 0
    assert all(t.summary and t.description for t in Topic.objects.all())


def test_data_migration_gives_peer_drift_its_definition_and_reference():
    topic = Topic.objects.get(title="Avoiding peer drift")
    assert topic.summary == PEER_DRIFT_DEFINITION
    assert topic.description.startswith("It can happen gradually: taking notes like a clinician")
    assert list(topic.references.values_list("citation", "url")) == [
        (
            "Be Well Do Well Peer Mentor Program: Maintaining Your Role as a Change Agent "
            "\u2013 Krasman Centre",
            "",
        )
    ]


def test_data_migration_sets_a_refresh_interval_on_the_suicide_topic_only():
    refreshed = Topic.objects.filter(refresh_interval_months__isnull=False)
    assert list(refreshed.values_list("title", "refresh_interval_months")) == [
        ("Supporting participants experiencing thoughts of suicide", 12)
    ]


def test_data_migration_records_where_each_seeded_topic_came_from():
    topic = Topic.objects.get(title="Avoiding peer drift")
    seeded, translated = topic.history.order_by("history_id")
    assert seeded.history_type == "+"
    assert seeded.history_user is None
    assert seeded.history_change_reason == "Seeded from the community-of-practice guidance"
    assert (seeded.title_en, seeded.title_fr) == ("Avoiding peer drift", None)
    # Migration 0006 gave it its French, and says so.
    assert translated.history_type == "~"
    assert translated.history_user is None
    assert translated.history_change_reason == (
        "French translation of the community-of-practice guidance"
    )
    assert (translated.title_en, translated.title_fr) == (
        "Avoiding peer drift",
        "Éviter la dérive des pairs",
    )
    assert topic.references.get().history.get().history_type == "+"


def test_data_migration_creates_the_catalogue_editors_group():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Catalogue editors")
    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == [
        "training.edit_catalogue"
    ]


def test_catalogue_editors_group_gives_the_permission(django_user_model):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory()
    assert not user.has_perm("training.edit_catalogue")
    user.groups.add(Group.objects.get(name="Catalogue editors"))
    user = django_user_model.objects.get(pk=user.pk)
    assert user.has_perm("training.edit_catalogue")


def test_topic_title_is_unique_whatever_its_case_in_the_database():
    TopicFactory(title="Active listening")
    with pytest.raises(IntegrityError):
        TopicFactory(title="ACTIVE LISTENING")


def test_topic_refresh_interval_must_be_positive_in_the_database():
    with pytest.raises(IntegrityError):
        TopicFactory(refresh_interval_months=0)


def test_topic_str_and_address():
    topic = TopicFactory(title="Active listening")
    assert str(topic) == "Active listening"
    assert topic.get_absolute_url() == f"/catalogue/{topic.pk}/"
