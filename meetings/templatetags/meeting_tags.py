"""Template tags for meetings (the dashboards' own: reports.templatetags.report_tags).
`meeting_when` is on every meeting page and in every list, so it formats in Python: a template
include with four `date` filters in a `{% timezone %}` block cost a third of the meetings list."""

import datetime as dt
from html import escape

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext

from meetings.models import Attendance

register = template.Library()


@register.simple_tag
def meeting_when(meeting, campus):
    """When the meeting is, in the campus's time zone, with the zone named:
    `<time datetime="2027-01-14T22:00:00+00:00">Thu 14 Jan 2027, 17:00\N{EN DASH}18:30
    EST</time> (in French `jeu. 14 janv. 2027, 17 h 00\N{EN DASH}18 h 30 EST`)
    <span class="meeting-tz">(America/Toronto)</span>`."""
    zone = campus.tz
    starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    return format_html(
        '<time datetime="{}">{}\N{EN DASH}{} {}</time> <span class="meeting-tz">({})</span>',
        meeting.starts_at.astimezone(dt.UTC).isoformat(),
        date_format(starts, f"{get_format('SHORT_DATE_FORMAT')}, {get_format('TIME_FORMAT')}"),
        date_format(ends, get_format("TIME_FORMAT")),
        date_format(starts, "T"),
        campus.time_zone,
    )


@register.simple_tag
def roster_people(rows, choices, url):
    """The roster's people (`meetings.selectors.roster`): a fieldset each, its legend the name
    and response, a radio and its label per presence `choices` (already translated), each change
    saved with htmx to `url`. Up to a few hundred people with four buttons each, hence in
    Python: the words translated and escaped once per page, each person's own text escaped."""
    responses = {value: escape(str(label).lower()) for value, label in Attendance.Response.choices}
    # In French a space goes before the colon: the whole phrase is the translators'.
    with_note = pgettext("a response and the note added to it", "%(response)s: “%(note)s”")
    choices = [(value, escape(label)) for value, label in choices]
    url = escape(url)
    people = []
    for row in rows:
        pk, presence = row["pk"], row["presence"]
        name = escape(row["name"])
        if not name:
            name = escape(row["email"])
        elif row["same_name"]:
            name = f'{name} <span class="roster-email">({escape(row["email"])})</span>'
        response = responses[row["response"]]
        if row["response_note"]:
            response = with_note % {"response": response, "note": escape(row["response_note"])}
        buttons = "\n".join(
            f'<input type="radio" class="btn-check" name="presence-{pk}" id="presence-{pk}-{value}"'
            f' value="{value}" autocomplete="off"{" checked" if value == presence else ""}>\n'
            f'<label class="btn roster-choice roster-choice-{value}" for="presence-{pk}-{value}">'
            f"{label}</label>"
            for value, label in choices
        )
        people.append(
            f'<fieldset class="roster-person" hx-post="{url}" hx-trigger="change"'
            f' hx-params="presence-{pk}">\n'
            f'<legend class="roster-name">{name} <span class="roster-response">\N{EM DASH} '
            f"{response}</span></legend>\n"
            f'<div class="roster-choices">\n{buttons}\n</div>\n</fieldset>'
        )
    # Every value is escaped above; the quotation marks are the translators'.
    return mark_safe("\n".join(people))


@register.simple_tag
def meeting_short_when(meeting, campus):
    """A list row's time, the month and zone being said around it: `<time datetime="…">Tue 8,
    17:00\N{EN DASH}18:30</time>`."""
    zone = campus.tz
    starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    return format_html(
        '<time datetime="{}">{}\N{EN DASH}{}</time>',
        meeting.starts_at.astimezone(dt.UTC).isoformat(),
        date_format(starts, f"D j, {get_format('TIME_FORMAT')}"),
        date_format(ends, get_format("TIME_FORMAT")),
    )


@register.simple_tag
def series_description(meeting):
    """The meeting's series in words, in the reader's language."""
    from meetings.services import series_description as describe

    return describe(meeting)


@register.simple_tag
def responder_items(responders, empty, *, notes=False):
    """The `<li>` items of one list of responses on a meeting's page: each person's name and,
    with `notes`, what they added (a campus's worth of people, hence Python); `empty` if none."""
    if not responders:
        return format_html("<li>{}</li>", empty)
    if notes:
        items = (
            f'<li>{escape(r.name)} <span class="text-body-secondary">— {escape(r.response_note)}'
            "</span></li>"
            if r.response_note
            else f"<li>{escape(r.name)}</li>"
            for r in responders
        )
    else:
        items = (f"<li>{escape(r.name)}</li>" for r in responders)
    return mark_safe("".join(items))  # every value escaped above


@register.simple_tag
def meeting_row_facts(meeting, is_coordinator):
    """A list row's facts: why it was cancelled, or the counts of responses and, once it has
    started, of presence (coordinators) or the person's own (on every row of every list, hence
    Python)."""
    if meeting.is_cancelled:
        return Truncator(meeting.cancelled_reason).chars(80)
    counts = gettext("%(a)s attending · %(n)s not · %(r)s no response") % {
        "a": meeting.attending_count,
        "n": meeting.not_attending_count,
        "r": meeting.no_response_count,
    }
    facts = [format_html("<span>{}</span>", counts)]
    presence = None
    if meeting.has_started and is_coordinator:
        presence = gettext("Presence: %(p)s there · %(x)s away · %(u)s unrecorded") % {
            "p": meeting.present_count,
            "x": meeting.away_count,
            "u": meeting.unrecorded_count,
        }
    elif meeting.has_started and meeting.own_attendance and not is_coordinator:
        presence = gettext("You: %(p)s") % {"p": meeting.own_attendance.get_presence_display()}
    if presence:
        facts.append(format_html('<span class="meeting-row-presence">{}</span>', presence))
    return mark_safe("\n".join(facts))  # each part escaped by format_html


@register.simple_tag
def meeting_status(meeting):
    """A list row's status badge, and "Changed" if its time or place changed since it was
    announced (on every row of every list, hence Python)."""
    if meeting.is_cancelled:
        badge = ("text-bg-danger", gettext("Cancelled"))
    elif meeting.is_on_now:
        badge = ("text-bg-success", gettext("On now"))
    elif meeting.presence_due:
        badge = ("text-bg-warning", gettext("Just ended"))
    elif meeting.has_started:
        badge = ("text-bg-secondary", gettext("Held"))
    else:
        badge = ("text-bg-light border", gettext("Scheduled"))
    html = format_html('<span class="badge {}">{}</span>', *badge)
    if meeting.sequence and not meeting.is_cancelled:
        html += format_html(' <span class="badge text-bg-warning">{}</span>', gettext("Changed"))
    return html
