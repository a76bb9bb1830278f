"""The test suite: real PostgreSQL, fast hashing, no network."""

from ifex.database import database_config

from .base import *  # noqa: F403

DATABASES = {"default": database_config()}

DEBUG = False
SECRET_KEY = "test-only-not-secret-test-only-not-secret-test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The suite's own process only, emptied with it: a file cache would outlive a run and hand the
# next one another database's cached site paths. The servers the tests start use production's.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process, which knows each change it makes at once: the content versions are read from the
# database on its first request only (query counts do not depend on the clock). The tests of
# another server's change set it.
PAGE_CACHE_VERSION_CHECK_SECONDS = 24 * 3600

# Background tasks run at once in the tests that do not ask for the queue (test_renditions does).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
MAIL_RATE_PER_MINUTE = 0  # the tests that keep a rate set it
