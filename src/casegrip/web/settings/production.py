"""Production: refuses to start unless it is safe to serve real users."""

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY, env_flag
from .safety import check_production

check_production(DEBUG, SECRET_KEY)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_flag("CASEGRIP_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
