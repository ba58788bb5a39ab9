"""Login throttling: too many failed sign-ins for one username, or from one address, lock it out.

Failures are kept in the database, not a per-process cache, so every server process sees them.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def _window_start():
    return timezone.now() - timedelta(minutes=settings.CASEGRIP_LOGIN_WINDOW_MINUTES)


def normalise(username: str) -> str:
    return username.strip().lower()[:150]


def is_locked(username: str, address: str | None) -> bool:
    """True when this username or address has failed too often within the window."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(username=normalise(username)).count() >= (
        settings.CASEGRIP_LOGIN_FAILURES_PER_USERNAME
    ):
        return True
    return bool(address) and recent.filter(address=address).count() >= (
        settings.CASEGRIP_LOGIN_FAILURES_PER_ADDRESS
    )


def record_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=normalise(username), address=address or None)


def clear_failures(username: str) -> None:
    """A successful sign-in forgives earlier mistakes for that username."""
    LoginFailure.objects.filter(username=normalise(username)).delete()
