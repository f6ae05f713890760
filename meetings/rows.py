"""What the template tags that print a list's rows in one pass share (meetings/templatetags):
the form token as `{% csrf_token %}` prints it, and each row's address reversed once per list."""

from html import escape

from django.urls import reverse


def csrf_input(context) -> str:
    """What `{% csrf_token %}` prints."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


# Numbers that stand for a row's own in an address reversed once per list.
_STAND_INS = ("2147483001", "2147483002")


def addresses(name, campus, *parts):
    """The address `name` of each row, reversed once per list and escaped: a function of the
    row's numbers, given for the address's `parts` (e.g. "pk", "item") in that order. `campus`:
    the campus the address names, or None for an address that names none."""
    stand_ins = dict(zip(parts, _STAND_INS, strict=False))
    kwargs = stand_ins if campus is None else {"campus": campus.slug, **stand_ins}
    segments = escape(reverse(name, kwargs=kwargs)).split("/")
    # The last segment that is the stand-in (a campus's slug, before them, might be a number).
    places = [len(segments) - 1 - segments[::-1].index(s) for s in stand_ins.values()]

    def address(*numbers):
        shown = segments.copy()
        for place, number in zip(places, numbers, strict=True):
            shown[place] = str(int(number))
        return "/".join(shown)

    return address
