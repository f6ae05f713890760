from django import template

from meetings.checkin import window_for

register = template.Library()


@register.simple_tag
def check_in_window(meeting, campus):
    """When members may check in to the meeting (opens_at, closes_at, is_open, ...)."""
    return window_for(meeting, campus=campus)


@register.filter
def checked_in_at_some_point(rows):
    """The roster's rows of people who checked in themselves (even if a coordinator changed
    their presence since)."""
    return [row for row in rows if row.checked_in_at is not None]
