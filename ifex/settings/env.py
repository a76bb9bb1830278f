"""Reading settings from the environment, with one clear message when a value is unusable."""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


EMAIL_URL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}


def email_settings() -> dict:
    """Django's EMAIL_* settings from EMAIL_URL, or else from the separate EMAIL_* variables.

    EMAIL_URL forms: smtp://user:password@host:587?tls=true (STARTTLS), smtps://host:465 (TLS
    from the start), file:///srv/ifex/mail (one file per message), console: (standard output).
    """
    url = env_str("EMAIL_URL")
    if not url:
        return {
            "EMAIL_BACKEND": env_str("EMAIL_BACKEND", EMAIL_URL_BACKENDS["smtp"]),
            "EMAIL_HOST": env_str("EMAIL_HOST", "localhost"),
            "EMAIL_PORT": env_int("EMAIL_PORT", 25),
            "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER"),
            "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", False),
            "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
            "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", 20),
        }
    parts = urlsplit(url)
    backend = EMAIL_URL_BACKENDS.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with {', '.join(s + ':' for s in EMAIL_URL_BACKENDS)} "
            f"not {parts.scheme + ':' if parts.scheme else repr(url)}."
        )
    if parts.scheme == "file":
        return {"EMAIL_BACKEND": backend, "EMAIL_FILE_PATH": unquote(parts.path)}
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": backend}
    options = parse_qs(parts.query)
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    use_ssl = parts.scheme == "smtps"
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or (465 if use_ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": options.get("tls", ["false"])[0].lower() in TRUE_WORDS,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", 20),
    }


def default_storage_settings() -> dict:
    """The STORAGES entry for uploads: MEDIA_ROOT, or a private S3-compatible bucket when
    AWS_STORAGE_BUCKET_NAME is set (ifex/core/storage.py, django-storages' S3 options).

    The access keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, which django-storages
    and boto3 read themselves (or from the machine's role, with neither set).
    """
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "ifex.core.storage.PrivateBucketStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,  # any S3-compatible service
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": env_str("AWS_LOCATION"),  # a folder, in a bucket shared with others
            # Wagtail's advice: an upload never replaces a file of the same name.
            "file_overwrite": False,
            "default_acl": None,  # objects follow the bucket's policy, which keeps them private
            "querystring_auth": True,
            "querystring_expire": env_int("MEDIA_SIGNED_URL_SECONDS", 300),
            "signature_version": "s3v4",
        },
    }


def bucket_origins(storage: dict) -> list[str]:
    """The origins a browser is sent to for media in the bucket of `storage` (a STORAGES entry),
    for the Content-Security-Policy's img-src: a signed address redirects there."""
    options = storage.get("OPTIONS")
    if not options:
        return []
    bucket = options["bucket_name"]
    if options.get("endpoint_url"):
        endpoint = urlsplit(options["endpoint_url"])
        hosts = [endpoint.netloc, f"{bucket}.{endpoint.netloc}"]  # path or virtual-host style
        return [f"{endpoint.scheme}://{host}" for host in hosts]
    hosts = [f"{bucket}.s3.amazonaws.com"]
    if options.get("region_name"):  # a bucket outside us-east-1 may answer from its region
        hosts.append(f"{bucket}.s3.{options['region_name']}.amazonaws.com")
    return [f"https://{host}" for host in hosts]
