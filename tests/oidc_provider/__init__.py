"""A throwaway OpenID Connect identity provider for the sign-in tests: a small Django project on
django-oauth-toolkit, started in its own process on 127.0.0.1 by tests/browser/test_sign_in.py
(`python -m tests.oidc_provider.run`), with its own SQLite file in a temporary folder."""
