"""The Django project: settings, URLs and the apps users work in."""

import os

SETTINGS_MODULES = {
    "production": "casegrip.web.settings.production",
    "demo": "casegrip.web.settings.demo",
    "development": "casegrip.web.settings.development",
    "test": "casegrip.web.settings.test",
}


def setup(settings: str | None = None) -> None:
    """Configure Django for code that runs outside a request (the CLI, scripts)."""
    import django

    if settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULES.get(settings, settings)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULES["production"])
    django.setup()
