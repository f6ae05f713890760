"""The dashboards' template tags: the member table's cells."""

import types

from django.template import engines

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
