from django.apps import AppConfig
from django.urls import register_converter


class MembersConfig(AppConfig):
    name = "members"

    def ready(self):
        from .validators import TokenConverter

        # `<token:...>` in any app's URLs: secret tokens in addresses; anything outside their
        # alphabet is a 404 before any query.
        register_converter(TokenConverter, "token")
