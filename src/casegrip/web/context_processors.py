from django.http import HttpRequest

from .navigation import nav_items


def layout(request: HttpRequest) -> dict:
    """What the base layout needs on every page."""
    return {
        "nav_items": nav_items(request),
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
