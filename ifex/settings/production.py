"""Production: DEBUG off, HTTPS, secrets and the database only from the environment.

SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL have no default here: the process stops with one line
saying which is missing (no embedded PostgreSQL starts in production; `make run` starts one and
passes its DATABASE_URL). HTTPS_ONLY=false turns off the HTTPS redirect, HSTS and secure cookies
for a local, plain-HTTP run (`make run`); never set it on a public server.
"""

import sys

from ifex.database import database_config

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

DEBUG = False

SECRET_KEY = env_str("SECRET_KEY")
# Rotating the key: the old one here for a while, so sessions and reset links stay valid.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
_missing = [
    name
    for name, value in (
        ("SECRET_KEY", SECRET_KEY),
        ("ALLOWED_HOSTS", ALLOWED_HOSTS),
        ("DATABASE_URL", env_str("DATABASE_URL")),
    )
    if not value
]
if _missing:
    names = ", ".join(_missing[:-1]) + " and " + _missing[-1] if len(_missing) > 1 else _missing[0]
    sys.exit(
        f"ifex: production settings need {names} in the environment "
        "(see .env.example); refusing to start."
    )
DATABASES = {"default": database_config()}

HTTPS_ONLY = env_bool("HTTPS_ONLY", True)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS_ONLY else 0
# Opt-in: both commit every subdomain of the site's domain to HTTPS, preload for years.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    check
    for check, opted_in in (
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    )
    if not opted_in
]
if env_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
