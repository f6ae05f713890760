"""The agenda and minutes pages' lists, printed in one pass (meetings.templatetags.agenda_tags),
and the plain-value reads they print (meetings.selectors, training.selectors)."""

import datetime as dt
import types

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from meetings import minutes, selectors
from meetings.models import AgendaItem
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DiscussionSuggestionFactory,
    FacilitationOfferFactory,
    MeetingFactory,
    TopicFactory,
    UserFactory,
)
from training import selectors as training_selectors

from .conftest import local

pytestmark = pytest.mark.django_db

TYPED = "<script>alert(\"x\")</script> & 'co'"
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;co&#x27;"
CSRF = '<input type="hidden" name="csrfmiddlewaretoken" value="token-1">'


def _render(source, **context):
    context.setdefault("csrf_token", "token-1")
    return engines["django"].from_string("{% load agenda_tags %}" + source).render(context)


# --- agenda items ---------------------------------------------------------------------------
@pytest.fixture
def items(meeting):
    meeting.agenda_items.all().delete()
    person = UserFactory(name=TYPED)
    topic = TopicFactory(title=TYPED, title_fr="Thème <b>")
    return [
        AgendaItemFactory(
            meeting=meeting,
            position=1,
            kind=AgendaItem.Kind.TRAINING,
            title="",
            topic=topic,
            facilitator=person,
            duration_minutes=20,
            notes=f"First line {TYPED}\nsecond line",
        ),
        AgendaItemFactory(meeting=meeting, position=2, title=TYPED),
        AgendaItemFactory(meeting=meeting, position=3, kind=AgendaItem.Kind.REFLECTION, title=""),
    ]


def test_agenda_item_rows_escape_what_people_typed(items):
    html = _render("{% agenda_item_rows items url %}", items=items, url="/c/x/meetings/1/agenda/")
    assert "<script>" not in html and "<b>" not in html
    first, second, third = html.split("</li>")[:3]
    assert f"<strong>{ESCAPED}</strong>" in first  # the topic's title
    assert f'<span class="small">Topic: {ESCAPED}</span>' in first
    assert f'<span class="small">Facilitated by {ESCAPED}</span>' in first
    assert f'<div class="small">First line {ESCAPED}<br>second line</div>' in first
    assert '<span class="agenda-duration">20 min</span>' in first
    assert f"<strong>{ESCAPED}</strong>" in second
    reflection = "Reflection: what is going well, what is proving difficult, ideas for improving"
    assert f"<strong>{reflection}</strong>" in third  # the kind's usual title
    assert f"Position of “{ESCAPED}”" in second


def test_agenda_item_rows_have_each_item_s_buttons_and_place(items):
    url = "/c/x/meetings/1/agenda/"
    html = _render("{% agenda_item_rows items url %}", items=items, url=url)
    rows = html.split("</li>")[:3]
    for position, (item, row) in enumerate(zip(items, rows, strict=True), start=1):
        assert f'id="agenda-item-{item.pk}" data-item="{item.pk}" draggable="true">' in row
        assert f'href="{url}{item.pk}/edit/"' in row
        assert f'action="{url}{item.pk}/move/"' in row
        assert f'action="{url}{item.pk}/remove/"' in row
        assert row.count(CSRF) == 3
        assert f'max="3" id="position-{item.pk}" name="position" value="{position}"' in row
    assert 'value="up" type="submit" disabled>' in rows[0]
    assert 'value="down" type="submit">' in rows[0]
    assert 'value="up" type="submit">' in rows[2]
    assert 'value="down" type="submit" disabled>' in rows[2]


def test_agenda_item_row_while_another_is_edited_is_not_draggable(items):
    html = _render(
        "{% agenda_item_row item 2 3 url %}", item=items[1], url="/c/x/meetings/1/agenda/"
    )
    assert f'id="agenda-item-{items[1].pk}" data-item="{items[1].pk}">' in html
    assert "draggable" not in html
    assert 'value="up" type="submit">' in html and 'value="down" type="submit">' in html


def test_agenda_item_rows_in_french(items):
    items[0].facilitation_offer = FacilitationOfferFactory(
        topic=items[0].topic, campus=items[0].meeting.campus, user=items[0].facilitator
    )
    with translation.override("fr"):
        html = _render("{% agenda_item_rows items url %}", items=items, url="/a/")
    assert "<strong>Thème &lt;b&gt;</strong>" in html  # the topic's French title
    assert "Thème\N{NO-BREAK SPACE}: Thème &lt;b&gt;" in html
    assert f"Animé par {ESCAPED} (sa proposition)" in html
    assert "Monter<span" in html and "Descendre<span" in html and "Retirer<span" in html
    assert f"Position de «\N{NO-BREAK SPACE}{ESCAPED}\N{NO-BREAK SPACE}»" in html


# --- offers and suggestions -----------------------------------------------------------------
def test_offer_items_escape_the_person_topic_and_note(world):
    topic = TopicFactory(title=TYPED, title_fr="")
    FacilitationOfferFactory(
        campus=world.campus, topic=topic, user=UserFactory(name="Ann <i>"), note=TYPED
    )
    offers = training_selectors.open_offer_rows(campus=world.campus)
    html = _render("{% offer_items offers '/offer/' %}", offers=offers)
    assert f"<strong>Ann &lt;i&gt;</strong> offers “{ESCAPED}” — {ESCAPED}" in html
    assert f'<span class="visually-hidden">: {ESCAPED}, Ann &lt;i&gt;</span>' in html
    assert f'<form method="post" action="/offer/">{CSRF}' in html
    assert f'<input type="hidden" name="offer" value="{offers[0].pk}">' in html
    with translation.override("fr"):  # no French title: the English one
        html = _render("{% offer_items offers '/offer/' %}", offers=offers)
    assert f"propose «\N{NO-BREAK SPACE}{ESCAPED}\N{NO-BREAK SPACE}»" in html


def test_suggestion_items_escape_the_text_and_name_the_author_unless_anonymous(world, meeting):
    DiscussionSuggestionFactory(
        campus=world.campus,
        text=f"{TYPED}\nmore",
        is_anonymous=False,
        author=UserFactory(name="Bo <b>"),
        submitted_on=dt.date(2026, 8, 30),
    )
    DiscussionSuggestionFactory(campus=world.campus, submitted_on=dt.date(2026, 8, 29))
    suggestions = selectors.open_suggestion_rows(campus=world.campus)
    html = _render(
        "{% suggestion_items s campus meeting %}",
        s=suggestions,
        campus=world.campus,
        meeting=meeting,
    )
    named, anonymous = html.split("</li>")[:2]
    assert "An idea for improving · Bo &lt;b&gt; · 30 Aug 2026</span>" in named
    assert f'<p class="mb-1">{ESCAPED}<br>more</p>' in named
    assert f'action="/c/riverside/meetings/suggestions/{suggestions[0].pk}/use/">' in named
    assert f'<input type="hidden" name="meeting" value="{meeting.pk}">' in named
    assert "An idea for improving · anonymous · 29 Aug 2026</span>" in anonymous
    with translation.override("fr"):
        html = _render(
            "{% suggestion_items s campus meeting %}",
            s=suggestions,
            campus=world.campus,
            meeting=meeting,
        )
    assert "· anonyme · 29 août 2026</span>" in html
    assert "Marquer comme utilisée à cette rencontre" in html


# --- action items ---------------------------------------------------------------------------
def _page(world, user, *, coordinator=False, path="/c/riverside/meetings/2/agenda/"):
    return {
        "user": user,
        "campus": world.campus,
        "is_coordinator": coordinator,
        "request": RequestFactory().get(path),
    }


@pytest.fixture
def earlier(world):
    return MeetingFactory(campus=world.campus, title="June <b>", starts_at=local(2026, 6, 9))


def test_from_last_time_items_escape_and_offer_marking_done_to_the_owner_only(
    world, meeting, earlier
):
    mine = ActionItemFactory(
        meeting=earlier, text=TYPED, owner=world.peer, due_on=dt.date(2026, 9, 30)
    )
    theirs = ActionItemFactory(
        meeting=earlier, text="Book a room", owner=None, due_on=dt.date(2026, 10, 15)
    )
    rows = selectors.open_actions_before(meeting=meeting)
    assert [row.pk for row in rows] == [mine.pk, theirs.pk]
    html = _render("{% from_last_time_items rows %}", rows=rows, **_page(world, world.peer))
    first, second = html.split("</li>")[:2]
    assert f"<span>{ESCAPED}</span>" in first
    assert f"· {world.peer} · due 30 Sep 2026 · from “June &lt;b&gt;”, 9 Jun 2026" in first
    done = f"/c/riverside/meetings/{earlier.pk}/minutes/actions/{mine.pk}/done/"
    assert f'<form method="post" action="{done}" class="d-inline">{CSRF}' in first
    assert '<input type="hidden" name="next" value="/c/riverside/meetings/2/agenda/">' in first
    assert f'<span class="visually-hidden">: “{ESCAPED}”</span>' in first
    assert "· no owner · due 15 Oct 2026 · from “June &lt;b&gt;”" in second
    assert "<form" not in second  # not the peer's
    html = _render(
        "{% from_last_time_items rows %}",
        rows=rows,
        **_page(world, world.coordinator, coordinator=True),
    )
    assert html.count("<form") == 2
    with translation.override("fr"):
        html = _render("{% from_last_time_items rows %}", rows=rows, **_page(world, world.peer))
    nbsp = "\N{NO-BREAK SPACE}"
    assert (
        f"· sans responsable · échéance 15 octobre 2026 · de «{nbsp}June &lt;b&gt;{nbsp}»" in html
    )
    assert "échéance 30 septembre 2026" in html


def test_actions_of_and_before_reads_both_lists_in_one_query(
    world, meeting, earlier, django_assert_num_queries
):
    later_due = ActionItemFactory(meeting=meeting, due_on=dt.date(2026, 10, 2))
    done = minutes.add_action_item(meeting=meeting, text="Done", by=None)
    minutes.set_action_item_done(item=done, done=True, by=None)
    sooner_due = ActionItemFactory(meeting=meeting, due_on=dt.date(2026, 9, 20))
    still_open = ActionItemFactory(meeting=earlier)
    closed = ActionItemFactory(meeting=earlier)
    minutes.set_action_item_done(item=closed, done=True, by=None)
    ActionItemFactory(
        meeting=MeetingFactory(campus=world.other_campus, starts_at=local(2026, 6, 9))
    )
    ActionItemFactory(meeting=MeetingFactory(campus=world.campus, starts_at=local(2026, 10, 6)))
    with django_assert_num_queries(1):
        own, before = selectors.actions_of_and_before(meeting=meeting)
    # As the model's order (open first, by due date) and as open_actions_before.
    assert [row.pk for row in own] == [sooner_due.pk, later_due.pk, done.pk]
    assert [row.pk for row in before] == [still_open.pk]
    assert [row.pk for row in selectors.open_actions_before(meeting=meeting)] == [still_open.pk]


def test_action_items_table_for_coordinators_owners_and_others(world, meeting):
    mine = ActionItemFactory(
        meeting=meeting, text=TYPED, owner=world.peer, due_on=dt.date(2026, 9, 5)
    )
    closed = ActionItemFactory(meeting=meeting, text="Closed", owner=world.peer)
    minutes.set_action_item_done(item=closed, done=True, by=None)
    nobody = ActionItemFactory(meeting=meeting, text="Nobody's", due_on=dt.date(2026, 9, 9))
    rows, _ = selectors.actions_of_and_before(meeting=meeting)
    assert [row.pk for row in rows] == [mine.pk, nobody.pk, closed.pk]
    html = _render(
        "{% action_items_table rows True %}", rows=rows, **_page(world, world.coordinator)
    )
    assert '<thead><tr><th scope="col">Action</th><th scope="col">Owner</th>' in html
    _head, first, second, third = html.split("</tr>")[:4]
    assert f"<td>{ESCAPED}</td>\n<td>{world.peer}</td>\n<td>5 Sep 2026</td>" in first
    assert (
        f'<button type="submit" form="action-done-{mine.pk}" class="btn btn-sm '
        f'btn-outline-secondary">Not done<span class="visually-hidden">: “{ESCAPED}”, press to '
        'change</span></button>\n<span class="print-only">Not yet</span>'
    ) in first
    assert "<td>Nobody&#x27;s</td>\n<td>—</td>\n<td>9 Sep 2026</td>" in second
    assert f"<td>Closed</td>\n<td>{world.peer}</td>\n<td>—</td>" in third
    assert 'class="btn btn-sm btn-success">Done<span' in third
    html = _render("{% action_items_table rows False %}", rows=rows, **_page(world, world.peer))
    _head, first, second, third = html.split("</tr>")[:4]
    done = f"/c/riverside/meetings/{meeting.pk}/minutes/actions/{mine.pk}/done/"
    assert f'<form method="post" action="{done}">{CSRF}' in first
    assert "<form" not in second and "<td>\nNot yet\n</td>" in second
    assert "<form" not in third and "<td>\nDone\n</td>" in third
    with translation.override("fr"):
        html = _render("{% action_items_table rows False %}", rows=rows, **_page(world, world.peer))
    assert (
        "Marquer comme fait" in html
        and '<th scope="col">Responsable du suivi</th>' in html
        and "<td>\nPas encore\n</td>" in html
    )
    html = _render("{% action_done_forms rows %}", rows=rows, **_page(world, world.coordinator))
    assert f'<form method="post" id="action-done-{mine.pk}" action="{done}" hidden>' in html
    assert html.count('name="done" value="1"') == 2
    assert html.count('name="done" value="0"') == 1


# --- the reads ------------------------------------------------------------------------------
def test_topic_choices_are_the_active_topics_by_the_title_the_reader_sees(db):
    b = TopicFactory(title="Boundaries", title_fr="Limites")
    a = TopicFactory(title="Active listening", title_fr="")
    TopicFactory(title="Archived", is_archived=True)
    expected = list(training_selectors.active_topics())
    choices = training_selectors.topic_choices(empty_label="---------")
    assert choices[0] == ("", "---------")
    assert choices[1:] == [(topic.pk, topic.title) for topic in expected]
    assert (a.pk, "Active listening") in choices and (b.pk, "Boundaries") in choices
    with translation.override("fr"):
        choices = training_selectors.topic_choices(empty_label="—")
        expected = list(training_selectors.active_topics())
        assert choices[1:] == [(topic.pk, topic.title) for topic in expected]
    assert (a.pk, "Active listening") in choices and (b.pk, "Limites") in choices


def test_agenda_facilitators_are_named_once_in_the_agenda_s_order(world, meeting):
    meeting.agenda_items.all().delete()
    ann, bo = UserFactory(name="Ann"), UserFactory(name="", email="bo@example.edu")
    AgendaItemFactory(meeting=meeting, position=1, facilitator=bo)
    AgendaItemFactory(meeting=meeting, position=2)
    AgendaItemFactory(meeting=meeting, position=3, facilitator=ann)
    AgendaItemFactory(meeting=meeting, position=4, facilitator=bo)
    assert selectors.agenda_facilitators(meeting=meeting) == ["bo@example.edu", "Ann"]


def test_minutes_history_names_people_and_keeps_their_saves_apart(world, meeting, now):
    minutes.save_minutes(meeting=meeting, version=0, by=world.coordinator, going_well="A")
    now.shift(dt.timedelta(minutes=1))
    minutes.save_minutes(
        meeting=meeting, version=1, by=world.partner, going_well="A", proving_difficult="B"
    )
    now.shift(dt.timedelta(minutes=1))
    minutes.add_action_item(meeting=meeting, text="Call", by=world.partner)
    history = selectors.minutes_history(meeting=meeting)
    assert [(c.who, [str(s) for s in c.sections]) for c in history] == [
        (str(world.partner), ["Action items", "What is proving difficult"]),
        (str(world.coordinator), ["What is going well"]),
    ]


def test_tags_print_nothing_for_empty_lists(world):
    page = _page(world, world.peer)
    for tag in ("from_last_time_items", "action_done_forms"):
        assert _render(f"{{% {tag} rows %}}", rows=[], **page) == ""
    assert _render("{% action_items_table rows True %}", rows=[], **page) == (
        "<p>No action items.</p>"
    )
    assert _render("{% agenda_item_rows rows '/a/' %}", rows=[]) == ""
    assert _render("{% offer_items rows '/o/' %}", rows=[]) == ""
    campus = types.SimpleNamespace(slug="riverside")
    assert _render("{% suggestion_items rows campus m %}", rows=[], campus=campus, m=None) == ""


def test_minutes_history_items_in_the_campus_zone_escaped(world):
    changes = [
        selectors.MinutesChange(
            dt.datetime(2026, 9, 8, 22, 5, tzinfo=dt.UTC), TYPED, ["What is going well", "B"]
        ),
        selectors.MinutesChange(dt.datetime(2026, 9, 8, 21, 0, tzinfo=dt.UTC), None, ["C"]),
    ]
    html = _render(
        "{% minutes_history_items changes campus %}", changes=changes, campus=world.campus
    )
    assert html == (
        '<li><time datetime="2026-09-08T18:05:00-04:00">8 Sep 2026, 18:05 EDT</time> — '
        f"{ESCAPED}: What is going well, B</li>\n"
        '<li><time datetime="2026-09-08T17:00:00-04:00">8 Sep 2026, 17:00 EDT</time> — '
        "someone no longer known: C</li>"
    )


def test_case_notes_read_items_escape_names_and_say_who_is_no_longer_known(db):
    reads = [
        {"at": "2026-09-08T18:05:00-04:00", "when": "8 Sep", "actor": TYPED, "role": "coordinator"},
        {"at": "2026-09-08T18:00:00-04:00", "when": "8 Sep", "actor": None, "role": ""},
    ]
    with translation.override("fr"):
        html = _render("{% case_notes_read_items reads %}", reads=reads)
    assert html == (
        f'<li><time datetime="2026-09-08T18:05:00-04:00">8 Sep</time> — {ESCAPED} (coordinator)'
        "</li>\n"
        '<li><time datetime="2026-09-08T18:00:00-04:00">8 Sep</time> — '
        "une personne qui n'est plus connue</li>"
    )


def test_row_addresses_are_reversed_once_and_keep_the_campus_slug():
    from meetings.rows import addresses as _addresses

    campus = types.SimpleNamespace(slug="2147483001")  # a slug that is the row's stand-in
    done = _addresses("meetings:action_item_done", campus, "pk", "item")
    assert done(7, 12) == "/c/2147483001/meetings/7/minutes/actions/12/done/"
    use = _addresses("meetings:suggestion_use", campus, "pk")
    assert use(3) == "/c/2147483001/meetings/suggestions/3/use/"


@pytest.mark.parametrize(
    "name", ["meetings:meeting_detail", "meetings:roster", "meetings:meeting_respond"]
)
def test_a_meeting_rows_addresses_are_those_django_reverses(name):
    """The meetings list's rows link to the meeting, its roster and its response form by
    addresses reversed once per list: the same as reversing each row's."""
    from django.urls import reverse

    from meetings.rows import addresses

    campus = types.SimpleNamespace(slug="north-campus")
    assert addresses(name, campus, "pk")(58) == reverse(
        name, kwargs={"campus": "north-campus", "pk": 58}
    )


def test_row_addresses_are_reversed_once_per_process_and_follow_the_script_prefix(monkeypatch):
    from django.urls import get_script_prefix, set_script_prefix

    from meetings import rows

    campus = types.SimpleNamespace(slug="west-campus")
    calls = []
    reverse = rows.reverse
    monkeypatch.setattr(rows, "reverse", lambda *a, **k: calls.append(a) or reverse(*a, **k))
    rows._reversed.cache_clear()
    first = rows.addresses("meetings:roster", campus, "pk")(4)
    assert rows.addresses("meetings:roster", campus, "pk")(5).endswith("/meetings/5/roster/")
    assert len(calls) == 1
    before = get_script_prefix()
    set_script_prefix("/copractice/")
    try:
        assert rows.addresses("meetings:roster", campus, "pk")(4) == "/copractice" + first
    finally:
        set_script_prefix(before)
    assert len(calls) == 2
    assert rows.addresses("meetings:roster", campus, "pk")(4) == first


# --- the meeting's page: its agenda and its changes -----------------------------------------
def test_agenda_rows_and_items_as_everyone_reads_them(world, meeting):
    meeting.agenda_items.all().delete()
    topic = TopicFactory(title="Boundaries", title_fr="Limites")
    AgendaItemFactory(
        meeting=meeting,
        position=2,
        kind=AgendaItem.Kind.TRAINING,
        title="",
        topic=topic,
        facilitator=UserFactory(name="", email="bo@example.edu"),
        duration_minutes=25,
        notes=f"{TYPED}\nline two",
    )
    AgendaItemFactory(
        meeting=meeting,
        position=1,
        kind=AgendaItem.Kind.CASE_COLLABORATION,
        title="",
        duration_minutes=None,
    )
    AgendaItemFactory(meeting=meeting, position=3, kind=AgendaItem.Kind.OTHER, title=TYPED)
    rows = selectors.agenda_rows(meeting=meeting)
    assert [(row.kind, row.title, row.facilitator) for row in rows] == [
        ("case_collaboration", "", ""),
        ("training", "Boundaries", "bo@example.edu"),
        ("other", TYPED, ""),
    ]
    html = _render("{% agenda_read_items rows %}", rows=rows)
    first, second, third = html.split("</li>")[:3]
    assert "<strong>Case collaboration</strong>" in first and "min)" not in first
    assert (
        '<span class="badge agenda-kind agenda-kind-training">Training</span>\n'
        '<strong>Boundaries</strong> <span class="text-body-secondary">(25 min)</span>\n'
        f'<br><span class="small">Topic: <a href="/catalogue/{topic.pk}/">Boundaries</a></span>\n'
        '<br><span class="small">Facilitated by bo@example.edu</span>\n'
        f'<div class="small">{ESCAPED}<br>line two</div>'
    ) in second
    assert f"<strong>{ESCAPED}</strong>" in third
    with translation.override("fr"):
        rows = selectors.agenda_rows(meeting=meeting)
        html = _render("{% agenda_read_items rows %}", rows=rows)
    assert ">Limites</a>" in html and "<strong>Limites</strong>" in html
    assert "Animé par bo@example.edu" in html and "(25 min)" in html
    assert _render("{% agenda_read_items rows %}", rows=[]) == ""


def test_minutes_sections_as_read(db):
    sections = [("What is going well", f"{TYPED}\ntwo"), ("Ideas", "")]
    assert _render("{% minutes_section_items sections %}", sections=sections) == (
        f'<h3 class="h6">What is going well</h3><p>{ESCAPED}<br>two</p>'
        '<h3 class="h6">Ideas</h3><p>—</p>'
    )


def test_meeting_changes_in_the_campus_zone_escaped(world):
    changes = [
        {"at": dt.datetime(2026, 9, 8, 22, 5, tzinfo=dt.UTC), "by": TYPED, "what": "moved"},
        {"at": dt.datetime(2026, 9, 8, 21, 0, tzinfo=dt.UTC), "by": None, "what": TYPED},
    ]
    html = (
        engines["django"]
        .from_string("{% load meeting_tags %}{% meeting_change_items changes campus %}")
        .render({"changes": changes, "campus": world.campus})
    )
    assert html == (
        f"<li>8 Sep 2026, 18:05 EDT — moved by {ESCAPED}</li>\n"
        f"<li>8 Sep 2026, 17:00 EDT — {ESCAPED}</li>"
    )


def test_minutes_saved_says_when_and_who_and_links_the_history_to_writers(world, meeting):
    minutes_record = types.SimpleNamespace(
        updated_at=dt.datetime(2026, 9, 8, 22, 5, tzinfo=dt.UTC), updated_by=TYPED
    )
    page = {"campus": world.campus, "meeting": meeting}
    html = _render("{% minutes_saved m True %}", m=minutes_record, **page)
    history = f"/c/riverside/meetings/{meeting.pk}/minutes/history/"
    assert html == (
        f'<p class="small text-body-secondary">Last saved 8 Sep 2026, 18:05 EDT · {ESCAPED}'
        f'<span class="no-print"> · <a href="{history}">Change history and who read the case '
        "notes</a></span></p>"
    )
    assert "history" not in _render("{% minutes_saved m False %}", m=minutes_record, **page)
    assert _render("{% minutes_saved None False %}", **page) == ""
    html = _render("{% minutes_saved None True %}", **page)
    assert html.startswith('<p class="small text-body-secondary"><span class="no-print"><a ')
    with translation.override("fr"):
        html = _render("{% minutes_saved m False %}", m=minutes_record, **page)
    assert html.startswith(
        '<p class="small text-body-secondary">Dernier enregistrement\xa0: 8 septembre 2026, '
        "18\xa0h\xa005 EDT"
    )
