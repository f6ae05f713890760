import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator

# A client that gets ID tokens from another issuer than the discovery document names.
WRONG_ISSUER_CLIENT = "wrong-issuer"


class Validator(OAuth2Validator):
    """Claims chosen per person by the test (people.json), `email_verified` included."""

    def get_additional_claims(self, request):
        with open(os.path.join(os.environ["OIDC_PROVIDER_DIR"], "people.json")) as f:
            person = json.load(f)[request.user.username]
        return {
            "email": person["email"],
            "email_verified": person["email_verified"],
            "name": person["name"],
        }

    def get_oidc_issuer_endpoint(self, request):
        if request.client and request.client.client_id == WRONG_ISSUER_CLIENT:
            return "http://issuer.invalid/o"
        return super().get_oidc_issuer_endpoint(request)
