"""What the template tags that print a list's rows in one pass share (meetings/templatetags):
the form token as `{% csrf_token %}` prints it, and each row's address reversed once per process."""

from functools import lru_cache
from html import escape

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def csrf_input(context) -> str:
    """What `{% csrf_token %}` prints."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


# Numbers that stand for a row's own in an address reversed once per list.
_STAND_INS = ("2147483001", "2147483002")


def addresses(name, campus, *parts):
    """The address `name` of each row, reversed once per process (for each campus, address
    prefix and URLconf) and escaped: a function of the row's numbers, given for the address's
    `parts` (e.g. "pk", "item") in that order. `campus`: the campus the address names, or None
    for an address that names none."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    segments, places = _reversed(
        name, None if campus is None else campus.slug, parts, get_script_prefix(), urlconf
    )

    def address(*numbers):
        shown = list(segments)
        for place, number in zip(places, numbers, strict=True):
            shown[place] = str(int(number))
        return "/".join(shown)

    return address


@lru_cache(maxsize=1024)
def _reversed(name, slug, parts, prefix, urlconf) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The address's segments, the row's numbers as stand-ins, and where those stand."""
    stand_ins = dict(zip(parts, _STAND_INS, strict=False))
    kwargs = stand_ins if slug is None else {"campus": slug, **stand_ins}
    segments = escape(reverse(name, kwargs=kwargs, urlconf=urlconf)).split("/")
    # The last segment that is the stand-in (a campus's slug, before them, might be a number).
    places = [len(segments) - 1 - segments[::-1].index(s) for s in stand_ins.values()]
    return tuple(segments), tuple(places)
