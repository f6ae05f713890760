from html import escape

from django import template
from django.utils.formats import time_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from meetings.checkin import window_for
from meetings.models import Attendance

register = template.Library()


@register.simple_tag
def check_in_window(meeting, campus):
    """When members may check in to the meeting (opens_at, closes_at, is_open, ...)."""
    return window_for(meeting, campus=campus)


@register.simple_tag
def self_check_ins(rows):
    """The roster's people (`meetings.selectors.roster`) who checked in themselves, even if a
    coordinator changed their presence since: an `<li>` each, how and when, or "" for nobody.
    Everyone may check in themselves, hence in Python with the sentences translated once."""
    says = {
        Attendance.Source.SELF_LINK: gettext(
            "%(name)s checked in themselves at %(time)s with the online link: %(presence)s"
        ),
        Attendance.Source.SELF_CODE: gettext(
            "%(name)s checked in themselves at %(time)s with the code: %(presence)s"
        ),
    }
    changed = gettext(
        "%(name)s checked in themselves at %(time)s; changed by a coordinator to %(presence)s"
    )
    presences = {value: escape(str(label).lower()) for value, label in Attendance.Presence.choices}
    items = []
    for row in rows:
        if row["checked_in_at"] is None:
            continue
        text = says.get(row["presence_source"], changed) % {
            "name": escape(row["name"] or row["email"]),
            "time": escape(time_format(localtime(row["checked_in_at"]), "TIME_FORMAT")),
            "presence": presences[row["presence"]],
        }
        items.append(f'<li class="check-in-roster-person">{text}</li>')
    # Every value is escaped above; the sentences are the translators'.
    return mark_safe("\n".join(items))
