"""The agenda: items edited where they stand, reordered by buttons, a position or the whole
order at once, offers to facilitate put on it in one click."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import agenda
from tests.factories import FacilitationOfferFactory, TopicFactory
from training.models import FacilitationOffer

pytestmark = pytest.mark.django_db


def _url(name, meeting, **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk, **kwargs}
    )


def _titles(meeting):
    return [str(item.shown_title) for item in meeting.agenda_items.order_by("position")]


GUIDANCE = [
    "Case collaboration",
    "Training",
    "Administrative updates",
    "Reflection: what is going well, what is proving difficult, ideas for improving",
]


def _training(meeting):
    return meeting.agenda_items.get(kind="training")


def _edit_data(**overrides):
    return {
        "edit-kind": "training",
        "edit-title": "Training",
        "edit-topic": "",
        "edit-facilitator": "",
        "edit-duration_minutes": "30",
        "edit-notes": "",
        **overrides,
    }


# --- services ------------------------------------------------------------------------------
def test_update_agenda_item_fills_the_training_slot_where_it_stands(world, meeting):
    topic = TopicFactory(title="Peer drift")
    offer = FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.peer)
    item = agenda.update_agenda_item(
        item=_training(meeting),
        kind="training",
        title="Training",
        duration_minutes=30,
        topic=topic,
        facilitator=world.peer,
        by=world.coordinator,
    )
    assert (item.position, item.shown_title, item.duration_minutes) == (2, "Peer drift", 30)
    assert item.facilitation_offer == offer
    offer.refresh_from_db()
    assert offer.status == FacilitationOffer.Status.USED
    assert _titles(meeting) == [GUIDANCE[0], "Peer drift", *GUIDANCE[2:]]


def test_update_agenda_item_reopens_an_offer_it_no_longer_matches(world, meeting):
    topic = TopicFactory(title="Peer drift")
    offer = FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.peer)
    item = agenda.update_agenda_item(
        item=_training(meeting), kind="training", title="", topic=topic,
        facilitator=world.peer, by=None,
    )  # fmt: skip
    agenda.update_agenda_item(
        item=item, kind="training", title="Peer drift", topic=topic,
        facilitator=world.partner, by=None,
    )  # fmt: skip
    offer.refresh_from_db()
    assert offer.status == FacilitationOffer.Status.OPEN
    item.refresh_from_db()
    assert (item.facilitator, item.facilitation_offer) == (world.partner, None)


def test_update_agenda_item_refuses_a_topic_on_another_kind(world, meeting):
    item = meeting.agenda_items.get(kind="case_collaboration")
    with pytest.raises(ValidationError) as error:
        agenda.update_agenda_item(
            item=item, kind="case_collaboration", title="Cases", topic=TopicFactory(), by=None
        )
    assert error.value.message_dict == {"topic": ["Only a training item has a catalogue topic."]}
    assert _titles(meeting) == GUIDANCE


def test_reorder_agenda_puts_items_in_the_given_order(world, meeting):
    pks = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    agenda.reorder_agenda(meeting=meeting, order=[pks[3], pks[0], pks[2], pks[1]], by=None)
    assert _titles(meeting) == [GUIDANCE[3], GUIDANCE[0], GUIDANCE[2], GUIDANCE[1]]
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == [
        1, 2, 3, 4,
    ]  # fmt: skip


@pytest.mark.parametrize("order", ["none", "missing", "twice", "foreign"])
def test_reorder_agenda_refuses_an_order_that_is_not_the_agenda(world, meeting, order):
    pks = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    order = {
        "none": [],
        "missing": pks[:3],
        "twice": [*pks[:3], pks[0]],
        "foreign": [*pks[:3], pks[3] + 1000],
    }[order]
    with pytest.raises(ValidationError):
        agenda.reorder_agenda(meeting=meeting, order=order, by=None)
    assert _titles(meeting) == GUIDANCE


@pytest.mark.parametrize(("position", "expected"), [(1, 0), (3, 2), (99, 3)])
def test_move_agenda_item_to_a_position(world, meeting, position, expected):
    item = _training(meeting)
    agenda.move_agenda_item_to(item=item, position=position, by=None)
    assert _titles(meeting).index("Training") == expected


def test_put_offer_on_agenda_fills_the_empty_training_slot(world, meeting):
    offer = FacilitationOfferFactory(
        topic=TopicFactory(title="Boundaries"), campus=world.campus, user=world.partner
    )
    item = agenda.put_offer_on_agenda(meeting=meeting, offer=offer, by=world.coordinator)
    assert (item.position, item.shown_title, item.facilitator) == (2, "Boundaries", world.partner)
    assert meeting.agenda_items.count() == 4


def test_put_offer_on_agenda_adds_an_item_when_the_slot_is_taken(world, meeting):
    first = FacilitationOfferFactory(campus=world.campus, user=world.partner)
    second = FacilitationOfferFactory(
        topic=TopicFactory(title="Self-care"), campus=world.campus, user=world.peer
    )
    agenda.put_offer_on_agenda(meeting=meeting, offer=first, by=None)
    item = agenda.put_offer_on_agenda(meeting=meeting, offer=second, by=None)
    assert (item.position, item.shown_title) == (5, "Self-care")


# --- pages ---------------------------------------------------------------------------------
def test_agenda_page_shows_every_kind_badge_and_the_running_total(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.get(_url("agenda", meeting))
    html = response.content.decode()
    assert response.context["planned"] == {
        "minutes": 0, "length": 90, "left": 90, "over": False, "over_by": -90, "unset": 4,
    }  # fmt: skip
    assert html.count('class="badge agenda-kind agenda-kind-') == 4
    assert "Planned: 0 of 90 minutes." in html
    assert response.context["form"] is None  # the item form opens on request
    assert f'href="{_url("agenda_add", meeting)}#add-heading"' in html
    assert "Duration (minutes)" not in html


def test_add_an_item_opens_the_form_in_place_or_as_the_page(client, world, meeting):
    client.force_login(world.coordinator)
    partial = client.get(_url("agenda_add", meeting), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert html.strip().startswith('<section id="agenda-add"')  # only the form's section
    assert "Planned:" not in html
    assert "Duration (minutes)" in html and "autofocus" in html
    assert f'action="{_url("agenda", meeting)}"' in html
    page = client.get(_url("agenda_add", meeting)).content.decode()  # without JavaScript
    assert "Planned: 0 of 90 minutes." in page and "Duration (minutes)" in page
    assert client.post(_url("agenda_add", meeting), {"kind": "other"}).status_code == 405


def test_a_refused_item_shows_the_page_with_the_form_as_typed(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.post(
        _url("agenda", meeting), {"kind": "other", "title": "Two\nlines", "notes": "Kept"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Planned:" in html and 'id="agenda-add"' in html
    assert ">\nKept</textarea>" in html
    assert response.context["form"].errors["title"]
    assert len(_titles(meeting)) == 4  # nothing added


def test_agenda_item_edit_page_without_javascript_saves_in_place(client, world, meeting):
    topic = TopicFactory(title="Peer drift")
    client.force_login(world.coordinator)
    item = _training(meeting)
    page = client.get(_url("agenda_item_edit", meeting, item=item.pk))
    assert page.status_code == 200
    assert page.context["edit_item"] == item
    response = client.post(
        _url("agenda_item_edit", meeting, item=item.pk),
        _edit_data(**{"edit-topic": topic.pk, "edit-facilitator": world.peer.pk}),
    )
    assert response.status_code == 302
    assert _titles(meeting) == [GUIDANCE[0], "Peer drift", *GUIDANCE[2:]]
    total = client.get(_url("agenda", meeting)).context["planned"]
    assert (total["minutes"], total["left"]) == (30, 60)


def test_agenda_item_edit_with_htmx_answers_the_items_section(client, world, meeting):
    client.force_login(world.coordinator)
    item = _training(meeting)
    response = client.post(
        _url("agenda_item_edit", meeting, item=item.pk),
        _edit_data(**{"edit-title": "Listening skills"}),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="agenda-items"')
    assert "Listening skills" in html
    assert "<html" not in html


def test_agenda_item_edit_refused_keeps_what_was_typed(client, world, meeting):
    client.force_login(world.coordinator)
    item = _training(meeting)
    response = client.post(
        _url("agenda_item_edit", meeting, item=item.pk),
        _edit_data(**{"edit-kind": "other", "edit-topic": TopicFactory().pk, "edit-notes": "Kept"}),
    )
    assert response.status_code == 200
    assert response.context["edit_form"].errors == {
        "topic": ["Only a training item has a catalogue topic."]
    }
    assert "Kept" in response.content.decode()
    assert _titles(meeting) == GUIDANCE


def test_agenda_item_edit_of_an_unknown_item_is_404(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.get(_url("agenda_item_edit", meeting, item=999_999))
    assert response.status_code == 404


def test_agenda_move_to_a_typed_position(client, world, meeting):
    client.force_login(world.coordinator)
    item = meeting.agenda_items.get(kind="reflection")
    response = client.post(_url("agenda_item_move", meeting, item=item.pk), {"position": "1"})
    assert response.status_code == 302
    assert _titles(meeting)[0] == GUIDANCE[3]


@pytest.mark.parametrize("order", ["", "1,two", "1;2", "9" * 2001])
def test_agenda_reorder_refuses_a_bogus_order(client, world, meeting, order):
    client.force_login(world.coordinator)
    response = client.post(_url("agenda_reorder", meeting), {"order": order})
    assert response.status_code == 302
    assert _titles(meeting) == GUIDANCE


def test_agenda_reorder_with_htmx(client, world, meeting):
    client.force_login(world.coordinator)
    pks = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    response = client.post(
        _url("agenda_reorder", meeting),
        {"order": ",".join(str(pk) for pk in reversed(pks))},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert _titles(meeting) == list(reversed(GUIDANCE))


def test_agenda_offer_on_an_archived_topic_is_never_offered(client, world, meeting):
    archived = TopicFactory(title="Old topic", is_archived=True)
    offer = FacilitationOfferFactory(topic=archived, campus=world.campus, user=world.peer)
    client.force_login(world.coordinator)
    page = client.get(_url("agenda", meeting))
    assert list(page.context["offers"]) == []
    response = client.post(_url("agenda_offer", meeting), {"offer": offer.pk})
    assert response.status_code == 302
    assert _titles(meeting) == GUIDANCE


def test_agenda_offer_one_click_fills_the_training_slot(client, world, meeting):
    offer = FacilitationOfferFactory(
        topic=TopicFactory(title="Boundaries"), campus=world.campus, user=world.peer
    )
    client.force_login(world.coordinator)
    response = client.post(_url("agenda_offer", meeting), {"offer": offer.pk})
    assert response.status_code == 302
    assert _titles(meeting) == [GUIDANCE[0], "Boundaries", *GUIDANCE[2:]]


# --- the page's markup, drawn cheaply ------------------------------------------------------
def _options(html, name):
    """A select's options as (value, label, selected), read with an HTML parser."""
    from html.parser import HTMLParser

    class Options(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.options = False, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "select":
                self.inside = attrs.get("name") == name
            elif tag == "option" and self.inside:
                self.options.append([attrs["value"], "", "selected" in attrs])

        def handle_endtag(self, tag):
            if tag == "select":
                self.inside = False

        def handle_data(self, data):
            if self.inside and self.options:
                self.options[-1][1] += data.strip()

    parser = Options()
    parser.feed(html)
    return [tuple(option) for option in parser.options]


@pytest.mark.parametrize("value", [None, "", 7, "7"])
def test_plain_select_draws_what_djangos_select_draws(value):
    from django import forms

    from meetings.forms import PlainSelect

    choices = [("", "—"), (7, 'Ana <"Bo"> & Co'), (8, "Zoé")]
    attrs = {"id": "id_who", "aria-describedby": "id_who_helptext", "required": True}
    ours = PlainSelect(choices=choices).render("who", value, attrs)
    django = forms.Select(choices=choices).render("who", value, attrs)
    assert _options(ours, "who") == _options(django, "who")
    assert sum(selected for *_, selected in _options(ours, "who")) == 1
    assert "Ana &lt;&quot;Bo&quot;&gt; &amp; Co" in ours
    assert ours.startswith('<select name="who"')
    for attribute in ('id="id_who"', 'aria-describedby="id_who_helptext"', " required"):
        assert attribute in ours


def test_agenda_item_edit_page_shows_the_item_chosen_and_every_item_address(client, world, meeting):
    client.force_login(world.coordinator)
    item = _training(meeting)
    agenda.update_agenda_item(
        item=item, kind="training", title="Listening", facilitator=world.peer, by=world.coordinator
    )
    html = client.get(_url("agenda_item_edit", meeting, item=item.pk)).content.decode()
    chosen = [value for value, _, selected in _options(html, "edit-facilitator") if selected]
    assert chosen == [str(world.peer.pk)]
    assert [v for v, _, s in _options(html, "edit-kind") if s] == ["training"]
    assert _options(html, "facilitator") == []  # the add form stays closed
    assert 'for="id_edit-facilitator"' in html and 'id="id_edit-facilitator"' in html
    for other in meeting.agenda_items.exclude(pk=item.pk):
        for name in ("agenda_item_edit", "agenda_item_move", "agenda_item_remove"):
            assert f'action="{_url(name, meeting, item=other.pk)}"' in html or (
                f'href="{_url(name, meeting, item=other.pk)}"' in html
            )
    assert f'action="{_url("agenda_item_edit", meeting, item=item.pk)}"' in html
