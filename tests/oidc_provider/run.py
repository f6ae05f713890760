"""Prepare and serve the test identity provider:
`python -m tests.oidc_provider.run <port> <redirect-uri> ...` with OIDC_PROVIDER_DIR holding
people.json ({username: {email, email_verified, name}}) and key.pem (an RSA key)."""

import json
import os
import sys

import django


def main():
    port, redirect_uris = sys.argv[1], sys.argv[2:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on 127.0.0.1 only
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from .validator import WRONG_ISSUER_CLIENT

    call_command("migrate", verbosity=0)
    with open(os.path.join(os.environ["OIDC_PROVIDER_DIR"], "people.json")) as f:
        people = json.load(f)
    for username, person in people.items():
        User.objects.create_user(username, person["email"], person["password"])
    for client_id in ("copractice", WRONG_ISSUER_CLIENT):
        Application.objects.create(
            name=client_id,
            client_id=client_id,
            client_secret=f"{client_id}-secret",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)


if __name__ == "__main__":
    main()
