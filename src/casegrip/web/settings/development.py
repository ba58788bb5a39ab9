"""Development on a laptop: debug pages on, a fixed key that production refuses."""

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "casegrip-development-only-not-secret"
