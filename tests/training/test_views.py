import pytest
from django.urls import reverse

from tests.factories import FacilitationOfferFactory, TopicFactory, TopicReferenceFactory
from training.models import FacilitationOffer, Topic, TopicReference

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("training:topic_create")


ENGLISH = {"title": "title_en", "summary": "summary_en", "description": "description_en"}


def _form_data(**overrides):
    """A valid topic form with its references formset (two empty rows, none existing). The
    form has each language's fields: `title=` and the like are the English ones."""
    data = {
        "title_en": "Active listening",
        "summary_en": "Listening so that people feel heard.",
        "description_en": "Reflecting and summarising.",
        "title_fr": "",
        "summary_fr": "",
        "description_fr": "",
        "refresh_interval_months": "",
        "references-TOTAL_FORMS": "2",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "20",
        "references-0-citation": "",
        "references-0-url": "",
        "references-1-citation": "",
        "references-1-url": "",
    }
    data.update({ENGLISH.get(key, key): value for key, value in overrides.items()})
    return data


def _edit_data(topic, **overrides):
    refs = list(topic.references.all())
    data = _form_data(
        **{
            f"{field}_{language}": topic.text_in(field, language)
            for field in ("title", "summary", "description")
            for language in ("en", "fr")
        },
        refresh_interval_months=topic.refresh_interval_months or "",
    )
    data["references-TOTAL_FORMS"] = str(len(refs) + 2)
    data["references-INITIAL_FORMS"] = str(len(refs))
    for key in list(data):
        if key.startswith(("references-0-", "references-1-")):
            del data[key]
    for i, ref in enumerate(refs):
        data |= {
            f"references-{i}-id": str(ref.pk),
            f"references-{i}-topic": str(topic.pk),
            f"references-{i}-citation": ref.citation,
            f"references-{i}-url": ref.url,
        }
    for i in range(len(refs), len(refs) + 2):
        data |= {f"references-{i}-citation": "", f"references-{i}-url": ""}
    data.update({ENGLISH.get(key, key): value for key, value in overrides.items()})
    return data


def _catalogue_snapshot():
    return (
        list(Topic.objects.values_list("pk", "title", "summary", "is_archived")),
        list(TopicReference.objects.values_list("pk", "citation", "url")),
        Topic.history.count(),
        TopicReference.history.count(),
    )


# --- browse --------------------------------------------------------------------------------
def test_topic_list_shows_active_topics_to_a_peer(peer_client):
    TopicFactory(title="An archived topic", is_archived=True)
    response = peer_client.get(reverse("training:topic_list"))
    assert response.status_code == 200
    titles = [t.title for t in response.context["topics"]]
    assert titles == list(
        Topic.objects.filter(is_archived=False).order_by("title").values_list("title", flat=True)
    )
    assert "An archived topic" not in titles
    assert "Add a topic" not in response.content.decode()


def test_topic_list_searches_title_summary_and_description(peer_client):
    response = peer_client.get(reverse("training:topic_list"), {"q": "medical treatment"})
    assert [t.title for t in response.context["topics"]] == ["Avoiding peer drift"]
    response = peer_client.get(reverse("training:topic_list"), {"q": "hopelessness"})
    assert [t.title for t in response.context["topics"]] == [
        "Supporting participants experiencing pervasive feelings of hopelessness"
    ]


def test_topic_list_ignores_the_state_filter_for_non_editors(peer_client):
    TopicFactory(title="An archived topic", is_archived=True)
    response = peer_client.get(reverse("training:topic_list"), {"state": "archived"})
    assert response.context["state"] == "active"
    assert "An archived topic" not in [t.title for t in response.context["topics"]]


def test_topic_list_lets_editors_filter_archived_topics(editor_client):
    TopicFactory(title="An archived topic", is_archived=True)
    response = editor_client.get(reverse("training:topic_list"), {"state": "archived"})
    assert [t.title for t in response.context["topics"]] == ["An archived topic"]
    response = editor_client.get(reverse("training:topic_list"), {"state": "all"})
    assert len(response.context["topics"]) == 10
    assert "Add a topic" in response.content.decode()


def test_topic_list_with_a_bad_state_shows_active_topics(editor_client):
    response = editor_client.get(reverse("training:topic_list"), {"state": "nonsense"})
    assert response.status_code == 200
    assert response.context["state"] == "active"


def test_topic_detail_shows_an_archived_topic_by_its_address(peer_client):
    topic = TopicFactory(title="An archived topic", is_archived=True)
    response = peer_client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert "This topic is <strong>archived</strong>" in response.content.decode()
    assert "Offer to facilitate" not in response.content.decode()


def test_topic_detail_shows_references_but_no_history_or_edit_to_a_peer(peer_client):
    topic = Topic.objects.get(title="Avoiding peer drift")
    content = peer_client.get(topic.get_absolute_url()).content.decode()
    assert "Maintaining Your Role as a Change Agent" in content
    assert "History" not in content
    assert reverse("training:topic_edit", kwargs={"pk": topic.pk}) not in content
    assert reverse("training:offer_create", kwargs={"campus": "riverside", "pk": topic.pk}) in (
        content
    )


def test_topic_detail_shows_history_to_editors(editor_client, editor):
    topic = Topic.objects.get(title="Avoiding peer drift")
    editor_client.post(
        reverse("training:topic_edit", kwargs={"pk": topic.pk}),
        _edit_data(topic, summary="A shorter summary."),
    )
    response = editor_client.get(topic.get_absolute_url())
    assert [(e.who, e.what) for e in response.context["history"]] == [
        (editor, "changed the topic"),
        (None, "changed the topic"),  # its French (migration 0006)
        (None, "added a reference"),
        (None, "created the topic"),
    ]
    content = response.content.decode()
    assert "Eda Editor changed the topic" in content
    assert "the catalogue set-up created the topic" in content


def test_topic_detail_unknown_topic_is_404(peer_client):
    assert (
        peer_client.get(reverse("training:topic_detail", kwargs={"pk": 999999})).status_code == 404
    )


# --- edit: permissions ---------------------------------------------------------------------
@pytest.mark.parametrize("role", ["peer", "partner", "coordinator"])
def test_members_cannot_add_topics(client, world, role):
    client.force_login(world.user(role))
    before = _catalogue_snapshot()
    assert client.post(CREATE_URL, _form_data()).status_code == 403
    assert _catalogue_snapshot() == before


@pytest.mark.parametrize("name", ["topic_edit", "topic_archive", "topic_restore", "topic_delete"])
def test_a_peer_cannot_change_a_topic(peer_client, name):
    topic = TopicFactory(is_archived=name == "topic_restore")
    before = _catalogue_snapshot()
    response = peer_client.post(reverse(f"training:{name}", kwargs={"pk": topic.pk}), {})
    assert response.status_code == 403
    assert _catalogue_snapshot() == before


@pytest.mark.parametrize(
    ("name", "method", "status"),
    [
        ("topic_create", "get", 200),
        ("topic_edit", "get", 200),
        ("topic_delete", "get", 200),
        ("topic_archive", "post", 302),
    ],
)
def test_catalogue_editors_may_edit(editor_client, name, method, status):
    kwargs = {} if name == "topic_create" else {"pk": TopicFactory().pk}
    response = getattr(editor_client, method)(reverse(f"training:{name}", kwargs=kwargs))
    assert response.status_code == status


def test_anonymous_is_sent_to_log_in_even_for_an_unknown_topic(client):
    response = client.get(reverse("training:topic_edit", kwargs={"pk": 999999}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_editor_editing_an_unknown_topic_gets_404(editor_client):
    response = editor_client.get(reverse("training:topic_edit", kwargs={"pk": 999999}))
    assert response.status_code == 404


# --- edit: add and change ------------------------------------------------------------------
def test_editor_adds_a_topic_with_a_reference(editor_client, editor):
    data = _form_data(
        **{
            "refresh_interval_months": "24",
            "references-0-citation": "Peer Support Canada, Guidelines",
            "references-0-url": "peersupportcanada.ca/guidelines",
        }
    )
    response = editor_client.post(CREATE_URL, data, follow=True)
    topic = Topic.objects.get(title="Active listening")
    assert response.redirect_chain == [(topic.get_absolute_url(), 302)]
    assert "Added “Active listening” to the catalogue." in response.content.decode()
    assert (topic.summary, topic.refresh_interval_months) == (
        "Listening so that people feel heard.",
        24,
    )
    assert list(topic.references.values_list("citation", "url")) == [
        ("Peer Support Canada, Guidelines", "https://peersupportcanada.ca/guidelines")
    ]
    assert topic.history.get().history_user == editor


def test_editor_edits_a_topic_and_its_references(editor_client):
    topic = TopicFactory(title="Active listening")
    first = TopicReferenceFactory(topic=topic, citation="First", position=0)
    second = TopicReferenceFactory(topic=topic, citation="Second", position=1)
    data = _edit_data(
        topic,
        title="Active listening in peer support",
        **{
            "references-0-citation": "First, corrected",
            "references-1-DELETE": "on",
            "references-2-citation": "Third",
            "references-2-url": "https://example.org/third",
        },
    )
    response = editor_client.post(reverse("training:topic_edit", kwargs={"pk": topic.pk}), data)
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Active listening in peer support"
    assert list(topic.references.values_list("pk", "citation", "url")) == [
        (first.pk, "First, corrected", ""),
        (topic.references.get(citation="Third").pk, "Third", "https://example.org/third"),
    ]
    assert not TopicReference.objects.filter(pk=second.pk).exists()


def test_edit_form_shows_the_current_values(editor_client):
    topic = Topic.objects.get(title="Avoiding peer drift")
    response = editor_client.get(reverse("training:topic_edit", kwargs={"pk": topic.pk}))
    assert response.context["form"].initial["title_en"] == "Avoiding peer drift"
    assert response.context["form"].initial["title_fr"] == "Éviter la dérive des pairs"
    assert [f.instance.citation for f in response.context["formset"].forms[:1]] == [
        "Be Well Do Well Peer Mentor Program: Maintaining Your Role as a Change Agent "
        "\u2013 Krasman Centre"
    ]
    assert len(response.context["formset"].forms) == 3


# --- edit: bad input changes nothing -------------------------------------------------------
def _errors(response):
    return {
        "form": dict(response.context["form"].errors),
        "references": [dict(f.errors) for f in response.context["formset"].forms if f.errors],
    }


def test_empty_title_is_refused_with_a_message(editor_client):
    before = _catalogue_snapshot()
    response = editor_client.post(CREATE_URL, _form_data(title="   "))
    assert response.status_code == 200
    assert _errors(response) == {
        "form": {"title_en": ["Give the topic a title, in English or in French."]},
        "references": [],
    }
    assert "Nothing was saved." in response.content.decode()
    assert _catalogue_snapshot() == before


def test_duplicate_title_is_refused_whatever_its_case(editor_client):
    before = _catalogue_snapshot()
    response = editor_client.post(CREATE_URL, _form_data(title="CULTURAL competency"))
    assert response.status_code == 200
    assert _errors(response) == {
        "form": {
            "title_en": [
                "A topic called “CULTURAL competency” is already in the catalogue. "
                "Choose another title."
            ]
        },
        "references": [],
    }
    assert _catalogue_snapshot() == before


def test_renaming_to_a_duplicate_title_changes_nothing(editor_client):
    topic = Topic.objects.get(title="Avoiding peer drift")
    before = _catalogue_snapshot()
    response = editor_client.post(
        reverse("training:topic_edit", kwargs={"pk": topic.pk}),
        _edit_data(topic, title="Cultural Competency", summary="Changed too."),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title_en"] == [
        "A topic called “Cultural Competency” is already in the catalogue. Choose another title."
    ]
    assert _catalogue_snapshot() == before


def test_malformed_reference_url_is_refused_with_a_message(editor_client):
    before = _catalogue_snapshot()
    response = editor_client.post(
        CREATE_URL,
        _form_data(**{"references-0-citation": "A guide", "references-0-url": "not a url"}),
    )
    assert response.status_code == 200
    assert _errors(response) == {"form": {}, "references": [{"url": ["Enter a valid URL."]}]}
    assert _catalogue_snapshot() == before


def test_reference_url_without_citation_is_refused_with_a_message(editor_client):
    before = _catalogue_snapshot()
    response = editor_client.post(
        CREATE_URL, _form_data(**{"references-1-url": "https://example.org/guide"})
    )
    assert _errors(response) == {
        "form": {},
        "references": [
            {"citation": ["Enter a citation for this URL: who wrote it and what it is called."]}
        ],
    }
    assert _catalogue_snapshot() == before


def test_refresh_interval_must_be_at_least_a_month(editor_client):
    before = _catalogue_snapshot()
    response = editor_client.post(CREATE_URL, _form_data(refresh_interval_months="0"))
    assert _errors(response)["form"] == {
        "refresh_interval_months": ["Ensure this value is greater than or equal to 1."]
    }
    assert _catalogue_snapshot() == before


def test_tampered_formset_is_a_form_error_not_a_500(editor_client):
    before = _catalogue_snapshot()
    data = _form_data()
    del data["references-TOTAL_FORMS"]
    response = editor_client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert _catalogue_snapshot() == before


# --- archive, restore, delete --------------------------------------------------------------
def test_editor_archives_and_restores_a_topic(editor_client):
    topic = TopicFactory(title="Old topic")
    response = editor_client.post(
        reverse("training:topic_archive", kwargs={"pk": topic.pk}), follow=True
    )
    assert response.redirect_chain == [(topic.get_absolute_url(), 302)]
    assert "Archived “Old topic”" in response.content.decode()
    assert Topic.objects.get(pk=topic.pk).is_archived is True
    editor_client.post(reverse("training:topic_restore", kwargs={"pk": topic.pk}))
    assert Topic.objects.get(pk=topic.pk).is_archived is False


def test_archive_is_post_only(editor_client):
    topic = TopicFactory()
    response = editor_client.get(reverse("training:topic_archive", kwargs={"pk": topic.pk}))
    assert response.status_code == 405


def test_editor_deletes_an_unused_topic(editor_client):
    topic = TopicFactory(title="A mistake")
    url = reverse("training:topic_delete", kwargs={"pk": topic.pk})
    assert editor_client.get(url).context["blocker"] is None
    response = editor_client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("training:topic_list"), 302)]
    assert "Deleted “A mistake” from the catalogue." in response.content.decode()
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_deleting_a_used_topic_is_refused_with_a_message(editor_client):
    offer = FacilitationOfferFactory(topic__title="Active listening")
    url = reverse("training:topic_delete", kwargs={"pk": offer.topic.pk})
    message = (
        "“Active listening” has 1 facilitation offer, so it cannot be deleted. Archive it instead."
    )
    response = editor_client.get(url)
    assert response.context["blocker"] == message
    assert "Archive it instead" in response.content.decode()
    before = _catalogue_snapshot()
    response = editor_client.post(url, follow=True)
    assert response.redirect_chain == [(offer.topic.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [message]
    assert _catalogue_snapshot() == before


# --- facilitation offers -------------------------------------------------------------------
def test_peer_offers_to_facilitate_and_withdraws(peer_client, world):
    topic = Topic.objects.get(title="Cultural competency")
    url = reverse("training:offer_create", kwargs={"campus": "riverside", "pk": topic.pk})
    assert peer_client.get(url).status_code == 200
    response = peer_client.post(url, {"note": "I can bring a guest speaker."}, follow=True)
    assert response.redirect_chain == [(topic.get_absolute_url(), 302)]
    assert (
        "Thank you: your offer to facilitate “Cultural competency” is with the coordinators of "
        "Riverside." in response.content.decode()
    )
    offer = FacilitationOffer.objects.get()
    assert (offer.topic, offer.campus, offer.user, offer.note, offer.status) == (
        topic,
        world.campus,
        world.peer,
        "I can bring a guest speaker.",
        "open",
    )
    assert response.context["my_offers"] == [offer]
    assert response.context["offer_campuses"] == []

    withdraw = reverse("training:offer_withdraw", kwargs={"campus": "riverside", "pk": offer.pk})
    response = peer_client.post(withdraw, follow=True)
    assert response.redirect_chain == [(topic.get_absolute_url(), 302)]
    assert FacilitationOffer.objects.get().status == "withdrawn"
    assert response.context["offer_campuses"] == [world.campus]


def test_offering_twice_shows_a_message_and_changes_nothing(peer_client, world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer, topic__title="T")
    url = reverse("training:offer_create", kwargs={"campus": "riverside", "pk": offer.topic.pk})
    response = peer_client.post(url, {"note": "Again"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You have already offered to facilitate “T” at Riverside. "
        "Your coordinator can see it when planning a meeting."
    ]
    assert list(FacilitationOffer.objects.values_list("pk", "note")) == [
        (offer.pk, "I would like to lead this.")
    ]


def test_offering_an_unknown_topic_is_404(peer_client):
    url = reverse("training:offer_create", kwargs={"campus": "riverside", "pk": 999999})
    assert peer_client.get(url).status_code == 404


def test_withdrawing_someone_elses_offer_is_404(client, world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    client.force_login(world.partner)
    url = reverse("training:offer_withdraw", kwargs={"campus": "riverside", "pk": offer.pk})
    assert client.post(url).status_code == 404
    assert FacilitationOffer.objects.get().status == "open"


def test_coordinator_sees_the_campus_open_offers(coordinator_client, world):
    offer = FacilitationOfferFactory(
        campus=world.campus, user=world.peer, topic__title="Active listening", note="Keen!"
    )
    FacilitationOfferFactory(campus=world.campus, status="withdrawn")
    FacilitationOfferFactory(campus=world.other_campus)
    response = coordinator_client.get(
        reverse("training:offer_list", kwargs={"campus": "riverside"})
    )
    assert list(response.context["offers"]) == [offer]
    content = response.content.decode()
    assert "Keen!" in content
    assert world.peer.name in content


def test_coordinator_sees_open_offers_on_the_topic_page(coordinator_client, world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    response = coordinator_client.get(offer.topic.get_absolute_url())
    assert response.context["campus_offers"] == [(world.campus, [offer])]


def test_offering_an_archived_topic_is_refused_with_a_message(peer_client):
    topic = TopicFactory(title="Old topic", is_archived=True)
    url = reverse("training:offer_create", kwargs={"campus": "riverside", "pk": topic.pk})
    assert "This topic is archived" in peer_client.get(url).content.decode()
    response = peer_client.post(url, {"note": "Still keen"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "“Old topic” is archived: it is no longer offered. Choose a current topic."
    ]
    assert not FacilitationOffer.objects.exists()


# --- one-line fields -------------------------------------------------------------------------
ONE_LINE = ["Keep this on one line: remove the line breaks."]


@pytest.mark.parametrize("title", ["Active\r\nBcc: attacker@evil.test", "Active\u2028listening"])
def test_topic_title_with_a_line_break_is_refused(editor_client, title):
    before = _catalogue_snapshot()
    response = editor_client.post(CREATE_URL, _form_data(title=title))
    assert response.status_code == 200
    assert _errors(response) == {"form": {"title_en": ONE_LINE}, "references": []}
    assert _catalogue_snapshot() == before


def test_reference_citation_with_a_line_break_is_refused(editor_client):
    before = _catalogue_snapshot()
    response = editor_client.post(
        CREATE_URL, _form_data(**{"references-0-citation": "Author\nA guide (2024)"})
    )
    assert response.status_code == 200
    assert _errors(response) == {"form": {}, "references": [{"citation": ONE_LINE}]}
    assert _catalogue_snapshot() == before


@pytest.mark.parametrize("page", ["abc", "1.5", "-1", "0", "99999999999999999999", "a\x00b"])
def test_topic_list_with_a_bogus_page_shows_a_page(peer_client, page):
    response = peer_client.get(reverse("training:topic_list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1
