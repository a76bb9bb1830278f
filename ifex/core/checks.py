"""Deployment checks (`manage.py check --deploy`) for what Django's own checks cannot know."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@register(Tags.security, deploy=True)
def mail_is_configured(app_configs, **kwargs):
    """Without mail settings, moderators are never told a statement waits and password resets
    send nothing, while the admin says all went well."""
    unset = (
        settings.EMAIL_BACKEND == SMTP_BACKEND
        and settings.EMAIL_HOST in ("localhost", "127.0.0.1")
        and settings.EMAIL_PORT == 25
    )
    if not unset:
        return []
    return [
        Warning(
            "Mail goes to an SMTP server on this machine's port 25, which is rarely there.",
            hint="Set EMAIL_URL (smtp://user:password@host:587?tls=true) or EMAIL_HOST.",
            id="ifex.W001",
        )
    ]
