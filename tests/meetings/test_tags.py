"""The meeting template tags: what every meeting list and the roster print."""

import datetime as dt
import types

import pytest
from django.template import engines

from meetings.models import Attendance

UTC = dt.UTC


def _render(source, **context):
    return engines["django"].from_string("{% load meeting_tags %}" + source).render(context)


def _campus(zone):
    import zoneinfo

    return types.SimpleNamespace(time_zone=zone, tz=zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "starts", "expected"),
    [
        # Toronto in summer (EDT) and in winter (EST): the same UTC hour is another local one.
        (
            "America/Toronto",
            dt.datetime(2026, 9, 8, 21, 0, tzinfo=UTC),
            "Tue 8 Sep 2026, 17:00\N{EN DASH}18:30 EDT",
        ),
        (
            "America/Toronto",
            dt.datetime(2026, 12, 8, 22, 0, tzinfo=UTC),
            "Tue 8 Dec 2026, 17:00\N{EN DASH}18:30 EST",
        ),
        # Kolkata is UTC+05:30; a late meeting there ends on the next UTC day.
        (
            "Asia/Kolkata",
            dt.datetime(2026, 9, 8, 13, 30, tzinfo=UTC),
            "Tue 8 Sep 2026, 19:00\N{EN DASH}20:30 IST",
        ),
    ],
)
def test_meeting_when_is_in_the_campus_zone_and_names_it(zone, starts, expected):
    meeting = types.SimpleNamespace(starts_at=starts, ends_at=starts + dt.timedelta(minutes=90))
    html = _render("{% meeting_when m campus %}", m=meeting, campus=_campus(zone))
    assert html == (
        f'<time datetime="{starts.isoformat()}">{expected}</time> '
        f'<span class="meeting-tz">({zone})</span>'
    )


def _person(pk, name, presence="unrecorded", **row):
    return {
        "pk": pk,
        "name": name,
        "email": f"{pk}@example.org",
        "response": "no_response",
        "response_note": "",
        "presence": presence,
        "presence_source": "",
        "checked_in_at": None,
        "same_name": False,
    } | row


def test_roster_people_checks_the_recorded_presence_only():
    rows = [_person(41, "Ann", presence=Attendance.Presence.LATE), _person(42, "Bo")]
    choices = [("present", "Present"), ("late", "Late <b>"), ("absent", "Absent")]
    html = _render("{% roster_people rows choices url %}", rows=rows, choices=choices, url="/r/")
    assert html.count('<fieldset class="roster-person" hx-post="/r/" hx-trigger="change"') == 2
    assert 'hx-params="presence-41"' in html
    assert html.count('type="radio"') == 6
    assert html.count(" checked") == 1
    assert 'id="presence-41-late" value="late" autocomplete="off" checked>' in html
    assert 'for="presence-41-late">Late &lt;b&gt;</label>' in html
    assert 'name="presence-41" id="presence-41-absent"' in html
    assert 'name="presence-42" id="presence-42-late" value="late" autocomplete="off">' in html


def test_responder_items_escape_names_and_notes_and_say_when_nobody():
    from meetings.selectors import Responder
    from meetings.templatetags.meeting_tags import responder_items

    people = [Responder(1, "Ana <b>", ""), Responder(2, "Bo & Co", 'exam "final"')]
    assert str(responder_items(people, "Nobody.", notes=True)) == (
        "<li>Ana &lt;b&gt;</li>"
        '<li>Bo &amp; Co <span class="text-body-secondary">— exam &quot;final&quot;</span></li>'
    )
    assert str(responder_items(people, "Nobody.")) == ("<li>Ana &lt;b&gt;</li><li>Bo &amp; Co</li>")
    assert str(responder_items([], "Nobody <yet>.")) == "<li>Nobody &lt;yet&gt;.</li>"


def _listed(**overrides):
    """A meeting as the lists hold it (meetings.selectors._with_counts)."""
    values = dict(
        is_cancelled=False,
        cancelled_reason="",
        is_on_now=False,
        presence_due=False,
        has_started=True,
        sequence=0,
        attending_count=5,
        not_attending_count=2,
        no_response_count=1,
        present_count=4,
        away_count=3,
        unrecorded_count=1,
        own_attendance=None,
    )
    return types.SimpleNamespace(**{**values, **overrides})


def test_a_list_row_says_counts_and_presence_to_coordinators_and_their_own_to_others():
    facts = "{% meeting_row_facts m coordinator %}"
    held = _listed()
    assert _render(facts, m=held, coordinator=True) == (
        "<span>5 attending · 2 not · 1 no response</span>\n"
        '<span class="meeting-row-presence">Presence: 4 there · 3 away · 1 unrecorded</span>'
    )
    own = types.SimpleNamespace(get_presence_display=lambda: "Late <b>")
    assert _render(facts, m=_listed(own_attendance=own), coordinator=False).endswith(
        '<span class="meeting-row-presence">You: Late &lt;b&gt;</span>'
    )
    assert _render(facts, m=_listed(has_started=False), coordinator=True) == (
        "<span>5 attending · 2 not · 1 no response</span>"
    )
    cancelled = _listed(is_cancelled=True, cancelled_reason="Snow <storm> " + "x" * 100)
    shown = _render(facts, m=cancelled, coordinator=True)
    assert shown.startswith("Snow &lt;storm&gt; x") and len(shown) < 100


def test_a_list_row_status_badge():
    status = "{% meeting_status m %}"
    assert _render(status, m=_listed()) == '<span class="badge text-bg-secondary">Held</span>'
    assert _render(status, m=_listed(has_started=False, sequence=2)) == (
        '<span class="badge text-bg-light border">Scheduled</span> '
        '<span class="badge text-bg-warning">Changed</span>'
    )
    assert _render(status, m=_listed(is_cancelled=True, sequence=2)) == (
        '<span class="badge text-bg-danger">Cancelled</span>'
    )
    assert "On now" in _render(status, m=_listed(is_on_now=True))
    assert "Just ended" in _render(status, m=_listed(presence_due=True))


def test_roster_people_legend_says_who_and_their_response_escaped():
    rows = [
        _person(1, "Ann <i>", response="attending"),
        _person(2, "Sam Lee", same_name=True, email="sam@example.org"),
        _person(3, "", same_name=True, email="x&y@example.org"),
        _person(4, "Bo", response="not_attending", response_note='Exam "<b>" & more'),
    ]
    html = _render("{% roster_people rows choices url %}", rows=rows, choices=[], url="/r/?a&b")
    assert 'hx-post="/r/?a&amp;b"' in html
    legends = [part.split("</legend>")[0] for part in html.split('<legend class="roster-name">')]
    assert legends[1:] == [
        'Ann &lt;i&gt; <span class="roster-response">— attending</span>',
        'Sam Lee <span class="roster-email">(sam@example.org)</span> '
        '<span class="roster-response">— no response</span>',
        'x&amp;y@example.org <span class="roster-response">— no response</span>',
        'Bo <span class="roster-response">— not attending: '
        "“Exam &quot;&lt;b&gt;&quot; &amp; more”</span>",
    ]


def test_roster_people_in_french():
    from django.utils import translation

    rows = [_person(1, "Ann", response="not_attending", response_note="Examen")]
    with translation.override("fr"):
        html = _render("{% roster_people rows choices url %}", rows=rows, choices=[], url="/")
    nbsp = "\N{NO-BREAK SPACE}"
    # French puts a (no-break) space before the colon.
    expected = f"— je ne serai pas là{nbsp}: «{nbsp}Examen{nbsp}»"
    assert f'<span class="roster-response">{expected}</span>' in html


def test_self_check_ins_say_how_and_when_in_the_readers_zone():
    from django.template import engines
    from django.utils import timezone

    at = dt.datetime(2026, 9, 8, 21, 5, tzinfo=UTC)
    rows = [
        _person(1, "Ann <i>", "present", presence_source="self_code", checked_in_at=at),
        _person(2, "", "late", presence_source="self_link", checked_in_at=at, email="b@x.org"),
        _person(3, "Cy", "excused", presence_source="coordinator", checked_in_at=at),
        _person(4, "Di", "present", presence_source="coordinator"),
    ]
    template = engines["django"].from_string(
        "{% load checkin_tags %}{% self_check_ins rows as items %}{{ items }}"
    )
    with timezone.override("America/Toronto"):
        html = template.render({"rows": rows})
    assert html.split("\n") == [
        '<li class="check-in-roster-person">Ann &lt;i&gt; checked in themselves at 17:05 with '
        "the code: present</li>",
        '<li class="check-in-roster-person">b@x.org checked in themselves at 17:05 with the '
        "online link: late</li>",
        '<li class="check-in-roster-person">Cy checked in themselves at 17:05; changed by a '
        "coordinator to excused</li>",
    ]
    assert template.render({"rows": rows[3:]}) == ""


def _upcoming(**overrides):
    """A meeting to come as the lists hand it to the templates, with the person's answer."""
    own = types.SimpleNamespace(response="attending", response_note="", presence="unrecorded")
    own.get_presence_display = lambda: "Not recorded"
    return _listed(
        **{
            "pk": 7,
            "title": "Case <b> & “talk”",
            "starts_at": dt.datetime(2026, 12, 8, 22, 0, tzinfo=UTC),
            "ends_at": dt.datetime(2026, 12, 8, 23, 30, tzinfo=UTC),
            "has_started": False,
            "takes_responses": True,
            "own_attendance": own,
            **overrides,
        }
    )


def _list_context(**overrides):
    campus = _campus("America/Toronto")
    campus.slug = "riverside"
    return {"campus": campus, "is_coordinator": False, "csrf_token": "tok", **overrides}


def test_respond_form_escapes_the_title_and_note_and_goes_back_where_asked():
    from django.utils import timezone

    own = types.SimpleNamespace(response="not_attending", response_note='Exam "<b>" & more')
    with timezone.override("America/Toronto"):
        html = _render(
            '{% respond_form m own next="me" %}', m=_upcoming(), own=own, **_list_context()
        )
    assert html.startswith('<form method="post" action="/c/riverside/meetings/7/respond/"')
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="tok">' in html
    assert '<input type="hidden" name="next" value="me">' in html
    assert (
        'Your response: <strong class="response-not_attending">Not attending</strong> — '
        "“Exam &quot;&lt;b&gt;&quot; &amp; more”</p>"
    ) in html
    assert 'value="Exam &quot;&lt;b&gt;&quot; &amp; more"' in html
    assert html.count("Case &lt;b&gt; &amp; “talk”, 8 Dec</span>") == 2
    assert "<b>" not in html


def test_respond_form_in_french_without_a_note_or_a_way_back():
    from django.utils import timezone, translation

    own = types.SimpleNamespace(response="no_response", response_note="")
    with translation.override("fr"), timezone.override("America/Toronto"):
        html = _render("{% respond_form m own %}", m=_upcoming(), own=own, **_list_context())
    nbsp = "\N{NO-BREAK SPACE}"
    assert f'Votre réponse{nbsp}: <strong class="response-no_response">' in html
    assert 'name="next"' not in html
    assert "Je serai là<span" in html and "8 décembre</span>" in html


def test_a_list_row_offers_a_peer_the_one_click_answers_while_it_is_to_come():
    from django.utils import timezone

    with timezone.override("America/Toronto"):
        html = _render("{% meeting_row m %}", m=_upcoming(), **_list_context())
    assert '<a href="/c/riverside/meetings/7/">Case &lt;b&gt; &amp; “talk”</a>' in html
    assert '<span class="badge text-bg-light border">Scheduled</span>' in html
    assert 'action="/c/riverside/meetings/7/respond/" class="respond-buttons"' in html
    assert 'class="btn btn-sm btn-success" aria-pressed="true">Attending' in html
    assert 'class="btn btn-sm btn-outline-secondary" aria-pressed="false">Not attending' in html
    assert '<input type="hidden" name="next" value="list">' in html
    # Coordinators answer from the meeting's page, not from the list.
    assert "respond-buttons" not in _render(
        "{% meeting_row m %}", m=_upcoming(), **_list_context(is_coordinator=True)
    )


def test_a_list_row_of_a_cancelled_meeting_says_why_and_what_they_had_said():
    cancelled = _upcoming(
        is_cancelled=True, takes_responses=False, cancelled_reason="Snow <storm>", sequence=3
    )
    html = _render("{% meeting_row m %}", m=cancelled, **_list_context())
    assert html.startswith('<li class="meeting-row meeting-row-cancelled">')
    assert '<span class="badge text-bg-danger">Cancelled</span>\n' in html  # never "Changed"
    assert "Snow &lt;storm&gt;" in html
    assert '<span class="small">You said: Attending</span>' in html
    assert "<form" not in html


def test_a_list_row_asks_the_coordinator_to_take_presence_while_it_is_due():
    due = _upcoming(has_started=True, presence_due=True, is_on_now=True, own_attendance=None)
    html = _render("{% meeting_row m %}", m=due, **_list_context(is_coordinator=True))
    assert (
        '<a class="btn btn-primary btn-sm meeting-row-first"'
        ' href="/c/riverside/meetings/7/roster/">'
        'Take presence<span class="visually-hidden"> — Case &lt;b&gt; &amp; “talk”</span></a>'
    ) in html
    assert '<span class="badge text-bg-success">On now</span>' in html
    assert "Presence: 4 there · 3 away · 1 unrecorded" in html
    assert "meeting-row-first" not in _render("{% meeting_row m %}", m=due, **_list_context())


def test_meeting_months_head_each_month_in_the_readers_language():
    from django.utils import timezone, translation

    months = [
        (dt.date(2026, 12, 1), [_upcoming()]),
        (dt.date(2027, 1, 1), [_upcoming(pk=8, sequence=1, title="Next")]),
    ]
    with translation.override("fr"), timezone.override("America/Toronto"):
        html = _render("{% meeting_months months %}", months=months, **_list_context())
    assert html.count('<ul class="meeting-rows">') == 2
    assert html.startswith('<h3 class="h6 meeting-month">décembre 2026</h3>')
    assert '<h3 class="h6 meeting-month">janvier 2027</h3>' in html
    assert '<span class="badge text-bg-warning">Modifiée</span>' in html
    assert "Je serai là" in html and "mar. 8, 17" in html


# --- the meeting's page, and the heading of its agenda and minutes ----------------------------
# What the meeting's page drew with the template language before `meeting_actions`: the tag
# must give the same buttons, in the same order, for every state and role.
ACTIONS_TEMPLATE = """{% load i18n %}{% with m=meeting %}
    {% if is_coordinator and m.presence_due %}<a class="btn btn-primary" href="{% url 'meetings:roster' campus=campus.slug pk=m.pk %}">{% translate "Take presence" %}</a>{% endif %}
    {% if is_coordinator and not m.is_cancelled %}<a class="btn btn-outline-primary" href="{% url 'meetings:meeting_edit' campus=campus.slug pk=m.pk %}">{% translate "Edit or reschedule" %}</a><a class="btn btn-outline-primary" href="{% url 'meetings:agenda' campus=campus.slug pk=m.pk %}">{% translate "Build the agenda" %}</a>{% endif %}
    {% if is_coordinator and m.has_started and not m.is_cancelled and not m.presence_due %}<a class="btn btn-outline-primary" href="{% url 'meetings:roster' campus=campus.slug pk=m.pk %}">{% translate "Take presence" %}</a>{% endif %}
    {% if not m.is_cancelled %}<a class="btn btn-outline-primary" href="{% url 'meetings:minutes' campus=campus.slug pk=m.pk %}">{% translate "Minutes" %}</a>{% endif %}
    <a class="btn btn-outline-primary" href="{% url 'meetings:meeting_ics' campus=campus.slug pk=m.pk %}" download>{% translate "Add to calendar (.ics)" %}</a>
    {% if is_coordinator and m.takes_responses %}<a class="btn btn-outline-danger" href="{% url 'meetings:meeting_cancel' campus=campus.slug pk=m.pk %}">{% translate "Cancel the meeting" %}</a>{% endif %}
{% endwith %}"""  # noqa: E501


def _links(html):
    import re

    return re.findall(r"<a [^>]*>[^<]*</a>", html)


@pytest.mark.parametrize("coordinator", [True, False])
@pytest.mark.parametrize(
    "state",
    [
        {"presence_due": False, "is_cancelled": False, "has_started": False, "takes_responses": 1},
        {"presence_due": True, "is_cancelled": False, "has_started": True, "takes_responses": 0},
        {"presence_due": False, "is_cancelled": False, "has_started": True, "takes_responses": 0},
        {"presence_due": False, "is_cancelled": True, "has_started": False, "takes_responses": 0},
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_meeting_actions_are_the_buttons_the_template_drew(coordinator, state, language):
    from django.utils import translation

    meeting = types.SimpleNamespace(pk=58, **state)
    context = {
        "meeting": meeting,
        "campus": types.SimpleNamespace(slug="north"),
        "is_coordinator": coordinator,
    }
    with translation.override(language):
        drawn = _render("{% meeting_actions meeting %}", **context)
        expected = engines["django"].from_string(ACTIONS_TEMPLATE).render(context)
    assert _links(drawn) == _links(expected)
    assert len(_links(drawn)) >= 1 and " download>" in drawn


def test_response_section_counts_and_lists_everyone_escaped():
    from django.utils import translation

    from meetings.selectors import Responder

    responses = {
        "attending": [Responder(1, "<b>Ann</b>", "late & tired"), Responder(2, "Bo", "")],
        "not_attending": [],
        "no_response": [Responder(3, "Cy", "")],
    }
    html = _render("{% response_section responses %}", responses=responses)
    assert (
        '<p class="response-counts"><strong>2</strong> attending · <strong>0</strong> not '
        "attending · <strong>1</strong> no response</p>"
    ) in html
    assert (
        '<li>&lt;b&gt;Ann&lt;/b&gt; <span class="text-body-secondary">— late &amp; tired</span>'
        "</li><li>Bo</li>"
    ) in html
    assert "<li>Nobody.</li>" in html and "<li>Cy</li>" in html
    assert html.count("<h3") == 3 and 'aria-labelledby="responses-heading"' in html
    with translation.override("fr"):
        html = _render("{% response_section responses %}", responses=responses)
    assert "<strong>2</strong> seront là" in html and "<li>Personne.</li>" in html


def test_meeting_heading_names_the_campus_time_place_and_facilitators_escaped():
    campus = _campus("America/Toronto")
    campus.name = "North & South"
    meeting = types.SimpleNamespace(
        starts_at=dt.datetime(2026, 9, 8, 21, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 9, 8, 22, 30, tzinfo=UTC),
        location="Room <1>",
        online_link="https://meet.example/a?b=1&c=2",
    )
    html = _render(
        "{% meeting_heading meeting campus facilitators %}",
        meeting=meeting,
        campus=campus,
        facilitators=["Ann", "Bo <x>"],
    )
    assert '<span class="meeting-campus">North &amp; South</span>' in html
    assert "Tue 8 Sep 2026, 17:00\N{EN DASH}18:30 EDT" in html
    assert "· Room &lt;1&gt;" in html
    assert '<span class="meeting-online">https://meet.example/a?b=1&amp;c=2</span>' in html
    assert "Facilitators: Ann, Bo &lt;x&gt;</p>" in html
    meeting.location = meeting.online_link = ""
    html = _render("{% meeting_heading meeting campus %}", meeting=meeting, campus=campus)
    assert "·\n<time" in html and "Facilitators" not in html and "Room" not in html
