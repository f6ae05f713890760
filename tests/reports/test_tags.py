"""The dashboards' template tags: the member table's cells."""

import datetime as dt
import types

from django.template import engines
from django.utils import timezone, translation

from members.models import Membership
from reports.selectors import AttendanceCounts


def _render(source, **context):
    return engines["django"].from_string("{% load report_tags %}" + source).render(context)


def test_attendance_counts_prints_each_kind_apart():
    html = _render("{% attendance_counts c %}", c=AttendanceCounts(12, 8, 1, 2, 1))
    assert '<span class="fw-semibold">8 of 12</span> attended' in html
    assert "1 excused · 2 absent · 1 unrecorded" in html
    assert "no meetings" in _render("{% attendance_counts c %}", c=AttendanceCounts())


def test_attendance_counts_leaves_out_the_kinds_that_did_not_happen():
    html = _render("{% attendance_counts c %}", c=AttendanceCounts(5, 4, 0, 1, 0))
    assert html == (
        '<span class="fw-semibold">4 of 5</span> attended'
        '<span class="d-block small text-body-secondary">1 absent</span>'
    )
    html = _render("{% attendance_counts c %}", c=AttendanceCounts(5, 5, 0, 0, 0))
    assert html == '<span class="fw-semibold">5 of 5</span> attended'


def test_member_attendance_row_escapes_the_name_and_flags_who_is_below():
    membership = types.SimpleNamespace(
        user=types.SimpleNamespace(name="Ana <script>"),
        status=Membership.Status.ON_LEAVE,
        Status=Membership.Status,
        role=Membership.Role.PEER_SUPPORTER,
    )
    record = types.SimpleNamespace(
        membership=membership,
        last_6_months=AttendanceCounts(3, 1, 0, 2, 0),
        last_12_months=AttendanceCounts(),
        recent_missed=2,
        recent_recorded=3,
        below_expectation=True,
    )
    html = _render("{% member_attendance_row r %}", r=record)
    assert html.startswith('<tr class="row-below"><th scope="row">Ana &lt;script&gt; <span')
    assert "(on leave)" in html
    assert "<td>Peer supporter</td>" in html
    assert '<span class="fw-semibold">1 of 3</span> attended' in html
    assert "no meetings" in html
    assert 'missed 2 of 3 <span class="badge text-bg-warning">Below expectation</span>' in html
    record.below_expectation, record.recent_recorded = False, 0
    membership.status = Membership.Status.ACTIVE
    html = _render("{% member_attendance_row r %}", r=record)
    assert html.startswith('<tr><th scope="row">Ana &lt;script&gt;</th>')
    assert "none recorded" in html
    assert "Below expectation" not in html


def _past(**overrides):
    values = {
        "title": "Case <b> & more",
        "starts_at": dt.datetime(2026, 9, 9, 2, 0, tzinfo=dt.UTC),  # the 8th in Toronto
        "url": "/c/riverside/meetings/5/",
        "is_cancelled": False,
        "sequence": 0,
        "response": "attending",
        "presence": "late",
    }
    return types.SimpleNamespace(**{**values, **overrides})


def test_past_meeting_rows_say_when_on_the_campus_clock_and_escape_the_title():
    rows = [_past(), _past(sequence=2, response="not_attending", presence="excused")]
    with timezone.override("America/Toronto"):
        html = _render("{% past_meeting_rows rows %}", rows=rows)
    first = " ".join(html.split("</tr>")[0].split())  # the template's spaces aside
    assert first == (
        '<tr><td>Tue 8 Sep 2026</td> <td><a href="/c/riverside/meetings/5/">'
        "Case &lt;b&gt; &amp; more</a> </td> <td>Attending</td> <td>Late</td>"
    )
    assert '&amp; more</a> <span class="badge text-bg-warning">Changed</span></td>' in html
    assert "<td>Not attending</td>" in html and "<td>Excused</td>" in html


def test_past_meeting_rows_of_a_cancelled_meeting_say_so_without_a_presence_in_french():
    rows = [_past(is_cancelled=True, sequence=2, presence="absent")]
    with translation.override("fr"), timezone.override("America/Toronto"):
        html = _render("{% past_meeting_rows rows %}", rows=rows)
    assert "<td>mardi 8 septembre 2026</td>" in html
    assert '<span class="badge text-bg-danger">Annulée</span></td>' in html
    assert "Modifiée" not in html
    assert "<td>Je serai là</td>" in html and "<td>—</td>" in html


def test_attended_topic_items_say_how_often_and_when_last():
    topic = types.SimpleNamespace(title="Peer <drift>", url="/catalogue/3/")
    topics = [
        types.SimpleNamespace(topic=topic, times=3, last=dt.datetime(2026, 9, 9, 2, tzinfo=dt.UTC)),
        types.SimpleNamespace(
            topic=topic, times=1, last=dt.datetime(2026, 6, 9, 22, tzinfo=dt.UTC)
        ),
    ]
    with timezone.override("America/Toronto"):
        html = _render("{% attended_topic_items topics %}", topics=topics)
        with translation.override("fr"):
            french = _render("{% attended_topic_items topics %}", topics=topics)
    assert html == (
        '<li><a href="/catalogue/3/">Peer &lt;drift&gt;</a> <span class="small'
        ' text-body-secondary">— 3 times, last 8 Sep 2026</span></li>'
        '<li><a href="/catalogue/3/">Peer &lt;drift&gt;</a> <span class="small'
        ' text-body-secondary">— 9 Jun 2026</span></li>'
    )
    assert "— 3 fois, la dernière le 8 septembre 2026</span>" in french
