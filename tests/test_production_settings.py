"""Production settings refuse to start unsafely, and are strict when they do start."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

GOOD_KEY = "k3Jx9-vQ2mZr8LpT4sWn7YbHc1FdGe6UaKi0Oj5RtPlMq_wXyVz"


def start_production(**env: str) -> subprocess.CompletedProcess:
    """Load the production settings in a fresh interpreter, as a server would."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEGRIP_")}
    clean.update(DJANGO_SETTINGS_MODULE="casegrip.web.settings.production", **env)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.DEBUG)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )


def test_refuses_to_start_with_debug_on():
    result = start_production(CASEGRIP_SECRET_KEY=GOOD_KEY, CASEGRIP_DEBUG="1")
    assert result.returncode != 0
    assert "CASEGRIP_DEBUG is on" in result.stderr


@pytest.mark.parametrize("key", ["", "django-insecure-abc", "casegrip-development-only-not-secret"])
def test_refuses_to_start_with_a_default_secret_key(key):
    result = start_production(CASEGRIP_SECRET_KEY=key)
    assert result.returncode != 0
    assert "CASEGRIP_SECRET_KEY" in result.stderr


def test_starts_with_a_real_key_and_secure_cookies_and_hsts():
    result = start_production(CASEGRIP_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", str(365 * 24 * 60 * 60), "False"]


@pytest.mark.parametrize("key", ["short", "a" * 60])
def test_short_or_simple_keys_are_refused(key):
    from casegrip.web.settings.safety import check_production

    with pytest.raises(ImproperlyConfigured, match="too short or too simple"):
        check_production(False, key)


def test_csp_header_is_sent(client, db):
    response = client.get("/sign-in/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
