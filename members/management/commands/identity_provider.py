import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members.services import save_identity_provider

SECRET_VARIABLE = "OIDC_CLIENT_SECRET"


class Command(BaseCommand):
    help = (
        "Add or change a campus identity provider (OpenID Connect), as site admins do under "
        f"Site admin → Identity providers. The client secret is read from ${SECRET_VARIABLE}, "
        "never from the command line. Running it again with the same values changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="part of the redirect URI: /accounts/oidc/<slug>/…")
        parser.add_argument("--name", required=True, help="shown as “Sign in with <name>”")
        parser.add_argument("--issuer", required=True, help="the issuer URL (https://…)")
        parser.add_argument("--client-id", required=True)
        parser.add_argument(
            "--domains", required=True, help="the e-mail domains it vouches for, space-separated"
        )
        parser.add_argument(
            "--counts-as-mfa",
            action="store_true",
            help="the provider always asks for a second factor itself",
        )
        parser.add_argument("--inactive", action="store_true", help="keep it off the login page")

    def handle(self, *args, slug, **options):
        secret = os.environ.get(SECRET_VARIABLE, "")
        if not secret:
            raise CommandError(
                _("Set %(variable)s to the client secret from the provider.")
                % {"variable": SECRET_VARIABLE}
            )
        try:
            provider = save_identity_provider(
                slug=slug,
                name=options["name"],
                server_url=options["issuer"],
                client_id=options["client_id"],
                client_secret=secret,
                domains=options["domains"],
                counts_as_mfa=options["counts_as_mfa"],
                is_active=not options["inactive"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            _("%(name)s: redirect URI %(uri)s, e-mail domains %(domains)s.")
            % {
                "name": provider.name,
                "uri": f"<SITE_URL>/accounts/oidc/{provider.slug}/login/callback/",
                "domains": ", ".join(provider.domain_list),
            }
        )
