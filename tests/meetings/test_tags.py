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
    assert (
        f'<span class="roster-response">— je ne serai pas là: «{nbsp}Examen{nbsp}»</span>' in html
    )


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
