"""The test suite: fast hashing, a fixed key, a throwaway data directory."""

import os
import tempfile

# Before base reads it: tests never touch the developer's ./var.
os.environ.setdefault("CASEGRIP_HOME", tempfile.mkdtemp(prefix="casegrip-test-"))

from .base import *  # noqa: F403

SECRET_KEY = "casegrip-test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
