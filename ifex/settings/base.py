"""Settings shared by every environment; each override comes from the environment (.env.example)."""

import zoneinfo
from pathlib import Path

from .env import (
    bucket_origins,
    default_storage_settings,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ifex.core",
    "articles",
    "campaigns",
    "cases",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wagtailautocomplete",
    "wagtail_localize",
    "wagtail_localize.locales",  # Wagtail's locales admin, kept in step with translations
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "ifex.core.health.HealthCheckMiddleware",  # first: no host check, no HTTPS redirect
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and users: a cached page costs none of them (ifex/core/page_cache.py).
    "ifex.core.page_cache.PageCacheMiddleware",
    # What pages share is then served from each worker's memory (ifex/core/shared_parts.py).
    "ifex.core.shared_parts.VersionCheckedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ifex.core.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ifex.core.middleware.FrameablePreviewMiddleware",
    "ifex.core.middleware.AdminContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "ifex.urls"
WSGI_APPLICATION = "ifex.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# DATABASES: in dev and test (embedded PostgreSQL allowed) and production (DATABASE_URL only).
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's languages, each named in its own: the switcher shows these names. English is the
# source every translation is made from, and keeps the addresses it had before (no prefix).
LANGUAGE_CODE = "en"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
]
# Staff choose the admin's language in their account among the site's own (Arabic right to
# left): Wagtail would offer every language it has a catalogue for.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
# The languages `seed_demo` translates the demo into (about 5 s each): none for an English-only
# demo that starts faster.
DEMO_LANGUAGES = env_list("DEMO_LANGUAGES", "fr,es,ar")
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Behind nginx: the internal location that serves MEDIA_ROOT once Django has allowed a file
# (ifex/core/media.py); unset, Django sends the file itself.
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT")

STORAGES = {
    "default": default_storage_settings(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# The public site allows nothing inline; Wagtail's admin brings its own scripts and is left out.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *bucket_origins(STORAGES["default"])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Browser features the site never uses, turned off for every page and any frame in it.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# How long a CDN may hold a public page (s-maxage); publishing purges it sooner when
# WAGTAILFRONTENDCACHE is configured (below).
CACHE_CONTROL_MAX_AGE = env_int("CACHE_CONTROL_MAX_AGE", 60)
# The page cache (ifex/core/page_cache.py): entries are replaced on every publish; these bound
# how long one lives otherwise. Search results are kept for one exact query, briefly.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
PAGE_CACHE_SEARCH_SECONDS = env_int("PAGE_CACHE_SEARCH_SECONDS", 60)
# What many pages share (the site record, the menu, filter choices, a listing's years and
# counts) is kept on its own, under the same versions: a page rendered for the first time
# since a publish computes it once for all the others.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 3600)
# How often each worker reads the content versions from the database, the truth every server
# shares: a change made on another server, when the cache could not tell, is served no longer
# than this after it commits.
PAGE_CACHE_VERSION_CHECK_SECONDS = env_int("PAGE_CACHE_VERSION_CHECK_SECONDS", 1)
# After a publish, one request renders each changed page while the readers arriving meanwhile
# get the version before, for at most this long (a render that takes longer, or a worker that
# died rendering, lets the next request render it). Never after something was taken away.
PAGE_CACHE_RENDER_SECONDS = env_int("PAGE_CACHE_RENDER_SECONDS", 10)

# One cache for every worker: Redis when REDIS_URL is set (several app servers share it),
# otherwise files under var/ that one server's workers share. Never a cache per worker.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ifex.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ifex",
            # A Redis that does not answer costs a request half a second, not a worker timeout.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "ifex.core.cache.TolerantFileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Django's default of 300 files is fewer than the renditions of the demo's images:
            # past it, every write deleted a third of the cache, and every page missed.
            "OPTIONS": {"MAX_ENTRIES": env_int("FILE_CACHE_MAX_ENTRIES", 100_000)},
        }
    }

# Tasks (Django's tasks framework, as Wagtail 8 uses it): Wagtail's own (search and reference
# index updates) run at once, in the request; "background" is for work a reader or an editor
# must not wait for (image renditions: AVIF takes seconds), done by `manage.py db_worker
# --backend background` from a queue in the database (`make run` starts one worker).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Purging a CDN when something is published (Wagtail's frontend cache): FRONTEND_CACHE_PURGE_URL
# for a cache that takes HTTP PURGE requests (Varnish, nginx, Fastly's), or Cloudflare's zone and
# API token. Unset, nothing is purged and CACHE_CONTROL_MAX_AGE bounds how stale a CDN can be.
WAGTAILFRONTENDCACHE = {}
if env_str("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env_str("FRONTEND_CACHE_PURGE_URL"),
    }
# The edge cache in front (Varnish, ifex/deploy/varnish.vcl): refreshed in place on publish by the
# background worker, banned before the response when something must leave
# (ifex/core/edge_cache.py).
if env_str("EDGE_CACHE_URL"):
    WAGTAILFRONTENDCACHE["edge"] = {
        "BACKEND": "ifex.core.edge_cache.EdgeCacheBackend",
        "LOCATION": env_str("EDGE_CACHE_URL"),
    }
# Each translation is a page of its own, purged when it is published: Wagtail would otherwise
# purge every address once per language, under prefixes that English does not have.
WAGTAILFRONTENDCACHE_LANGUAGES = []
if env_str("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": env_str("CLOUDFLARE_ZONE_ID"),
        "BEARER_TOKEN": env_str("CLOUDFLARE_API_TOKEN"),
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "database_outage": {"()": "ifex.core.logging.DatabaseOutageInOneLine"},
        "disallowed_host": {"()": "ifex.core.logging.DisallowedHostInOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["database_outage", "disallowed_host"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Mail: EMAIL_URL (smtp://user:password@host:587?tls=true, smtps://..., file:///path, console:)
# or the usual EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.
globals().update(email_settings())
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IFEX No Impunity <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = env_str(
    "WAGTAILADMIN_NOTIFICATION_FROM_EMAIL", DEFAULT_FROM_EMAIL
)

# Logins: after LOGIN_FAILURE_LIMIT failures from one address (over any accounts), further tries
# from it are refused for LOGIN_COOLOFF_MINUTES; an account is never locked for everyone, and
# wrong page passwords are counted apart (ifex/core/sign_in.py says why). The address is the
# client's as the proxy saw it (TRUSTED_PROXY_COUNT proxies in front: ifex/core/client_address.py).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_HANDLER = "ifex.core.sign_in.SignInAttempts"
AXES_LOCKOUT_PARAMETERS = "ifex.core.sign_in.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "ifex.core.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "ifex.core.views.login_refused"
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# The read-only open-data API (/api/v1/, ifex/core/api.py): API_RATE_LIMIT requests per client
# address ("60/minute", "1000/hour"), counted in the shared cache.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "60/minute")
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{env_str('SITE_NAME', 'IFEX No Impunity')} open data",
    "DESCRIPTION": (
        "Read-only: published cases (withheld names stay withheld), the impunity figures and "
        "every value they were published with, and joint statements with their signatories. "
        "Every response carries its licence and how to cite it (`about`). Anonymous, "
        "rate-limited per address; `?language=fr|es|ar` for another language."
    ),
    "VERSION": "1",
    "DEFAULT_GENERATOR_CLASS": "ifex.core.api_schema.OpenDataSchemaGenerator",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# Two-factor sign-in (ifex/core/two_factor.py): the name authenticator apps show for the site.
OTP_TOTP_ISSUER = env_str("SITE_NAME", "IFEX No Impunity")

# Wagtail
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "IFEX No Impunity")
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "ifex.core.rich_text.LabelledDraftailRichTextArea"},
}
# A translation made with wagtail-localize is a draft until its translator publishes it:
# wagtail-localize would otherwise publish it at once, the source's words standing in for those
# not yet translated.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAILSEARCH_BACKENDS = {
    "default": {
        # Wagtail's database backend, stemming each language as its own (search_backend.py),
        # on unaccented words (core migrations 0004, 0008 and 0013).
        "BACKEND": "ifex.core.search_backend",
        "INDEX_PREFIX": env_str("SEARCH_INDEX_PREFIX", ""),
        "SEARCH_CONFIG": "ifex_english",
        "SEARCH_CONFIGS": {
            "en": "ifex_english",
            "fr": "ifex_french",
            "es": "ifex_spanish",
            "ar": "ifex_arabic",
        },
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents only through Wagtail's view, which honours private collections; never /media/.
# Left to Wagtail, the view sends the file itself from MEDIA_ROOT, and answers with a
# short-lived signed address into a bucket, so the bytes never pass through a worker.
WAGTAILDOCS_SERVE_METHOD = None
# One rendition must fit the worker's memory budget: 25 megapixels (a 24 MP camera) decode to
# about 100 MB; larger uploads are refused with a clear message.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("IMAGE_MAX_PIXELS", 25_000_000)
# libavif's encoder speed for AVIF renditions: 0 (smallest files, slowest) to 10
# (ifex/core/renditions.py).
AVIF_ENCODER_SPEED = env_int("AVIF_ENCODER_SPEED", 8)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_MB", 15) * 1024 * 1024
WAGTAILIMAGES_IMAGE_FORM_BASE = "ifex.core.images.SiteImageForm"
WAGTAILIMAGES_IMAGE_MODEL = "core.SiteImage"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "gif": "gif"}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
# The front-end login (for login-restricted pages) with nowhere to return to: the home page.
LOGIN_REDIRECT_URL = "/"
# Time zones staff may choose: the named ones. The system list also holds "localtime" and
# "posixrules", which the account page offers and then refuses ("Invalid time zone specified").
WAGTAIL_USER_TIME_ZONES = sorted(
    zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC"
)
# No avatars from gravatar.com: it breaks offline and sends a hash of each staff e-mail abroad.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_FINISH_WORKFLOW_ACTION = "ifex.core.workflows.publish_approved"

# Demo logins `make run` creates, one per editorial role: username -> group (see
# campaigns/migrations/0005_editorial_roles.py). The admin is a superuser.
DEMO_ROLE_USERS = {
    "editor": "Editors",
    "campaigner": "Campaign staff",
    "moderator": "Moderators",
}

# An impunity figure whose "as of" date is older than this is flagged for checking in the admin.
FIGURE_STALE_AFTER_DAYS = env_int("FIGURE_STALE_AFTER_DAYS", 180)

# Signing joint statements online (articles/signing.py). A confirmation link works this many
# hours; the representatives' names and addresses are erased this many days after the statement
# closes (docs/staff-handbook.md says why); and at most so many signatures an hour may be made
# from one client address, and so many confirmation mails an hour sent about one address.
SIGNATURE_LINK_HOURS = env_int("SIGNATURE_LINK_HOURS", 72)
SIGNATURE_CONTACT_RETENTION_DAYS = env_int("SIGNATURE_CONTACT_RETENTION_DAYS", 90)
SIGNATURES_PER_CLIENT_ADDRESS_PER_HOUR = env_int("SIGNATURES_PER_CLIENT_ADDRESS_PER_HOUR", 10)
SIGNATURE_MAILS_PER_ADDRESS_PER_HOUR = env_int("SIGNATURE_MAILS_PER_ADDRESS_PER_HOUR", 3)

# Subscriptions and their mail (ifex/core/subscriptions.py, ifex/core/mailing.py).
# Mailings go out in batches of MAIL_BATCH_SIZE from the background worker, at most
# MAIL_RATE_PER_MINUTE mails a minute (0: as fast as the mail server takes them).
MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 100)
MAIL_RATE_PER_MINUTE = env_int("MAIL_RATE_PER_MINUTE", 600)
# A mailing under way whose sender wrote nothing for this long has lost it: the periodic jobs
# start another sender, which takes up where it stopped.
MAIL_STALLED_MINUTES = env_int("MAIL_STALLED_MINUTES", 10)
# Bounces reported for an address (`manage.py record_bounces`, or refusals by the mail server)
# after which nothing more is sent to it.
MAIL_BOUNCE_LIMIT = env_int("MAIL_BOUNCE_LIMIT", 3)
# A mailbox that takes "unsubscribe" mails (List-Unsubscribe's mailto:); unset, only the link.
MAIL_UNSUBSCRIBE_MAILTO = env_str("MAIL_UNSUBSCRIBE_MAILTO", "")
# The confirmation link works this long; a signup not confirmed by then is deleted.
SUBSCRIPTION_CONFIRM_HOURS = env_int("SUBSCRIPTION_CONFIRM_HOURS", 72)
# At most one alert mail per reader in this many hours, whatever is published.
ALERT_INTERVAL_HOURS = env_int("ALERT_INTERVAL_HOURS", 24)
# Signups: per client address and per email address, in a window of SUBSCRIBE_WINDOW_MINUTES.
SUBSCRIBE_PER_ADDRESS = env_int("SUBSCRIBE_PER_ADDRESS", 10)
SUBSCRIBE_PER_EMAIL = env_int("SUBSCRIBE_PER_EMAIL", 3)
SUBSCRIBE_WINDOW_MINUTES = env_int("SUBSCRIBE_WINDOW_MINUTES", 60)
