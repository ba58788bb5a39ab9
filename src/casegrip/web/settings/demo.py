"""The local demo: production code paths on http://127.0.0.1, with a key made for this data dir.

Not for real users: cookies are not marked secure because the demo is served over plain HTTP on
the loopback address.
"""

import secrets

from casegrip.home import ensure_data_dir

from .base import *  # noqa: F403

_key_file = ensure_data_dir() / "demo-secret-key"
if not _key_file.exists():
    _key_file.write_text(secrets.token_urlsafe(50))
    _key_file.chmod(0o600)
SECRET_KEY = _key_file.read_text().strip()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Serve built assets straight from the source tree: the demo never runs collectstatic.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
