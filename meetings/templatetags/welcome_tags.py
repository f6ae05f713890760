"""The campus page's welcome for a new member (the campus page belongs to members, which
cannot import meetings: the template asks for it)."""

from django import template

from ..welcome import welcome

register = template.Library()


@register.simple_tag
def new_member_welcome(*, user, campus, membership):
    """The welcome (next meeting, own response) for a member (not a coordinator) who has not
    been at a meeting yet; None for everyone else."""
    if membership is None or membership.is_coordinator:
        return None
    return welcome(user=user, campus=campus)
