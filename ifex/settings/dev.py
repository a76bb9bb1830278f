"""Local development: `make dev` (runserver, DEBUG on)."""

from ifex.database import database_config

from .base import *  # noqa: F403
from .env import env_bool, env_str

DATABASES = {"default": database_config()}

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or "dev-only-not-secret-dev-only-not-secret-dev-only-not-secret"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
if not (env_str("EMAIL_URL") or env_str("EMAIL_HOST")):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
