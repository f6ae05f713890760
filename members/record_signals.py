"""The access record's entries that come from allauth and Django: sign-ins, failed sign-ins,
second factors and single sign-on links. A failed sign-in keeps no address and no password."""

from .models import AccessKind
from .records import record


def on_user_logged_in(sender, request, user, **kwargs):
    record(kind=AccessKind.SIGN_IN, user=user)


def on_user_login_failed(sender, credentials=None, request=None, **kwargs):
    # Nothing about who was tried: an unknown address is not personal data to keep.
    record(kind=AccessKind.SIGN_IN_FAILED, user=None)


def _authenticator_change(what):
    def receiver(sender, request=None, user=None, authenticator=None, **kwargs):
        kind = getattr(authenticator, "type", "") or ""
        record(kind=AccessKind.MFA_CHANGE, user=user, detail=f"{what} {kind}".strip())

    return receiver


on_authenticator_added = _authenticator_change("added")
on_authenticator_removed = _authenticator_change("removed")
on_authenticator_reset = _authenticator_change("reset")


def on_social_account_saved(sender, instance, created, **kwargs):
    if created:
        record(kind=AccessKind.SSO_LINK, user=instance.user, detail=f"linked {instance.provider}")


def on_social_account_removed(sender, request=None, socialaccount=None, **kwargs):
    if socialaccount is not None:
        record(
            kind=AccessKind.SSO_LINK,
            user=socialaccount.user,
            detail=f"unlinked {socialaccount.provider}",
        )
