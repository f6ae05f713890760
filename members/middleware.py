from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .language import language_of
from .second_factor import SESSION_KEY, SITE_ADMIN, gained_role, has_second_factor, must_enrol

# What a person who must still set up a second factor can reach: the enrolment pages, logging
# out (and re-entering their password, which enrolment may ask for), static files, health.
ENROLMENT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/")
ALWAYS_OPEN_PREFIXES = ("/static/", "/health/")


def enrolment_redirect(request):
    messages.warning(
        request,
        _(
            "Your role gives you access to confidential notes: set up a second factor "
            "(an authenticator app) before you continue."
        ),
    )
    return redirect(reverse("mfa_activate_totp"))


class SecondFactorRequiredMiddleware:
    """Coordinators and site admins (MFA_REQUIRED_ROLES) who logged in without a second factor
    can only set one up; every other page sends them to the enrolment page. (Someone made a
    coordinator during their session is held back by members.access.CampusMixin.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not hasattr(request, "session") or path.startswith(
            ENROLMENT_PREFIXES + ALWAYS_OPEN_PREFIXES
        ):
            return self.get_response(request)
        if (
            SITE_ADMIN in settings.MFA_REQUIRED_ROLES
            and request.user.is_authenticated
            and request.user.is_superuser
        ):
            gained_role(request, request.user)  # made a site admin since logging in
        if must_enrol(request):
            if request.user.is_authenticated and has_second_factor(request.user):
                # Set up since (only people still held here pay for this query).
                request.session.pop(SESSION_KEY, None)
                return self.get_response(request)
            return enrolment_redirect(request)
        return self.get_response(request)


class ProviderFormActionMiddleware:
    """The login page's "Sign in with …" buttons post here, and the answer sends the browser on
    to the campus's identity provider: the page's Content-Security-Policy must let a form lead
    there (form-action), for the active providers' origins only."""

    PAGES = ("/accounts/login/", "/accounts/oidc/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.PAGES) and "text/html" in response.get(
            "Content-Type", ""
        ):
            from .selectors import identity_provider_origins

            origins = identity_provider_origins()
            if origins:
                response._csp_update = {"form-action": origins}
        return response


class UserLanguageMiddleware:
    """A signed-in person reads in their own language, whatever the browser asks for. (Placed
    after AuthenticationMiddleware; LocaleMiddleware has chosen for everyone else.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_of(user)
            if language != request.LANGUAGE_CODE:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
