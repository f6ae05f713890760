"""The people that pickers offer on a campus (an action item's owner, an agenda item's
facilitator): `selectors.active_people` as (id, name or e-mail address) pairs, with each
`<option>` drawn, kept in the cache.

They change only when one of the campus's memberships or one of its members' names or e-mail
addresses changes, so they are kept under the campus's version of its people
(members/versions.py), which every save or delete of those replaces (receivers in
meetings/signals.py), and for an hour at most. Names and addresses only: what every member of
the campus sees on its pages.
"""

from dataclasses import dataclass
from html import escape

from django.core.cache import cache

from members import versions
from members.models import Campus

from . import selectors

NAME = "people"  # of their versions
MAX_AGE = 60 * 60  # seconds
# The shape of what is kept: a new one when it changes (during a deployment both codes run).
FORMAT = 1


def option_html(value: str, label: str, *, selected: bool = False) -> str:
    """One `<option>` as Django's Select draws it (`value` already a string)."""
    chosen = " selected" if selected else ""
    return f'\n  <option value="{escape(value)}"{chosen}>{escape(label)}</option>'


@dataclass(frozen=True, slots=True)
class People:
    """The campus's active people by name: `choices` (id, name or e-mail address), and
    `options`, each one's `<option>` (none selected)."""

    choices: list[tuple[int, str]]
    options: list[str]


def campus_people(*, campus: Campus) -> People:
    """The campus's active people, from the cache while none of them changed."""
    (version,) = versions.current((NAME, campus.pk))
    key = f"people:{FORMAT}:{campus.pk}:{version}"
    people = cache.get(key)
    if people is None:
        rows = selectors.active_people(campus=campus).values_list("pk", "name", "email")
        choices = [(pk, name or email) for pk, name, email in rows]
        people = People(choices, [option_html(str(pk), label) for pk, label in choices])
        cache.set(key, people, timeout=MAX_AGE)
    return people


def changed(campus_id: int) -> None:
    """The campus's people must be read again."""
    versions.replace(NAME, campus_id)
