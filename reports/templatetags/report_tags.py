"""Template tags for the dashboards: cells drawn for every member of a campus, hence in Python
rather than in template includes. Every value goes through `format_html`.

The cells that depend only on numbers and the language are made once per process (`lru_cache`,
keyed by the language): most members share the same few counts, and two hundred rows would
otherwise look up a dozen translations each."""

from functools import lru_cache
from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from meetings.models import Attendance
from meetings.templatetags.meeting_tags import LocalFormat
from members.models import Membership
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
    return _counts_cell(
        get_language(),
        int(counts.attended),
        int(counts.expected),
        int(counts.excused),
        int(counts.missed),
        int(counts.unrecorded),
    )


@lru_cache(maxsize=4096)
def _counts_cell(language, attended, expected, excused, missed, unrecorded):
    """attendance_counts for these numbers in the active language (`language`, the key)."""
    if not expected:
        return format_html('<span class="text-body-secondary">{}</span>', _("no meetings"))
    # Only the kinds that happened: "0 excused · 0 absent · 0 unrecorded" is noise.
    rest = [
        text % {"n": int(number)}
        for number, text in (
            (excused, ngettext("%(n)s excused", "%(n)s excused", excused)),
            (missed, ngettext("%(n)s absent", "%(n)s absent", missed)),
            (
                unrecorded,
                ngettext("%(n)s unrecorded", "%(n)s unrecorded", unrecorded),
            ),
        )
        if number
    ]
    return format_html(
        '<span class="fw-semibold">{}</span> {}{}',
        _("%(attended)s of %(expected)s") % {"attended": attended, "expected": expected},
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
    language = get_language()
    recent = _recent_cell(language, int(record.recent_missed), int(record.recent_recorded))
    on_leave = membership.status == membership.Status.ON_LEAVE
    texts = _row_texts(language)
    return format_html(
        '<tr{}><th scope="row">{}{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>',
        format_html(' class="{}"', "row-below") if below else "",
        membership.user.name,
        texts["on_leave"] if on_leave else "",
        texts["roles"].get(membership.role, membership.role),
        attendance_counts(record.last_6_months),
        attendance_counts(record.last_12_months),
        recent,
        texts["below"] if below else "",
    )


@lru_cache(maxsize=4096)
def _recent_cell(language, missed, recorded):
    if recorded:
        return _("missed %(missed)s of %(recorded)s") % {"missed": missed, "recorded": recorded}
    return format_html('<span class="text-body-secondary">{}</span>', _("none recorded"))


@lru_cache(maxsize=16)
def _row_texts(language):
    return {
        # The role's label (get_role_display() would look up every choice's translation).
        "roles": {value: str(label) for value, label in Membership.Role.choices},
        "on_leave": format_html(' <span class="small fw-normal">{}</span>', _("(on leave)")),
        "below": format_html(
            ' <span class="badge text-bg-warning">{}</span>', _("Below expectation")
        ),
    }


@register.simple_tag
def past_meeting_rows(rows):
    """The rows of a member's table of past meetings (reports.selectors.PastMeeting): when,
    the meeting and its state, their response and their presence."""
    texts = _past_texts(get_language())
    local = LocalFormat()
    cells = []
    for row in rows:
        when = escape(local(row.starts_at, "SHORT_DATE_FORMAT"))
        if row.is_cancelled:
            state, presence = texts["cancelled"], "—"
        else:
            state = texts["changed"] if row.sequence else ""
            presence = texts["presences"][row.presence]
        cells.append(
            f"<tr><td>{when}</td>\n"
            f'<td><a href="{escape(row.url)}">{escape(row.title)}</a> {state}</td>\n'
            f"<td>{texts['responses'][row.response]}</td>\n"
            f"<td>{presence}</td></tr>"
        )
    return mark_safe("\n".join(cells))  # every value escaped above


@lru_cache(maxsize=16)
def _past_texts(language):
    """past_meeting_rows's words in the active `language` (the key), escaped."""
    # Each gettext() outside an f-string: xgettext does not look inside them.
    cancelled, changed = escape(_("Cancelled")), escape(_("Changed"))
    return {
        "responses": {value: escape(label) for value, label in Attendance.Response.choices},
        "presences": {value: escape(label) for value, label in Attendance.Presence.choices},
        "cancelled": f'<span class="badge text-bg-danger">{cancelled}</span>',
        "changed": f'<span class="badge text-bg-warning">{changed}</span>',
    }


@register.simple_tag
def attended_topic_items(topics):
    """The `<li>` items of a member's topics attended (reports.selectors.AttendedTopic): each
    topic, how many times and when last."""
    local = LocalFormat()
    times_last = _("%(n)s times, last %(date)s")
    items = []
    for attended in topics:
        last = escape(local(attended.last, "DATE_FORMAT"))
        if attended.times > 1:
            last = times_last % {"n": attended.times, "date": last}
        items.append(
            f'<li><a href="{escape(attended.topic.url)}">{escape(attended.topic.title)}</a>'
            f' <span class="small text-body-secondary">— {last}</span></li>'
        )
    return mark_safe("".join(items))  # every value escaped above; the words the translators'
