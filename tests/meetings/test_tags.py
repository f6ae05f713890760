"""The meeting template tags: what every meeting list, the roster and the dashboards print."""

import datetime as dt
import types

import pytest
from django.template import engines

from meetings.models import Attendance
from meetings.reports import AttendanceCounts

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


def test_attendance_counts_prints_each_kind_apart():
    html = _render("{% attendance_counts c %}", c=AttendanceCounts(12, 8, 1, 2, 1))
    assert '<span class="fw-semibold">8 of 12</span> attended' in html
    assert "1 excused · 2 absent · 1 unrecorded" in html
    assert "no meetings" in _render("{% attendance_counts c %}", c=AttendanceCounts())


def test_presence_choices_checks_the_recorded_presence_only():
    row = types.SimpleNamespace(pk=41, presence=Attendance.Presence.LATE)
    choices = [("present", "Present"), ("late", "Late <b>"), ("absent", "Absent")]
    html = _render("{% presence_choices row choices %}", row=row, choices=choices)
    assert html.count('type="radio"') == 3
    assert html.count(" checked") == 1
    assert 'id="presence-41-late" value="late" autocomplete="off" checked>' in html
    assert 'for="presence-41-late">Late &lt;b&gt;</label>' in html
    assert 'name="presence-41" id="presence-41-absent"' in html


def test_member_attendance_row_escapes_the_name_and_flags_who_is_below():
    from members.models import Membership

    membership = types.SimpleNamespace(
        user=types.SimpleNamespace(name="Ana <script>"),
        status=Membership.Status.ON_LEAVE,
        Status=Membership.Status,
        get_role_display=lambda: "Peer supporter",
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
