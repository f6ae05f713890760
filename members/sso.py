"""Campus single sign-on through OpenID Connect: the providers site admins configure, and the
rules every sign-in through them must pass before anyone is logged in.

- Only a **verified** e-mail claim counts, and only at a domain the provider vouches for.
- An account with that address is signed in (and linked to the provider for next time).
- Nobody signs up: someone without an account gets one only through an open invitation to the
  same address (members.services.join_through_provider).
Every refusal shows why and changes nothing."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services
from .models import IdentityProvider

OIDC = "openid_connect"


def social_app_for(provider: IdentityProvider):
    """allauth's view of a provider: an unsaved SocialApp, as for providers from settings."""
    from allauth.socialaccount.models import SocialApp

    return SocialApp(
        provider=OIDC,
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.client_id,
        secret=provider.client_secret,
        settings={
            "server_url": provider.server_url,
            "oauth_pkce_enabled": True,
            # The claims come from the ID token, whose issuer and audience allauth checks.
            "fetch_userinfo": False,
        },
    )


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or data.get("userinfo") or data


def _true(value) -> bool:
    return value is True or str(value).strip().lower() == "true"


def _is_verified(claims: dict) -> bool:
    """The provider says it checked the address: `email_verified` (the standard claim), or
    Entra ID's `xms_edov` (the address's domain is verified by the tenant that issued it)."""
    return _true(claims.get("email_verified")) or _true(claims.get("xms_edov"))


def refuse(request, provider, reason: str):
    response = render(
        request,
        "socialaccount/refused.html",
        {"provider": provider, "reason": reason},
        status=403,
    )
    raise ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        providers = IdentityProvider.objects.filter(is_active=True)
        if provider and provider != OIDC:
            providers = providers.filter(slug=provider)
        if client_id:
            providers = providers.filter(client_id=client_id)
        return [social_app_for(p) for p in providers]

    def is_open_for_signup(self, request, sociallogin):
        # Newcomers join through pre_social_login (an invitation) or not at all.
        return False

    def pre_social_login(self, request, sociallogin):
        provider = IdentityProvider.objects.filter(
            slug=sociallogin.account.provider, is_active=True
        ).first()
        if provider is None:
            refuse(request, None, _("This sign-in service is not in use here."))
        claims = _claims(sociallogin)
        email = str(claims.get("email") or "").strip().lower()
        if not email or not _is_verified(claims):
            refuse(
                request,
                provider,
                _(
                    "%(provider)s did not confirm that the e-mail address is yours, so it "
                    "cannot sign you in here. Log in with your password, or ask your campus IT."
                )
                % {"provider": provider.name},
            )
        if not provider.vouches_for(email):
            refuse(
                request,
                provider,
                _(
                    "%(provider)s signs in people at %(domains)s only; your address "
                    "%(email)s is not one of them."
                )
                % {
                    "provider": provider.name,
                    "domains": ", ".join(provider.domain_list),
                    "email": email,
                },
            )
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Linking the provider to the account one is logged in to: same address only.
            if not request.user.is_authenticated or request.user.email.lower() != email:
                refuse(
                    request,
                    provider,
                    _("Your %(provider)s address is %(email)s, not the one you log in with here.")
                    % {"provider": provider.name, "email": email},
                )
            return
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if sociallogin.is_existing:
            if sociallogin.user.email.lower() != email:
                refuse(
                    request,
                    provider,
                    _("This %(provider)s account is linked to another address here.")
                    % {"provider": provider.name},
                )
            return
        if user is None:
            user = services.join_through_provider(
                email=email,
                name=claims.get("name", ""),
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
            if user is None:
                refuse(
                    request,
                    provider,
                    _(
                        "There is no account for %(email)s and no invitation to it. People "
                        "join a campus by invitation: ask your coordinator to invite you."
                    )
                    % {"email": email},
                )
        # A verified address at a vouched-for domain: this provider may sign its owner in.
        sociallogin.connect(request, user)
