"""Template tags for meetings (the dashboards' own: reports.templatetags.report_tags).
`meeting_when` is on every meeting page and in every list, so it formats in Python: a template
include with four `date` filters in a `{% timezone %}` block cost a third of the meetings list."""

import datetime as dt
import zoneinfo
from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, pgettext

from meetings.models import Attendance
from meetings.rows import addresses, csrf_input

register = template.Library()


@register.simple_tag
def meeting_when(meeting, campus):
    """When the meeting is, in the campus's time zone, with the zone named:
    `<time datetime="2027-01-14T22:00:00+00:00">Thu 14 Jan 2027, 17:00\N{EN DASH}18:30
    EST</time> (in French `jeu. 14 janv. 2027, 17 h 00\N{EN DASH}18 h 30 EST`)
    <span class="meeting-tz">(America/Toronto)</span>`."""
    return _when(get_language(), meeting.starts_at, meeting.ends_at, campus.time_zone)


@lru_cache(maxsize=4096)
def _when(language, starts_at, ends_at, time_zone):
    """meeting_when in the active `language` (the key: a campus's meetings are on every page of
    every member, formatted once per process and language)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    starts, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return format_html(
        '<time datetime="{}">{}\N{EN DASH}{} {}</time> <span class="meeting-tz">({})</span>',
        starts_at.astimezone(dt.UTC).isoformat(),
        date_format(starts, f"{get_format('SHORT_DATE_FORMAT')}, {get_format('TIME_FORMAT')}"),
        date_format(ends, get_format("TIME_FORMAT")),
        date_format(starts, "T"),
        time_zone,
    )


class LocalFormat:
    """`value|date:format_name` as a template prints it (a datetime on the current time zone's
    clock), for the values of one page: the language and the time zone looked up once, each
    moment formatted once per process and language (the same meetings' dates are on every
    member's pages). For the formats of dates and times (settings.FORMAT_MODULE_PATH), which
    name no time zone."""

    def __init__(self):
        self.language = get_language()
        self.zone = timezone.get_current_timezone()

    def __call__(self, value, format_name: str) -> str:
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.zone).replace(tzinfo=None)
        return _local_format(self.language, format_name, value)


def local_format(value, format_name: str) -> str:
    """One value formatted as LocalFormat does."""
    return LocalFormat()(value, format_name)


@lru_cache(maxsize=4096)
def _local_format(language, format_name, value):
    return date_format(value, get_format(format_name))


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
    return _short_when(get_language(), meeting.starts_at, meeting.ends_at, campus.time_zone)


@lru_cache(maxsize=4096)
def _short_when(language, starts_at, ends_at, time_zone):
    """meeting_short_when in the active `language` (the key), once per process and language."""
    zone = zoneinfo.ZoneInfo(time_zone)
    starts, ends = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return format_html(
        '<time datetime="{}">{}\N{EN DASH}{}</time>',
        starts_at.astimezone(dt.UTC).isoformat(),
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
def meeting_heading(meeting, campus, facilitators=()):
    """The facts a printed agenda or minutes must carry: the campus, when (date, time, time
    zone), where, and the agenda's facilitators."""
    where = f"\n· {escape(meeting.location)}" if meeting.location else ""
    if meeting.online_link:
        where += f'\n· <span class="meeting-online">{escape(meeting.online_link)}</span>'
    html = (
        f'<p class="meeting-facts mb-2">\n<span class="meeting-campus">{escape(campus.name)}'
        f"</span> ·\n{meeting_when(meeting, campus)}{where}\n</p>"
    )
    if facilitators:
        names = escape(", ".join(str(name) for name in facilitators))
        label = gettext("Facilitators:")
        html += f'\n<p class="meeting-facilitators small mb-2">{label} {names}</p>'
    return mark_safe(html)  # every value escaped, the time by meeting_when


@lru_cache(maxsize=16)
def _action_words(language) -> dict:
    return {
        "presence": gettext("Take presence"),
        "edit": gettext("Edit or reschedule"),
        "agenda": gettext("Build the agenda"),
        "minutes": gettext("Minutes"),
        "ics": gettext("Add to calendar (.ics)"),
        "cancel": gettext("Cancel the meeting"),
    }


@register.simple_tag(takes_context=True)
def meeting_actions(context, meeting):
    """The buttons of a meeting's page: for its campus's coordinators, presence (first while it
    is due), editing, the agenda and cancelling; for everyone, the minutes and the calendar
    file."""
    campus, coordinator = context["campus"], context["is_coordinator"]
    words = _action_words(get_language())
    open_ = not meeting.is_cancelled

    def link(style, name, word, extra=""):
        url = addresses(f"meetings:{name}", campus, "pk")(meeting.pk)
        return f'<a class="btn {style}" href="{url}"{extra}>{words[word]}</a>'

    links = []
    if coordinator and meeting.presence_due:
        links.append(link("btn-primary", "roster", "presence"))
    if coordinator and open_:
        links.append(link("btn-outline-primary", "meeting_edit", "edit"))
        links.append(link("btn-outline-primary", "agenda", "agenda"))
    if coordinator and meeting.has_started and open_ and not meeting.presence_due:
        links.append(link("btn-outline-primary", "roster", "presence"))
    if open_:
        links.append(link("btn-outline-primary", "minutes", "minutes"))
    links.append(link("btn-outline-primary", "meeting_ics", "ics", " download"))
    if coordinator and meeting.takes_responses:
        links.append(link("btn-outline-danger", "meeting_cancel", "cancel"))
    return mark_safe("\n".join(links))  # addresses escaped, words the translators'


@lru_cache(maxsize=16)
def _response_words(language) -> dict:
    """The words of a meeting's responses in the active `language` (the key), translated once
    per process and language."""
    return {
        "heading": gettext("Responses"),
        "counts": gettext(
            "<strong>%(a)s</strong> attending · <strong>%(n)s</strong> not attending · "
            "<strong>%(r)s</strong> no response"
        ),
        "lists": [
            ("attending", gettext("Attending"), gettext("Nobody yet."), True),
            ("not_attending", gettext("Not attending"), gettext("Nobody."), True),
            ("no_response", gettext("No response"), gettext("Everyone has answered."), False),
        ],
    }


@register.simple_tag
def response_section(responses):
    """A meeting's responses for its coordinators (meetings.selectors.responses): the counts,
    then who is attending, who is not (with what they added) and who has not answered."""
    words = _response_words(get_language())
    counts = words["counts"] % {
        "a": len(responses["attending"]),
        "n": len(responses["not_attending"]),
        "r": len(responses["no_response"]),
    }
    columns = "\n".join(
        f'<div class="col-md-4"><h3 class="h6">{title}</h3>\n'
        f'<ul class="list-unstyled">{responder_items(responses[key], empty, notes=notes)}</ul>'
        "</div>"
        for key, title, empty, notes in words["lists"]
    )
    return mark_safe(  # translations are the translators' markup; names escaped by the items
        '<section aria-labelledby="responses-heading">\n'
        f'<h2 id="responses-heading" class="h4">{words["heading"]}</h2>\n'
        f'<p class="response-counts">{counts}</p>\n'
        f'<div class="row g-3">\n{columns}\n</div>\n'
        "</section>"
    )


@register.simple_tag
def meeting_change_items(changes, campus):
    """The `<li>` items of a meeting's changes (meetings.selectors.meeting_changes): when, in
    the campus's time zone, what changed, and by whom."""
    by = gettext("%(what)s by %(by)s")
    datetime_format = get_format("DATETIME_FORMAT")
    items = []
    for change in changes:
        when = timezone.localtime(change["at"], campus.tz)
        what = escape(str(change["what"]))
        done = by % {"what": what, "by": escape(change["by"])} if change["by"] else what
        items.append(
            f"<li>{escape(date_format(when, datetime_format))} {escape(date_format(when, 'T'))}"
            f" — {done}</li>"
        )
    return mark_safe("\n".join(items))  # every value escaped above


@lru_cache(maxsize=16)
def _list_words(language):
    """The words of a list's rows in the active `language` (the key), translated once per
    process and language rather than on every row of every list."""
    # Each gettext() outside an f-string: xgettext does not look inside them.
    badges = {
        "cancelled": ("text-bg-danger", gettext("Cancelled")),
        "on_now": ("text-bg-success", gettext("On now")),
        "just_ended": ("text-bg-warning", gettext("Just ended")),
        "held": ("text-bg-secondary", gettext("Held")),
        "scheduled": ("text-bg-light border", gettext("Scheduled")),
    }
    changed = gettext("Changed")
    return {
        "counts": gettext("%(a)s attending · %(n)s not · %(r)s no response"),
        "presence": gettext("Presence: %(p)s there · %(x)s away · %(u)s unrecorded"),
        "own_presence": gettext("You: %(p)s"),
        "you_said": gettext("You said: %(r)s"),
        "responses": {value: str(label) for value, label in Attendance.Response.choices},
        "take_presence": escape(gettext("Take presence")),
        "attending": escape(gettext("Attending")),
        "not_attending": escape(gettext("Not attending")),
        **{
            name: f'<span class="badge {css}">{escape(label)}</span>'
            for name, (css, label) in badges.items()
        },
        "changed": f' <span class="badge text-bg-warning">{escape(changed)}</span>',
    }


def _row_facts(meeting, is_coordinator, words) -> str:
    if meeting.is_cancelled:
        return escape(Truncator(meeting.cancelled_reason).chars(80))
    counts = words["counts"] % {
        "a": meeting.attending_count,
        "n": meeting.not_attending_count,
        "r": meeting.no_response_count,
    }
    facts = f"<span>{escape(counts)}</span>"
    presence = None
    if meeting.has_started and is_coordinator:
        presence = words["presence"] % {
            "p": meeting.present_count,
            "x": meeting.away_count,
            "u": meeting.unrecorded_count,
        }
    elif meeting.has_started and meeting.own_attendance and not is_coordinator:
        presence = words["own_presence"] % {"p": meeting.own_attendance.get_presence_display()}
    if presence:
        facts += f'\n<span class="meeting-row-presence">{escape(presence)}</span>'
    return facts


def _row_status(meeting, words) -> str:
    if meeting.is_cancelled:
        return words["cancelled"]
    if meeting.is_on_now:
        badge = words["on_now"]
    elif meeting.presence_due:
        badge = words["just_ended"]
    elif meeting.has_started:
        badge = words["held"]
    else:
        badge = words["scheduled"]
    return badge + words["changed"] if meeting.sequence else badge


@register.simple_tag
def meeting_row_facts(meeting, is_coordinator):
    """A list row's facts: why it was cancelled, or the counts of responses and, once it has
    started, of presence (coordinators) or the person's own."""
    return mark_safe(_row_facts(meeting, is_coordinator, _list_words(get_language())))


@register.simple_tag
def meeting_status(meeting):
    """A list row's status badge, and "Changed" if its time or place changed since it was
    announced."""
    return mark_safe(_row_status(meeting, _list_words(get_language())))


class _MeetingRows:
    """The rows of a list of meetings (the meetings list, the month calendar on phones): each
    meeting's time, title, status and facts, "Take presence" for coordinators while it is due,
    the person's one-click answers while it is to come. A campus's meetings on every row of
    every list, hence Python: the words translated once per language, the addresses reversed
    once per list, every value escaped here."""

    def __init__(self, context):
        self.campus = context["campus"]
        self.is_coordinator = bool(context.get("is_coordinator"))
        self.words = _list_words(get_language())
        self.page = addresses("meetings:meeting_detail", self.campus, "pk")
        self.roster = addresses("meetings:roster", self.campus, "pk")
        self.respond = addresses("meetings:meeting_respond", self.campus, "pk")
        self.csrf = csrf_input(context)
        self.local = LocalFormat()

    def row(self, m) -> str:
        words, title = self.words, escape(m.title)
        first = ""
        if self.is_coordinator and m.presence_due:
            first = (
                '\n  <a class="btn btn-primary btn-sm meeting-row-first"'
                f' href="{self.roster(m.pk)}">'
                f'{words["take_presence"]}<span class="visually-hidden"> — {title}</span></a>'
            )
        actions = ""
        own = m.own_attendance
        if own and not self.is_coordinator and not m.has_started:
            if m.takes_responses:
                answer = self.buttons(m, own, title)
            else:  # cancelled
                said = words["you_said"] % {"r": words["responses"][own.response]}
                answer = f'<span class="small">{escape(said)}</span>'
            actions = f'\n  <div class="meeting-row-actions">\n    {answer}\n  </div>'
        return (
            f'<li class="meeting-row{" meeting-row-cancelled" if m.is_cancelled else ""}">{first}\n'
            f'  <div class="meeting-row-when">{meeting_short_when(m, self.campus)}</div>\n'
            '  <div class="meeting-row-main">\n'
            f'    <a href="{self.page(m.pk)}">{title}</a>\n'
            f"    {_row_status(m, words)}\n"
            '    <div class="meeting-row-facts small">\n'
            f"      {_row_facts(m, self.is_coordinator, words)}\n"
            "    </div>\n"
            f"  </div>{actions}\n"
            "</li>"
        )

    def buttons(self, m, own, title) -> str:
        words = self.words
        about = f"{title}, {escape(self.local(m.starts_at, 'MONTH_DAY_FORMAT'))}"
        attending = own.response == Attendance.Response.ATTENDING
        not_attending = own.response == Attendance.Response.NOT_ATTENDING
        return (
            f'<form method="post" action="{self.respond(m.pk)}" class="respond-buttons">\n'
            f"  {self.csrf}\n"
            '  <input type="hidden" name="next" value="list">\n'
            '  <button type="submit" name="response" value="attending" class="btn btn-sm'
            f' {"btn-success" if attending else "btn-outline-success"}"'
            f' aria-pressed="{"true" if attending else "false"}">{words["attending"]}'
            f'<span class="visually-hidden"> {about}</span></button>\n'
            '  <button type="submit" name="response" value="not_attending" class="btn btn-sm'
            f' {"btn-secondary" if not_attending else "btn-outline-secondary"}"'
            f' aria-pressed="{"true" if not_attending else "false"}">{words["not_attending"]}'
            f'<span class="visually-hidden"> {about}</span></button>\n'
            "</form>"
        )


@register.simple_tag(takes_context=True)
def meeting_row(context, meeting):
    """One meeting of a list (see _MeetingRows)."""
    return mark_safe(_MeetingRows(context).row(meeting))


@register.simple_tag(takes_context=True)
def meeting_months(context, months):
    """Meetings by month (meetings.selectors.by_month): each month's name as a heading, then
    its meetings' rows (see _MeetingRows)."""
    rows = _MeetingRows(context)

    def month_html(month, meetings):
        name = escape(rows.local(month, "YEAR_MONTH_FORMAT"))
        items = "\n".join(rows.row(m) for m in meetings)
        return (
            f'<h3 class="h6 meeting-month">{name}</h3>\n<ul class="meeting-rows">\n{items}\n</ul>'
        )

    return mark_safe("\n".join(month_html(month, meetings) for month, meetings in months))


@register.simple_tag(takes_context=True)
def respond_form(context, meeting, own, next=""):
    """A person's own response to `meeting` (its `pk`, `title`, `starts_at`), from `own` (its
    `response` and `response_note`): two buttons and an optional note, posted back to `next`
    (the meeting page, a list, their own page). On every meeting card of a person's pages, hence
    Python; the words are those of meetings/_respond_form.html."""
    url = reverse(
        "meetings:meeting_respond", kwargs={"campus": context["campus"].slug, "pk": meeting.pk}
    )
    csrf = csrf_input(context)
    pk, note = meeting.pk, own.response_note
    label = dict(Attendance.Response.choices)[own.response]
    # Each gettext() outside an f-string: xgettext does not look inside them.
    your_response, note_label = gettext("Your response:"), gettext("Note (optional)")
    example, attending = gettext("e.g. exam that evening"), gettext("Attending")
    not_attending = gettext("Not attending")
    # The quotation marks are the translators' (« » in French).
    said = " — " + gettext("“%(text)s”") % {"text": escape(note)} if note else ""
    about = escape(f"{meeting.title}, {local_format(meeting.starts_at, 'MONTH_DAY_FORMAT')}")
    hidden_next = f'<input type="hidden" name="next" value="{escape(next)}">' if next else ""
    return mark_safe(  # every value escaped above
        f'<form method="post" action="{escape(url)}" class="respond-form">\n'
        f"  {csrf}\n"
        f"  {hidden_next}\n"
        f'  <p class="mb-1">{escape(your_response)} '
        f'<strong class="response-{escape(own.response)}">{escape(label)}</strong>{said}</p>\n'
        '  <div class="respond-row">\n'
        '    <div class="respond-note">\n'
        f'      <label class="form-label small mb-0" for="note-{pk}">'
        f"{escape(note_label)}</label>\n"
        '      <input class="form-control form-control-sm" type="text"'
        f' id="note-{pk}" name="note" maxlength="200" value="{escape(note)}"'
        f' placeholder="{escape(example)}">\n'
        "    </div>\n"
        '    <button type="submit" name="response" value="attending" class="btn btn-success">'
        f'{escape(attending)}<span class="visually-hidden"> {about}</span></button>\n'
        '    <button type="submit" name="response" value="not_attending"'
        ' class="btn btn-outline-secondary">'
        f'{escape(not_attending)}<span class="visually-hidden"> {about}</span>'
        "</button>\n"
        "  </div>\n"
        "</form>"
    )
