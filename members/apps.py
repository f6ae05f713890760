from django.apps import AppConfig
from django.urls import register_converter


class MembersConfig(AppConfig):
    name = "members"

    def ready(self):
        from .validators import TokenConverter

        # `<token:...>` in any app's URLs: secret tokens in addresses; anything outside their
        # alphabet is a 404 before any query.
        register_converter(TokenConverter, "token")

        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in

        from . import second_factor

        # Who must still set up a second factor is decided at every login, whatever its way.
        user_logged_in.connect(second_factor.on_user_logged_in, dispatch_uid="second_factor")
        mfa_signals.authenticator_added.connect(
            second_factor.on_authenticator_added, dispatch_uid="second_factor_added"
        )
        mfa_signals.authenticator_removed.connect(
            second_factor.on_authenticator_removed, dispatch_uid="second_factor_removed"
        )

        from allauth.socialaccount import signals as sso_signals
        from allauth.socialaccount.models import SocialAccount
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import post_save

        from . import record_signals

        # The access record: sign-ins, failed sign-ins, second factors, single sign-on links.
        user_logged_in.connect(record_signals.on_user_logged_in, dispatch_uid="record_sign_in")
        user_login_failed.connect(
            record_signals.on_user_login_failed, dispatch_uid="record_sign_in_failed"
        )
        for name in ("added", "removed", "reset"):
            getattr(mfa_signals, f"authenticator_{name}").connect(
                getattr(record_signals, f"on_authenticator_{name}"),
                dispatch_uid=f"record_authenticator_{name}",
            )
        post_save.connect(
            record_signals.on_social_account_saved,
            sender=SocialAccount,
            dispatch_uid="record_sso_link",
        )
        sso_signals.social_account_removed.connect(
            record_signals.on_social_account_removed, dispatch_uid="record_sso_unlink"
        )
