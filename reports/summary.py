"""The coordinator dashboard's figures, computed once per change rather than on every view.

Its numbers change only when a campus's meetings, attendance, agendas, action items,
suggestions, memberships, members' names or its own settings change, when a topic of the
catalogue changes, or when time moves on (a meeting starts and becomes past, a day turns). So
`dashboard()` keeps the result of `selectors.coordinator_dashboard` in the cache, per campus:

- under the campus's version and the catalogue's version, which every save or delete of those
  inputs replaces (model signals, connected once in `connect()`): at once, so that the request
  that made the change sees it, and again when its transaction commits, so that a view computed
  meanwhile from the data before the commit is never kept under the new version;
- under the campus's local date and the language, and only until the next meeting starts (at
  most an hour): the figures that depend on the time (the next meeting, what is past) are never
  out of date.

The dashboard's body rendered from them is kept the same way (`dashboard_html`): it is the
campus's, the same for each of its coordinators, rendered without the request.

It holds the campus's figures and lists (names, responses, action items), never a person's page
and never case-collaboration notes or minutes; each coordinator's page is rendered for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from meetings.models import ActionItem, AgendaItem, Attendance, DiscussionSuggestion, Meeting
from members import versions
from members.models import Campus, Membership, User
from training.models import FacilitationOffer, Topic, TopicReference

from . import selectors

MAX_AGE = dt.timedelta(hours=1)
# The shape of what is kept: a new one when it changes, so that a process of the new code never
# reads what one of the old kept (during a deployment both run).
FORMAT = 2
CATALOGUE = "all"
NAME = "dashboard"  # of its versions (members/versions.py)


def _key(campus: Campus, now: dt.datetime) -> str:
    """Where the campus's dashboard is kept now: its versions, its local day, the language."""
    campus_version, catalogue_version = versions.current((NAME, campus.pk), (NAME, CATALOGUE))
    day = now.astimezone(campus.tz).date().isoformat()
    language = translation.get_language() or ""
    return f"dashboard:{FORMAT}:{campus.pk}:{campus_version}:{catalogue_version}:{day}:{language}"


def _kept(key: str, now: dt.datetime):
    kept = cache.get(key)
    if kept is not None and kept["computed_at"] <= now < kept["valid_until"]:
        return kept["value"]
    return None


def _keep(key: str, value, *, data: dict, now: dt.datetime) -> None:
    """Keep `value` under `key` until the next meeting starts, an hour at most."""
    valid_until = now + MAX_AGE
    if data["next_meeting"] is not None:
        valid_until = min(valid_until, data["next_meeting"].meeting.starts_at)
    seconds = int((valid_until - now).total_seconds())
    if seconds > 0:
        cache.set(
            key, {"computed_at": now, "valid_until": valid_until, "value": value}, timeout=seconds
        )


def _figures(campus: Campus, now: dt.datetime, key: str) -> dict:
    data = _kept(key, now)
    if data is None:
        data = selectors.coordinator_dashboard(campus=campus, now=now)
        _keep(key, data, data=data, now=now)
    return data


def dashboard(*, campus: Campus, now: dt.datetime | None = None) -> dict:
    """selectors.coordinator_dashboard(campus), from the cache when nothing it reads changed."""
    now = now or timezone.now()
    return _figures(campus, now, _key(campus, now))


def dashboard_html(
    *, campus: Campus, render: Callable[[dict], str], now: dt.datetime | None = None
) -> str:
    """The dashboard's body, `render(figures)`, kept like the figures it is made of (same
    versions, day, language and time limit): the same for every coordinator of the campus, so
    `render` must use nothing of the person (no request, no form token). Seen again, the page
    takes the kept HTML without unpickling the figures or rendering them."""
    now = now or timezone.now()
    key = _key(campus, now)
    html = _kept(f"{key}:html", now)
    if html is None:
        data = _figures(campus, now, key)
        html = render(data)
        _keep(f"{key}:html", html, data=data, now=now)
    return html


# --- invalidation ------------------------------------------------------------------------------
def changed(scope) -> None:
    """The dashboard of campus `scope` (a campus id, or CATALOGUE for every campus) must be
    computed again: now, and once more when the current transaction commits."""
    versions.replace(NAME, scope)


def _meeting_campus(meeting_id) -> int | None:
    return Meeting.objects.filter(pk=meeting_id).values_list("campus_id", flat=True).first()


def _on_campus_row(sender, instance, **kwargs):
    changed(instance.campus_id)


def _on_meeting_row(sender, instance, **kwargs):
    meeting = instance._state.fields_cache.get("meeting")
    campus_id = meeting.campus_id if meeting is not None else _meeting_campus(instance.meeting_id)
    if campus_id is not None:
        changed(campus_id)


def _on_campus(sender, instance, **kwargs):
    changed(instance.pk)


def _on_user(sender, instance, update_fields=None, created=False, **kwargs):
    if created or (update_fields is not None and not {"name", "email"} & set(update_fields)):
        return  # a login (last_login), a preference: nothing the dashboard shows
    for campus_id in Membership.objects.filter(user=instance).values_list("campus_id", flat=True):
        changed(campus_id)


def _on_catalogue(sender, instance, **kwargs):
    changed(CATALOGUE)


def _on_attendance_written(sender, campus_id, **kwargs):
    changed(campus_id)


def connect() -> None:
    """Called once, from ReportsConfig.ready()."""
    from meetings.services import attendance_written

    attendance_written.connect(_on_attendance_written, dispatch_uid="reports.summary.attendance")
    handlers = [
        (Meeting, _on_campus_row),
        (Membership, _on_campus_row),
        (DiscussionSuggestion, _on_campus_row),
        (FacilitationOffer, _on_campus_row),
        (Attendance, _on_meeting_row),
        (AgendaItem, _on_meeting_row),
        (ActionItem, _on_meeting_row),
        (Campus, _on_campus),
        (User, _on_user),
        (Topic, _on_catalogue),
        (TopicReference, _on_catalogue),
    ]
    for model, handler in handlers:
        uid = f"reports.summary.{model._meta.label}"
        post_save.connect(handler, sender=model, dispatch_uid=uid)
        post_delete.connect(handler, sender=model, dispatch_uid=uid)
