"""Template tags for the dashboards: cells drawn for every member of a campus, hence in Python
rather than in template includes. Every value goes through `format_html`."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from reports.charts import month_abbreviation as _month_abbreviation

register = template.Library()


@register.filter
def month_abbreviation(month):
    """The month's short name for a chart's table ("Jun", « juin »)."""
    return _month_abbreviation(month)


@register.simple_tag
def attendance_counts(counts):
    """One AttendanceCounts: attended out of expected, the rest apart (a cell of the
    dashboard's member table, two for each of 200 members)."""
    if not counts.expected:
        return format_html('<span class="text-body-secondary">{}</span>', _("no meetings"))
    # Only the kinds that happened: "0 excused · 0 absent · 0 unrecorded" is noise.
    rest = [
        text % {"n": int(number)}
        for number, text in (
            (counts.excused, ngettext("%(n)s excused", "%(n)s excused", counts.excused)),
            (counts.missed, ngettext("%(n)s absent", "%(n)s absent", counts.missed)),
            (
                counts.unrecorded,
                ngettext("%(n)s unrecorded", "%(n)s unrecorded", counts.unrecorded),
            ),
        )
        if number
    ]
    return format_html(
        '<span class="fw-semibold">{}</span> {}{}',
        _("%(attended)s of %(expected)s")
        % {"attended": int(counts.attended), "expected": int(counts.expected)},
        pgettext("attendance counts", "attended"),
        format_html(
            '<span class="d-block small text-body-secondary">{}</span>',
            " · ".join(rest),
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
        recent = _("missed %(missed)s of %(recorded)s") % {
            "missed": int(record.recent_missed),
            "recorded": int(record.recent_recorded),
        }
    else:
        recent = format_html('<span class="text-body-secondary">{}</span>', _("none recorded"))
    on_leave = membership.status == membership.Status.ON_LEAVE
    return format_html(
        '<tr{}><th scope="row">{}{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>',
        format_html(' class="{}"', "row-below") if below else "",
        membership.user.name,
        format_html(' <span class="small fw-normal">{}</span>', _("(on leave)"))
        if on_leave
        else "",
        membership.get_role_display(),
        attendance_counts(record.last_6_months),
        attendance_counts(record.last_12_months),
        recent,
        format_html(' <span class="badge text-bg-warning">{}</span>', _("Below expectation"))
        if below
        else "",
    )
