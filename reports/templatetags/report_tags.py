"""Template tags for the dashboards: cells drawn for every member of a campus, hence in Python
rather than in template includes. Every value goes through `format_html`."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def attendance_counts(counts):
    """One AttendanceCounts: attended out of expected, the rest apart (a cell of the
    dashboard's member table, two for each of 200 members)."""
    if not counts.expected:
        return format_html('<span class="text-body-secondary">{}</span>', "no meetings")
    # Only the kinds that happened: "0 excused · 0 absent · 0 unrecorded" is noise.
    rest = [
        (int(number), label)
        for number, label in (
            (counts.excused, "excused"),
            (counts.missed, "absent"),
            (counts.unrecorded, "unrecorded"),
        )
        if number
    ]
    return format_html(
        '<span class="fw-semibold">{} of {}</span> attended{}',
        int(counts.attended),
        int(counts.expected),
        format_html(
            '<span class="d-block small text-body-secondary">{}</span>',
            " · ".join(f"{number} {label}" for number, label in rest),
        )
        if rest
        else "",
    )


@register.simple_tag
def member_attendance_row(record):
    """One row of the dashboard's member attendance table (a MemberAttendance): one for every
    member of the campus."""
    membership = record.membership
    below = record.below_expectation
    if record.recent_recorded:
        recent = format_html(
            "missed {} of {}", int(record.recent_missed), int(record.recent_recorded)
        )
    else:
        recent = format_html('<span class="text-body-secondary">{}</span>', "none recorded")
    on_leave = membership.status == membership.Status.ON_LEAVE
    return format_html(
        '<tr{}><th scope="row">{}{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>',
        format_html(' class="{}"', "row-below") if below else "",
        membership.user.name,
        format_html(' <span class="small fw-normal">{}</span>', "(on leave)") if on_leave else "",
        membership.get_role_display(),
        attendance_counts(record.last_6_months),
        attendance_counts(record.last_12_months),
        recent,
        format_html(' <span class="badge text-bg-warning">{}</span>', "Below expectation")
        if below
        else "",
    )
