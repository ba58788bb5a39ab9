"""The checks production settings run before casegrip will serve real users."""

from django.core.exceptions import ImproperlyConfigured

# Keys that ship with casegrip or Django's templates, and so are known to everyone.
KNOWN_KEYS = {"", "change-me", "casegrip-development-only-not-secret"}


def check_production(debug: bool, secret_key: str) -> None:
    """Raise ImproperlyConfigured when the settings are unsafe for real users."""
    if debug:
        raise ImproperlyConfigured(
            "CASEGRIP_DEBUG is on. Production settings refuse to start with debug pages, "
            "which would show code and data to anyone who triggers an error."
        )
    if secret_key in KNOWN_KEYS or secret_key.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "CASEGRIP_SECRET_KEY is missing or is a known default. Set it to a long random "
            'value, e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    if len(secret_key) < 40 or len(set(secret_key)) < 8:
        raise ImproperlyConfigured(
            "CASEGRIP_SECRET_KEY is too short or too simple: use at least 40 random characters."
        )
