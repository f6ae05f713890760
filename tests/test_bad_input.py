"""The bad-input walk: hostile values in every form field and query parameter of every URL.

For every row of the access table (`tests/test_access.py`), as a role entitled to it, the walk
GETs the page, reads its forms (every `<form>` with its inputs, selects, textareas and buttons,
and the values the page gives them) and the query parameters of its links, adds the parameters
declared below for what no page links to, and the row's own POST data; then, one field or
parameter (or URL segment) at a time, it sends each value of the corpus in its place. It asserts:

- never a 5xx;
- a GET changes nothing;
- a refusal (a 4xx, the form again with its errors, or a redirect carrying an error message)
  changes nothing: a fingerprint of every table (sessions aside) is the same before and after;
- an accepted submission queues no e-mail that cannot be sent (a line break in a subject).

Every submission runs in a savepoint that is rolled back, so each one meets the same data.

The corpus comes in groups, and each field gets the groups hostile to its kind: a text box what
a person could type or paste, a number, choice or hidden field other ids and numbers, a date
field dates; a query parameter, a URL segment or POST data (whose kind no page says) all of it.
Empty inputs get a plausible value first (a date ten days ahead, 20:00 and 21:00, ...), so that
the other fields of a form are valid and the value under test is what the form has to judge.
A corpus value with a time (`9999-12-31T20:00`) given to a date input is a moment: the date goes
into every date input of the form and the time into its time inputs (one minute apart), as a
person would type a meeting on that day at that time.

To stay fast, a form or link that leads to another row's URL (the respond buttons on every
meeting page) is walked once in a run, from the first page that shows it, and fields repeated
per row (`references-1-url`, `presence-<id>`) are walked once.
"""

import copy
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from meetings import services
from outbox.models import OutboundEmail

from .factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    DiscussionSuggestionFactory,
    FacilitationOfferFactory,
    InvitationFactory,
    MeetingFactory,
    TopicFactory,
    TopicReferenceFactory,
)
from .test_access import TABLE

ROW_NAMES = {row.name for row in TABLE}

# The role a URL is walked as: a visitor for public pages, else the first entitled one.
PREFERENCE = ["coordinator", "admin", "peer", "partner", "other_coordinator"]

# Query parameters no page links to (or only with more data than the walk's world holds).
DECLARED_PARAMS = {
    "reports:attendance_csv": {"start": "", "end": ""},
    "meetings:meeting_list": {"page": "2"},
    "training:topic_list": {"page": "2", "q": "", "state": ""},
    "members:notice_list": {"status": ""},
    "meetings:check_in": {"code": "", "link": ""},  # what the QR code and the online link carry
}

# POST fields the views read that a row's data builder leaves out.
DECLARED_POST_FIELDS = {
    "meetings:suggestion_use": lambda w: {"meeting": str(w.populated.meeting.pk)},
    "meetings:meeting_respond": lambda w: {"note": "", "next": "list"},
}

# Values the page does not give but that let the walk reach deeper: a series on the last
# Friday of the month, so that 31 December 9999 (a Friday) is one of its meetings.
BASELINE_OVERRIDES = {
    "meetings:series_create": {"weekday": "4", "week_of_month": "-1"},
}

# Pages walked with the clock moved forward: the row's meeting (three days ahead) has started,
# so that presence can be recorded.
CLOCK = {
    "meetings:roster": dt.timedelta(days=3, minutes=30),
    "meetings:check_in": dt.timedelta(days=3, minutes=5),  # check-in is open
}

# Forms that turn local times into UTC are walked on a campus east of UTC as well.
EAST = "Asia/Tokyo"
ZONE_ROWS = {"meetings:meeting_create"}

PASSWORD = "a-long-walk-password-42"
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
ERROR_MARKERS = ("is-invalid", "errorlist", "invalid-feedback", "alert-danger")


# The corpus, in groups: each field gets the groups that are hostile for its kind of input.
ANY = ["", "x" * 10_000, "a\x00b", "line\r\nBcc: attacker@evil.test"]
TYPED = [  # what a person could type or paste into a text box
    "one\u2028two\x0bthree\x0cfour\x85five",
    "\u202etxt.exe\u200b\u200d\ufeff",
    "😀🎉",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x","y")',
]
NUMBERS = ["abc", "1.5", "-1", "99999999999999999999"]  # and another campus's ids
DATES = ["0001-01-01", "9999-12-31", "9999-12-31T20:00", "0001-01-01T00:00"]
ZONES = ["Mars/Olympus"]

TEXT_INPUTS = {"text", "textarea", "email", "url", "password", "search", "tel"}
DATE_INPUTS = {"date", "time", "datetime-local", "month", "week"}


def corpus(kind: str | None, foreign_ids: list[int]) -> list[str]:
    """The values to try in a field of this kind (an input type, "select", "hidden"...); every
    value for a query parameter, a URL segment or POST data, whose kind no page says."""
    ids = [str(pk) for pk in foreign_ids]
    if kind in TEXT_INPUTS:
        return ANY + TYPED
    if kind in DATE_INPUTS:
        return ANY + NUMBERS[:3] + DATES
    if kind is not None:  # numbers, choices, hidden values, buttons
        return ANY + NUMBERS + ids + DATES + ZONES
    return ANY + TYPED + NUMBERS + ids + DATES + ZONES


# --- reading a page ------------------------------------------------------------------------
@dataclass
class Field:
    name: str
    kind: str  # an input type, "select", "textarea" or "submit"
    value: str = ""
    checked: bool = False
    options: list = field(default_factory=list)
    selected: list = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: list = field(default_factory=list)


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action") or "")
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                kind = "submit"
            self._form.fields.append(
                Field(a["name"], kind, a.get("value") or "", checked="checked" in a)
            )
        elif tag == "button" and a.get("name") and (a.get("type") or "submit") == "submit":
            self._form.fields.append(Field(a["name"], "submit", a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.selected.append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None


def filler(f: Field, nth: int) -> str:
    """A valid-looking value for the `nth` input of its kind that the page leaves empty: dates
    ten days ahead and two months apart (a range), times at 20:00 and 21:00 (a start and an
    end)."""
    today = timezone.now().date()
    return {
        "date": (today + dt.timedelta(days=10 + 61 * nth)).isoformat(),
        "time": f"{20 + nth:02d}:00",
        "email": "walk@example.edu",
        "url": "https://example.edu/walk",
        "number": "1",
        "password": PASSWORD,
    }.get(f.kind, "Walk value")


def baseline(form: Form) -> dict[str, list[str]]:
    """What a browser would send for the form as the page gives it (empty inputs filled)."""
    data: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    for f in form.fields:
        if f.kind == "submit":
            data.setdefault(f.name, [f.value])  # the first button is the one pressed
        elif f.kind == "radio":
            if f.checked or f.name not in data:
                data[f.name] = [f.value]
        elif f.kind == "checkbox":
            if f.checked:
                data.setdefault(f.name, []).append(f.value or "on")
        elif f.kind == "select":
            if f.selected:
                data[f.name] = list(f.selected)
            elif f.options and not f.multiple:
                data[f.name] = [f.options[0]]
        elif f.kind == "hidden":
            data.setdefault(f.name, []).append(f.value)
        else:
            data[f.name] = [f.value or filler(f, seen.get(f.kind, 0))]
            seen[f.kind] = seen.get(f.kind, 0) + 1
    return data


# --- the walk ------------------------------------------------------------------------------
@dataclass
class Target:
    """One URL to send variations to: a form, a query string or a POST-only row."""

    method: str
    path: str
    data: dict
    fields: list
    kinds: dict = field(default_factory=dict)  # field name → input type, when a page says

    @property
    def dates(self):
        return [name for name, kind in self.kinds.items() if kind == "date"]

    @property
    def times(self):
        return [name for name, kind in self.kinds.items() if kind == "time"]


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


# Forms and links that lead to another row's URL (a respond form on every meeting page) are
# walked once in a run, from the first page that shows them.
WALKED_ELSEWHERE: set = set()


def first_time(key: tuple, own: bool, seen: set) -> bool:
    """Whether to walk a form or link: each once on its page, and once in the run when it
    leads to another URL."""
    keep = key not in seen and (own or key not in WALKED_ELSEWHERE)
    seen.add(key)
    if not own:
        WALKED_ELSEWHERE.add(key)
    return keep


def targets_on_page(html: str, page_path: str) -> list[Target]:
    parser = PageParser()
    parser.feed(html)
    own_name = url_name(page_path)
    found, seen = [], set()
    for form in parser.forms:
        path = urlsplit(form.action).path or page_path
        name = url_name(path)
        if name not in ROW_NAMES:
            continue  # log out, the admin, allauth's own pages
        names = list(dict.fromkeys(f.name for f in form.fields if f.name not in SKIPPED_FIELDS))
        if not first_time((name, form.method, tuple(sorted(names))), name == own_name, seen):
            continue
        found.append(
            Target(
                "post" if form.method == "post" else "get",
                path,
                baseline(form),
                names,
                kinds={f.name: f.kind for f in form.fields},
            )
        )
    for href in parser.links:
        parts = urlsplit(href)
        if not parts.query or (parts.netloc and parts.netloc != "testserver"):
            continue
        path = parts.path or page_path
        name = url_name(path)
        params = parse_qsl(parts.query, keep_blank_values=True)
        if name not in ROW_NAMES or not first_time(
            (name, "link", tuple(sorted(k for k, _ in params))), name == own_name, seen
        ):
            continue
        data = {}
        for k, v in params:
            data.setdefault(k, []).append(v)
        found.append(Target("get", path, data, list(data)))
    return found


def path_targets(path: str) -> list[tuple[str, object]]:
    """Each URL segment taken from a keyword (a campus, an id, a token): a function that puts
    another value in its place."""
    match = resolve(path)
    route = "/" + match.route
    segments = []
    for name in match.kwargs:

        def build(value, name=name):
            def sub(m):
                key = m.group(1)
                raw = value if key == name else str(match.kwargs[key])
                return quote(raw, safe="")

            return re.sub(r"<(?:\w+:)?(\w+)>", sub, route)

        segments.append((name, build))
    return segments


def fingerprint_sql() -> str:
    """One query: per table, the number of rows and a digest of all of them."""
    # The access record grows on reads by design (who read the case notes, who exported).
    skip = {"django_session", "members_accessrecord"}
    parts = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in skip or model._meta.proxy or not model._meta.managed:
            continue
        skip.add(table)
        quoted = connection.ops.quote_name(table)
        if connection.vendor == "postgresql":
            digest = "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
        else:
            columns = " || '|' || ".join(
                f"coalesce(quote({connection.ops.quote_name(f.column)}), '')"
                for f in model._meta.local_concrete_fields
            )
            digest = f"coalesce(group_concat({columns}, ','), '')"
        parts.append(f"(SELECT '{table}:' || count(*) || ':' || {digest} FROM {quoted} t)")
    return "SELECT " + ", ".join(parts)


def fingerprint(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def changed_tables(before: tuple, after: tuple) -> list[str]:
    return [a.split(":", 1)[0] for a, b in zip(after, before, strict=True) if a != b]


class _Undo(Exception):
    """Raised to roll a submission's savepoint back."""


@dataclass
class Walk:
    client: object
    sql: str
    before: tuple
    last_email: int
    failures: list = field(default_factory=list)
    submissions: int = 0

    def send(self, method: str, path: str, data: dict, label: str) -> None:
        cookies = copy.deepcopy(self.client.cookies)
        self.submissions += 1
        try:
            with transaction.atomic():
                self._send(method, path, data, label)
                raise _Undo
        except _Undo:
            pass
        finally:
            self.client.cookies = cookies

    def _send(self, method, path, data, label):
        response = getattr(self.client, method)(path, data)
        where = f"{method.upper()} {path[:120]} {label}"
        if response.status_code >= 500 or response.exc_info:
            error = response.exc_info[1] if response.exc_info else None
            self.failures.append(
                f"{where} → {response.status_code} {type(error).__name__}: {str(error)[:160]}"
            )
            return
        if method == "get" or refused(response):
            after = fingerprint(self.sql)
            if after != self.before:
                self.failures.append(
                    f"{where} → {response.status_code}, yet changed "
                    f"{changed_tables(self.before, after)}"
                )
            return
        for email in OutboundEmail.objects.filter(pk__gt=self.last_email):
            try:
                EmailMessage(email.subject, email.body_text, to=[email.to]).message()
            except Exception as error:
                self.failures.append(
                    f"{where} → {response.status_code}, queued an e-mail that cannot be sent "
                    f"({type(error).__name__}: {str(error)[:100]})"
                )
                return


def refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if 300 <= response.status_code < 400:
        storage = getattr(response.wsgi_request, "_messages", None)
        queued = getattr(storage, "_queued_messages", [])
        return any(m.level >= message_levels.ERROR for m in queued)
    content_type = response.get("Content-Type", "")
    if response.status_code == 200 and content_type.startswith("text/html"):
        html = response.content.decode()
        return any(marker in html for marker in ERROR_MARKERS)
    return False


def label_of(name, value) -> str:
    shown = value if len(value) <= 24 else f"{value[:12]}…({len(value)} chars)"
    return f"{name}={shown!r}"


def distinct_fields(names: list[str]) -> list[str]:
    """One of each kind: `references-1-url` is walked as `references-0-url` was, and one
    person's `presence-<id>` stands for everyone's."""
    kinds = {}
    for name in names:
        kinds.setdefault(re.sub(r"\d+", "#", name), name)
    return list(kinds.values())


def walk_target(walk: Walk, target: Target, foreign_ids: list[int]) -> None:
    walk.send(target.method, target.path, target.data, "(as given)")
    for name in distinct_fields(target.fields):
        for value in corpus(target.kinds.get(name), foreign_ids):
            data = {**target.data, name: [value]}
            if "T" in value and name in target.dates and re.fullmatch(r"[\d-]+T[\d:]+", value):
                day, clock = value.split("T")
                start = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(clock))
                data.update({d: [day] for d in target.dates})
                for i, t in enumerate(target.times):
                    data[t] = [(start + dt.timedelta(minutes=i)).strftime("%H:%M")]
            walk.send(target.method, target.path, data, label_of(name, value))


def walk_path(walk: Walk, method: str, path: str, data: dict, foreign_ids: list[int]) -> None:
    for name, build in path_targets(path):
        for value in corpus(None, foreign_ids):
            walk.send(method, build(value), data, f"<{name}>={value[:24]!r}")


# --- the world the walk runs in --------------------------------------------------------------
@dataclass
class Populated:
    meeting: object
    foreign_ids: list


def populate(world) -> Populated:
    """What makes list pages show their per-item forms, and another campus's objects whose ids
    the walk sends where this campus's are expected."""
    starts_at = timezone.now() + dt.timedelta(days=5)
    meeting = services.schedule_meeting(
        campus=world.campus,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        title="Populated meeting",
        location="Room 2",
        by=world.coordinator,
    )
    ActionItemFactory(meeting=meeting, owner=world.peer)
    DiscussionSuggestionFactory(campus=world.campus)
    topic = TopicFactory()
    TopicReferenceFactory(topic=topic)
    FacilitationOfferFactory(campus=world.campus, user=world.peer, topic=topic)
    InvitationFactory(campus=world.campus)

    other = world.other_campus
    other_meeting = MeetingFactory(campus=other)
    AttendanceFactory(meeting=other_meeting, user=world.other_coordinator)
    AgendaItemFactory(meeting=other_meeting)
    ActionItemFactory(meeting=other_meeting)
    foreign = [other_meeting, DiscussionSuggestionFactory(campus=other), world.other_coordinator]
    return Populated(meeting=meeting, foreign_ids=sorted({obj.pk for obj in foreign}))


def entitled_role(row) -> str:
    if row.expected["anonymous"] == 200:
        return "anonymous"
    for status in (200, 302):
        for role in PREFERENCE:
            if row.expected[role] == status:
                return role
    raise AssertionError(f"{row.name}: nobody is entitled to it")


CASES = [(row, "America/Toronto") for row in TABLE] + [
    (row, EAST) for row in TABLE if row.name in ZONE_ROWS
]


@pytest.mark.parametrize(("row", "zone"), CASES, ids=[f"{row.name}-{zone}" for row, zone in CASES])
def test_bad_input_walk(client, world, caplog, monkeypatch, row, zone):
    # The walk reads status codes and pages, never `response.context`: not copying the context
    # of every template rendered saves a tenth of its time.
    monkeypatch.setattr("django.test.client.store_rendered_templates", lambda *args, **kwargs: None)
    caplog.set_level(logging.CRITICAL, logger="django.request")  # the 404s and 400s are expected
    if world.campus.time_zone != zone:
        world.campus.time_zone = zone
        world.campus.save()
    world.populated = populate(world)
    foreign_ids = world.populated.foreign_ids
    kwargs = row.kwargs(world)
    path = reverse(row.name, kwargs=kwargs)
    role = entitled_role(row)
    user = world.user(role)
    client.raise_request_exception = False

    with time_machine.travel(timezone.now() + CLOCK.get(row.name, dt.timedelta()), tick=True):
        if user is not None:
            client.force_login(user)
        sql = fingerprint_sql()
        targets = []
        if row.method == "get":
            response = client.get(path)
            assert response.status_code in (200, 302), (path, role, response.status_code)
            if response.get("Content-Type", "").startswith("text/html"):
                targets = targets_on_page(response.content.decode(), path)
            declared = DECLARED_PARAMS.get(row.name)
            if declared:
                data = {k: [v] for k, v in declared.items()}
                targets.append(Target("get", path, data, list(data)))
            data = {}
        else:
            data = {k: [str(v)] for k, v in row.data(world).items()}
            data.update(
                {k: [v] for k, v in DECLARED_POST_FIELDS.get(row.name, lambda w: {})(world).items()}
            )
            targets.append(Target("post", path, data, list(data)))
        walk = Walk(
            client=client,
            sql=sql,
            before=fingerprint(sql),
            last_email=OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
            or 0,
        )
        for target in targets:
            overrides = BASELINE_OVERRIDES.get(url_name(target.path), {})
            target.data.update({k: [v] for k, v in overrides.items() if k in target.data})
            walk_target(walk, target, foreign_ids)
        walk_path(walk, row.method, path, data, foreign_ids)

    if walk.failures:
        shown = "\n".join(walk.failures[:40])
        pytest.fail(f"{len(walk.failures)} of {walk.submissions} submissions:\n{shown}", False)
