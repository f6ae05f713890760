from django.conf import settings


def absolute_url(path: str) -> str:
    """A link for an e-mail: SITE_URL plus the path."""
    return f"{settings.SITE_URL}{path}"
