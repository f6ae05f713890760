"""Template tags of the agenda and minutes pages: their lists (agenda items, offers,
suggestions, action items) printed in one pass in Python, each word translated once per list
and everything a person typed escaped, rather than a template loop with its translations,
`{% url %}` and `{% csrf_token %}` for every row."""

from functools import lru_cache
from html import escape

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime, template_localtime
from django.utils.translation import get_language, gettext

from meetings.models import DEFAULT_AGENDA_TITLES, AgendaItem, DiscussionSuggestion
from meetings.rows import addresses, csrf_input

register = template.Library()

HX = 'hx-target="#agenda-items" hx-swap="outerHTML"'


class _Dates(dict):
    """`value|date:"DATE_FORMAT"` (a time in the current time zone, as the filter shows it) of
    each value, worked out once per list (rows often share their dates), with
    the language's format looked up once."""

    def __init__(self):
        super().__init__()
        self.format = get_format("DATE_FORMAT")

    def __missing__(self, value):
        shown = escape(dateformat.format(template_localtime(value), self.format)) if value else ""
        self[value] = shown
        return shown


@lru_cache(maxsize=16)
def _read_words(language) -> dict:
    """The words of the agenda as read, in the active `language` (the key), translated once
    per process and language."""
    return {
        "kinds": {kind: escape(str(label)) for kind, label in AgendaItem.Kind.choices},
        "defaults": {kind: escape(str(title)) for kind, title in DEFAULT_AGENDA_TITLES.items()},
        "min": gettext("%(n)s min"),
        "topic": gettext("Topic:"),
        "by": gettext("Facilitated by %(person)s"),
    }


def _agenda_words() -> dict:
    """The agenda's words as read (`_read_words`) and those of its buttons for coordinators."""
    # Translations are the translators' own markup (as the template tags print them).
    return {
        **_read_words(get_language()),
        "offer": gettext("(their offer)"),
        "edit": gettext("Edit"),
        "quoted": gettext("“%(text)s”"),
        "up": gettext("Up"),
        "down": gettext("Down"),
        "move_up": gettext("move “%(title)s” up"),
        "move_down": gettext("move “%(title)s” down"),
        "position": gettext("Position of “%(title)s”"),
        "move": gettext("Move"),
        "remove": gettext("Remove"),
    }


def _agenda_item(item, position, count, agenda_url, csrf, words, *, draggable) -> str:
    pk = item.pk
    title = escape(str(item.shown_title))
    quoted = words["quoted"] % {"text": title}
    url = f"{agenda_url}{pk}"
    text = [
        f'<span class="badge agenda-kind agenda-kind-{escape(item.kind)}">'
        f"{words['kinds'].get(item.kind) or escape(str(item.get_kind_display()))}</span>",
        f"<strong>{title}</strong>"
        + (
            f' <span class="agenda-duration">{words["min"] % {"n": item.duration_minutes}}</span>'
            if item.duration_minutes
            else ""
        ),
    ]
    if item.topic_id is not None:
        text.append(
            f'<br><span class="small">{words["topic"]} {escape(str(item.topic.title))}</span>'
        )
    if item.facilitator_id is not None:
        offer = f" {words['offer']}" if item.facilitation_offer_id else ""
        person = words["by"] % {"person": escape(str(item.facilitator))}
        text.append(f'<br><span class="small">{person}{offer}</span>')
    if item.notes:
        text.append(f'<div class="small">{linebreaksbr(item.notes, autoescape=True)}</div>')
    first = " disabled" if position == 1 else ""
    last = " disabled" if position == count else ""
    drag = ' draggable="true"' if draggable else ""
    return (
        f'<li class="agenda-item" id="agenda-item-{pk}" data-item="{pk}"{drag}>\n'
        f'<div class="agenda-item-text">\n{chr(10).join(text)}\n</div>\n'
        '<div class="agenda-actions">\n'
        f'<a class="btn btn-sm btn-outline-primary" href="{url}/edit/"\n'
        f' hx-get="{url}/edit/" {HX}>{words["edit"]}'
        f'<span class="visually-hidden"> {quoted}</span></a>\n'
        f'<form method="post" action="{url}/move/"\n hx-post="{url}/move/" {HX}>{csrf}\n'
        '<button class="btn btn-sm btn-outline-secondary" name="direction" value="up"'
        f' type="submit"{first}>{words["up"]}<span class="visually-hidden">: '
        f"{words['move_up'] % {'title': title}}</span></button>\n"
        '<button class="btn btn-sm btn-outline-secondary" name="direction" value="down"'
        f' type="submit"{last}>{words["down"]}<span class="visually-hidden">: '
        f"{words['move_down'] % {'title': title}}</span></button>\n"
        "</form>\n"
        f'<form method="post" action="{url}/move/" class="agenda-position"\n'
        f' hx-post="{url}/move/" {HX}>{csrf}\n'
        f'<label class="visually-hidden" for="position-{pk}">'
        f"{words['position'] % {'title': title}}</label>\n"
        f'<input class="form-control form-control-sm" type="number" min="1" max="{count}"'
        f' id="position-{pk}" name="position" value="{position}">\n'
        f'<button class="btn btn-sm btn-outline-secondary" type="submit">{words["move"]}'
        f'<span class="visually-hidden"> {quoted}</span></button>\n'
        "</form>\n"
        f'<form method="post" action="{url}/remove/">{csrf}\n'
        f'<button class="btn btn-sm btn-outline-danger" type="submit">{words["remove"]}'
        f'<span class="visually-hidden"> {quoted}</span></button>\n'
        "</form>\n"
        "</div>\n"
        "</li>"
    )


@register.simple_tag(takes_context=True)
def agenda_item_rows(context, items, agenda_url):
    """Every item of the agenda as coordinators see it (`<li>`, draggable): its facts and its
    buttons (edit, up, down, a position, remove), their forms posting to the item's addresses
    under `agenda_url`."""
    csrf, words, count = csrf_input(context), _agenda_words(), len(items)
    agenda_url = escape(agenda_url)
    return mark_safe(  # every value escaped in _agenda_item
        "\n".join(
            _agenda_item(item, n, count, agenda_url, csrf, words, draggable=True)
            for n, item in enumerate(items, start=1)
        )
    )


@register.simple_tag(takes_context=True)
def agenda_item_row(context, item, position, count, agenda_url):
    """One item, while another is being edited (then nothing is draggable)."""
    return mark_safe(
        _agenda_item(
            item,
            position,
            count,
            escape(agenda_url),
            csrf_input(context),
            _agenda_words(),
            draggable=False,
        )
    )


@register.simple_tag
def agenda_read_items(rows):
    """The agenda as everyone reads it on the meeting's page (meetings.selectors.agenda_rows):
    each item's kind, title, length, topic (linked), facilitator and notes, as `<li>`."""
    words = _read_words(get_language())
    defaults = words["defaults"]
    topic_at = addresses("training:topic_detail", None, "pk")
    items = []
    for row in rows:
        kind = words["kinds"].get(row.kind) or escape(row.kind)
        text = [
            '<li class="agenda-item">\n'
            f'<span class="badge agenda-kind agenda-kind-{escape(row.kind)}">{kind}</span>\n'
            f"<strong>{escape(row.title) if row.title else defaults.get(row.kind, kind)}</strong>"
        ]
        if row.duration_minutes:
            minutes = words["min"] % {"n": row.duration_minutes}
            text.append(f' <span class="text-body-secondary">({minutes})</span>')
        if row.topic_id is not None:
            text.append(
                f'\n<br><span class="small">{words["topic"]} <a href="{topic_at(row.topic_id)}">'
                f"{escape(row.topic_title)}</a></span>"
            )
        if row.facilitator:
            person = words["by"] % {"person": escape(row.facilitator)}
            text.append(f'\n<br><span class="small">{person}</span>')
        if row.notes:
            text.append(f'\n<div class="small">{linebreaksbr(row.notes, autoescape=True)}</div>')
        text.append("\n</li>")
        items.append("".join(text))
    return mark_safe("\n".join(items))  # every value escaped above


@register.simple_tag(takes_context=True)
def offer_items(context, offers, action):
    """The open offers to facilitate (training.selectors.OfferRow), each with its button that
    puts it on this agenda (posting to `action`)."""
    csrf, action = csrf_input(context), escape(action)
    offers_phrase = gettext("offers “%(title)s”")
    button = gettext("Put on this agenda")
    items = []
    for offer in offers:
        person, title = escape(offer.person), escape(offer.topic_title)
        note = f" — {escape(offer.note)}" if offer.note else ""
        items.append(
            '<li class="border rounded p-2 mb-2">\n'
            f"<strong>{person}</strong> {offers_phrase % {'title': title}}{note}\n"
            f'<form method="post" action="{action}">{csrf}\n'
            f'<input type="hidden" name="offer" value="{offer.pk}">\n'
            f'<button class="btn btn-sm btn-outline-primary mt-1" type="submit">{button}'
            f'<span class="visually-hidden">: {title}, {person}</span></button>\n'
            "</form>\n"
            "</li>"
        )
    return mark_safe("\n".join(items))  # every value escaped above


@register.simple_tag(takes_context=True)
def suggestion_items(context, suggestions, campus, meeting):
    """The open discussion suggestions (meetings.selectors.SuggestionRow): kind, author (or
    "anonymous"), date and text, each with its button that marks it used in `meeting`."""
    csrf, dates = csrf_input(context), _Dates()
    use = addresses("meetings:suggestion_use", campus, "pk")
    kinds = {value: escape(str(label)) for value, label in DiscussionSuggestion.Kind.choices}
    anonymous = gettext("anonymous")
    button = gettext("Mark used in this meeting")
    items = []
    for s in suggestions:
        action = use(s.pk)
        who = anonymous if s.is_anonymous else escape(s.author)
        items.append(
            '<li class="border rounded p-2 mb-2">\n'
            '<span class="small text-body-secondary">'
            f"{kinds.get(s.kind) or escape(s.kind)} · {who} · {dates[s.submitted_on]}</span>\n"
            f'<p class="mb-1">{linebreaksbr(s.text, autoescape=True)}</p>\n'
            f'<form method="post" action="{action}">{csrf}\n'
            f'<input type="hidden" name="meeting" value="{meeting.pk}">\n'
            f'<button class="btn btn-sm btn-outline-primary" type="submit">{button}</button>\n'
            "</form>\n"
            "</li>"
        )
    return mark_safe("\n".join(items))  # every value escaped above


def _doneaddresses(context):
    """Where an action item is marked done: a function of its meeting's and its own number."""
    return addresses("meetings:action_item_done", context["campus"], "pk", "item")


@register.simple_tag(takes_context=True)
def from_last_time_items(context, rows):
    """Action items still open from earlier meetings (meetings.selectors.ActionRow): owner,
    due date and meeting; a button to mark one done for its owner and coordinators, which
    comes back to this page."""
    csrf, dates, done_at = csrf_input(context), _Dates(), _doneaddresses(context)
    user_id = context["user"].pk
    may_mark_any = context.get("is_coordinator")
    back = escape(context["request"].path)
    no_owner, due = gettext("no owner"), gettext("due")
    from_phrase = gettext("from “%(title)s”, %(date)s")
    mark_done, quoted = gettext("Mark done"), gettext("“%(text)s”")
    items = []
    for row in rows:
        text = escape(row.text)
        facts = escape(row.owner) or no_owner
        if row.due_on:
            facts += f" · {due} {dates[row.due_on]}"
        meeting = {"title": escape(row.meeting_title), "date": dates[row.meeting_starts_at]}
        facts += f" · {from_phrase % meeting}"
        form = ""
        if may_mark_any or row.owner_id == user_id:
            action = done_at(row.meeting_id, row.pk)
            form = (
                f'\n<form method="post" action="{action}" class="d-inline">{csrf}\n'
                '<input type="hidden" name="done" value="1">'
                f'<input type="hidden" name="next" value="{back}">\n'
                f'<button type="submit" class="btn btn-sm btn-outline-success">{mark_done}'
                f'<span class="visually-hidden">: {quoted % {"text": text}}</span></button>\n'
                "</form>"
            )
        items.append(
            '<li class="from-last-time-item">\n'
            f"<span>{text}</span>\n"
            f'<span class="small text-body-secondary">· {facts}</span>{form}\n'
            "</li>"
        )
    return mark_safe("\n".join(items))  # every value escaped above


@register.simple_tag(takes_context=True)
def action_items_table(context, rows, toggles):
    """A meeting's action items (meetings.selectors.ActionRow) as a table, or a line saying
    there are none. `toggles`: each Done button submits its own form, kept outside the minutes
    form (`action_done_forms`); otherwise the owner of an open item gets a button to mark it
    done."""
    if not rows:
        none = gettext("No action items.")
        return mark_safe(f"<p>{none}</p>")
    csrf, dates, done_at = csrf_input(context), _Dates(), _doneaddresses(context)
    user_id = context["user"].pk
    done_word, not_done, not_yet = gettext("Done"), gettext("Not done"), gettext("Not yet")
    to_change = gettext("press to change")
    mark_done, quoted = gettext("Mark done"), gettext("“%(text)s”")
    items = []
    for row in rows:
        text = escape(row.text)
        if toggles:
            style = "btn-success" if row.done else "btn-outline-secondary"
            done = (
                f'<button type="submit" form="action-done-{row.pk}" class="btn btn-sm {style}">'
                f"{done_word if row.done else not_done}"
                f'<span class="visually-hidden">: {quoted % {"text": text}}, {to_change}</span>'
                "</button>\n"
                f'<span class="print-only">{done_word if row.done else not_yet}</span>'
            )
        elif row.owner_id == user_id and not row.done:
            done = (
                f'<form method="post" action="{done_at(row.meeting_id, row.pk)}">{csrf}\n'
                '<input type="hidden" name="done" value="1">\n'
                f'<button type="submit" class="btn btn-sm btn-outline-success">{mark_done}'
                f'<span class="visually-hidden">: {quoted % {"text": text}}</span></button>\n'
                "</form>\n"
                f'<span class="print-only">{not_yet}</span>'
            )
        else:
            done = done_word if row.done else not_yet
        items.append(
            "<tr>\n"
            f"<td>{text}</td>\n"
            f"<td>{escape(row.owner) or '—'}</td>\n"
            f"<td>{dates[row.due_on] or '—'}</td>\n"
            f"<td>\n{done}\n</td>\n"
            "</tr>"
        )
    headings = "".join(
        f'<th scope="col">{heading}</th>'
        for heading in (gettext("Action"), gettext("Owner"), gettext("Due"), done_word)
    )
    return mark_safe(  # every value escaped above
        '<div class="table-responsive">\n<table class="table table-sm align-middle">\n'
        f"<thead><tr>{headings}</tr></thead>\n<tbody>\n"
        + "\n".join(items)
        + "\n</tbody>\n</table>\n</div>"
    )


@register.simple_tag(takes_context=True)
def action_done_forms(context, rows):
    """The hidden forms the minutes page's Done buttons submit (one per action item: a form
    cannot sit inside the minutes form)."""
    csrf, done_at = csrf_input(context), _doneaddresses(context)
    return mark_safe(  # only numbers and an address escaped
        "\n".join(
            f'<form method="post" id="action-done-{row.pk}"'
            f' action="{done_at(row.meeting_id, row.pk)}" hidden>{csrf}\n'
            f'<input type="hidden" name="done" value="{0 if row.done else 1}">\n'
            "</form>"
            for row in rows
        )
    )


@register.simple_tag(takes_context=True)
def minutes_saved(context, minutes, writing):
    """When the minutes were last saved (in the campus's time zone) and by whom; for those
    `writing` them, the link to their history. Nothing when there are no minutes to read."""
    if not minutes and not writing:
        return ""
    campus, parts = context["campus"], []
    if minutes:
        when = localtime(minutes.updated_at, campus.tz)
        parts.append(
            gettext("Last saved %(when)s %(zone)s")
            % {
                "when": escape(date_filter(when, "DATETIME_FORMAT")),
                "zone": escape(date_filter(when, "T")),
            }
        )
        if minutes.updated_by:
            parts.append(f" · {escape(str(minutes.updated_by))}")
    if writing:
        url = addresses("meetings:minutes_history", campus, "pk")(context["meeting"].pk)
        history = gettext("Change history and who read the case notes")
        link = f'<a href="{url}">{history}</a>'
        parts.append(f'<span class="no-print">{" · " if minutes else ""}{link}</span>')
    return mark_safe(f'<p class="small text-body-secondary">{"".join(parts)}</p>')  # escaped


@register.simple_tag
def minutes_section_items(sections):
    """The minutes' sections as read: each (label, text) a heading and its text, "—" if empty."""
    return mark_safe(  # every value escaped
        "".join(
            f'<h3 class="h6">{escape(str(label))}</h3>'
            f"<p>{linebreaksbr(text, autoescape=True) if text else '—'}</p>"
            for label, text in sections
        )
    )


@register.simple_tag
def minutes_history_items(changes, campus):
    """The minutes' change history (meetings.selectors.minutes_history): when, in the campus's
    time zone, who and which sections."""
    unknown = gettext("someone no longer known")
    items = []
    for change in changes:
        when = localtime(change.when, campus.tz)
        who = escape(change.who) if change.who else unknown
        sections = escape(", ".join(str(section) for section in change.sections))
        items.append(
            f'<li><time datetime="{escape(date_filter(when, "c"))}">'
            f"{escape(date_filter(when, 'DATETIME_FORMAT'))} {escape(date_filter(when, 'T'))}"
            f"</time> — {who}: {sections}</li>"
        )
    return mark_safe("\n".join(items))  # every value escaped above


class _Escaped(dict):
    """Each text escaped once per list (a list of reads repeats its people, times and roles)."""

    def __missing__(self, text):
        self[text] = escaped = escape(text)
        return escaped


@register.simple_tag
def case_notes_read_items(reads):
    """Who read the case-collaboration notes (members.selectors.case_notes_reads: the times
    already in words), on the history of the minutes: up to a hundred lines."""
    unknown, escaped = gettext("someone no longer known"), _Escaped()
    roles = _Escaped({"": ""})
    for role in {read["role"] for read in reads} - {""}:
        roles[role] = f" ({escape(role)})"
    return mark_safe(  # every value escaped
        "\n".join(
            f'<li><time datetime="{escaped[read["at"]]}">{escaped[read["when"]]}</time> — '
            f"{escaped[read['actor']] if read['actor'] else unknown}{roles[read['role']]}</li>"
            for read in reads
        )
    )
