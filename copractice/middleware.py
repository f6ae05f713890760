from django.utils import timezone
from django.utils.cache import patch_cache_control

from .logs import is_secret_link


class ResetTimezoneMiddleware:
    """Campus pages show times on the campus's clock (members.access.CampusMixin activates its
    time zone). Put the default back after every response, rendering included, so that it never
    leaks into the next request served by the same thread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PrivatePagesMiddleware:
    """Every page shown to a signed-in person holds personal data (names, attendance, minutes,
    their own record), and so does every secret-link page (a calendar feed, an invitation, a
    one-click answer): neither a shared proxy nor the browser's disk may keep a copy. Responses
    to them get `Cache-Control: private, no-store` unless the view chose its own Cache-Control.
    Static files never reach this (whitenoise answers them first) and keep their long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and (
            is_secret_link(request.path)
            or (hasattr(request, "user") and request.user.is_authenticated)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
