"""Template tags for meetings. `meeting_when` is on every meeting page and in every list, so it
formats in Python: a template include with four `date` filters in a `{% timezone %}` block cost a
third of the meetings list."""

import datetime as dt

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def meeting_when(meeting, campus):
    """When the meeting is, in the campus's time zone, with the zone named:
    `<time datetime="2027-01-14T22:00:00+00:00">Thu 14 Jan 2027, 17:00\N{EN DASH}18:30 EST</time>
    <span class="meeting-tz">(America/Toronto)</span>`."""
    zone = campus.tz
    starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    return format_html(
        '<time datetime="{}">{}\N{EN DASH}{} {}</time> <span class="meeting-tz">({})</span>',
        meeting.starts_at.astimezone(dt.UTC).isoformat(),
        date_format(starts, "D j M Y, H:i"),
        date_format(ends, "H:i"),
        date_format(starts, "T"),
        campus.time_zone,
    )


@register.simple_tag
def attendance_counts(counts):
    """One AttendanceCounts: attended out of expected, the rest apart (a cell of the
    dashboard's member table, two for each of 200 members, hence Python; the numbers are
    integers, so nothing needs escaping)."""
    if not counts.expected:
        return mark_safe('<span class="text-body-secondary">no meetings</span>')
    return mark_safe(
        f'<span class="fw-semibold">{int(counts.attended)} of {int(counts.expected)}</span> '
        'attended<span class="d-block small text-body-secondary">'
        f"{int(counts.excused)} excused · {int(counts.missed)} absent · "
        f"{int(counts.unrecorded)} unrecorded</span>"
    )


@register.simple_tag
def presence_choices(row, choices):
    """The roster's presence buttons for one attendance row: a radio and its label per choice
    (four for each of up to a few hundred people, hence Python)."""
    return format_html_join(
        "\n",
        '<input type="radio" class="btn-check" name="presence-{0}" id="presence-{0}-{1}" '
        'value="{1}" autocomplete="off"{3}>\n'
        '<label class="btn roster-choice roster-choice-{1}" for="presence-{0}-{1}">{2}</label>',
        (
            (row.pk, value, label, " checked" if row.presence == value else "")
            for value, label in choices
        ),
    )


@register.simple_tag
def member_attendance_row(record):
    """One row of the dashboard's member attendance table (a MemberAttendance): one for every
    member of the campus, hence Python. The name is escaped; the rest are integers and labels
    of our own."""
    membership = record.membership
    below = record.below_expectation
    on_leave = membership.status == membership.Status.ON_LEAVE
    if record.recent_recorded:
        recent = f"missed {int(record.recent_missed)} of {int(record.recent_recorded)}"
    else:
        recent = '<span class="text-body-secondary">none recorded</span>'
    return mark_safe(
        "<tr"
        + (' class="row-below"' if below else "")
        + f'><th scope="row">{escape(membership.user.name)}'
        + (' <span class="small fw-normal">(on leave)</span>' if on_leave else "")
        + f"</th><td>{escape(membership.get_role_display())}</td>"
        + f"<td>{attendance_counts(record.last_6_months)}</td>"
        + f"<td>{attendance_counts(record.last_12_months)}</td>"
        + f"<td>{recent}"
        + (' <span class="badge text-bg-warning">Below expectation</span>' if below else "")
        + "</td></tr>"
    )
