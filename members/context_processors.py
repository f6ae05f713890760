from django.utils.functional import SimpleLazyObject

from .selectors import campuses_for


def campuses(request):
    """The campuses a person can switch between, for the navigation bar (one query, lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_campuses": SimpleLazyObject(lambda: list(campuses_for(user)))}
