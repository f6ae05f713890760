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
