"""Who must use a second factor, and whether this session may go past the enrolment pages.

The decision is taken when a person logs in, whatever the way in (the login form, a campus
provider, a password reset, a test client's login), and kept in the session: pages then cost
no query for it. Every login goes through Django's `user_logged_in` signal, and every login
form goes through allauth, whose login stages ask for the code of anyone who has a second
factor (the admin's own login page sends people there, see copractice/urls.py)."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings

from .models import Membership

# In the session: "enrol" while the person must still set up a second factor; "none" when they
# logged in without one and did not need one.
SESSION_KEY = "second_factor"
MUST_ENROL = "enrol"
NO_FACTOR = "none"

COORDINATOR = "coordinator"
SITE_ADMIN = "site_admin"
# Authenticators that are a second factor (recovery codes only back one up).
FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def required_for(user) -> bool:
    """Whether this person's roles oblige them to use a second factor (MFA_REQUIRED_ROLES)."""
    roles = settings.MFA_REQUIRED_ROLES
    if SITE_ADMIN in roles and user.is_superuser:
        return True
    return COORDINATOR in roles and (
        Membership.objects.filter(
            user=user, role=Membership.Role.COORDINATOR, status=Membership.Status.ACTIVE
        ).exists()
    )


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=FACTOR_TYPES).exists()


def provider_counts_as_mfa(request, user) -> bool:
    """Signed in just now through a campus provider that enforces its own second factor."""
    from .models import IdentityProvider

    slugs = [
        record.get("provider")
        for record in get_authentication_records(request, user)
        if record.get("method") == "socialaccount"
    ]
    return (
        bool(slugs)
        and IdentityProvider.objects.filter(
            slug__in=slugs, counts_as_mfa=True, is_active=True
        ).exists()
    )


def decide_at_login(request, user) -> None:
    if has_second_factor(user) or provider_counts_as_mfa(request, user):
        request.session.pop(SESSION_KEY, None)
    elif required_for(user):
        request.session[SESSION_KEY] = MUST_ENROL
    else:
        # Not required now; a role given during this session may require it (gained_role).
        request.session[SESSION_KEY] = NO_FACTOR


def gained_role(request, user) -> bool:
    """Someone who logged in without a second factor and without needing one, who has since
    become a coordinator or site admin (the callers know which without a query): from now on
    they must set one up first. True when they must."""
    if request.session.get(SESSION_KEY) != NO_FACTOR:
        return False
    if has_second_factor(user):
        request.session.pop(SESSION_KEY, None)
        return False
    request.session[SESSION_KEY] = MUST_ENROL
    return True


def must_enrol(request) -> bool:
    return request.session.get(SESSION_KEY) == MUST_ENROL


def on_user_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        decide_at_login(request, user)


def on_authenticator_added(sender, request, user, **kwargs):
    if request is not None and has_second_factor(user):
        request.session.pop(SESSION_KEY, None)


def on_authenticator_removed(sender, request, user, **kwargs):
    if request is not None and required_for(user) and not has_second_factor(user):
        request.session[SESSION_KEY] = MUST_ENROL
