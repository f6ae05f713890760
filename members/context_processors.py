from django.utils.functional import SimpleLazyObject

from .access import CURRENT_CAMPUS_SESSION_KEY, request_memberships
from .selectors import navigation_campus, navigation_campuses


def campuses(request):
    """The campuses a person can switch between, and the one the navigation shows on pages that
    belong to no campus (catalogue, profile, calendar feed): lazily, from the memberships the
    campus check read (one query on a page that belongs to no campus)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = SimpleLazyObject(lambda: navigation_campuses(user, request_memberships(request)))
    current = request.session.get(CURRENT_CAMPUS_SESSION_KEY)
    return {
        "nav_campuses": nav,
        "nav_last_campus": SimpleLazyObject(
            lambda: navigation_campus(user, nav, current_slug=current)
        ),
    }
