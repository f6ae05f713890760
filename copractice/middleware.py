from django.utils import timezone


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
