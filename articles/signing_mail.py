"""The confirmation mail of a signature, in the language it was signed in."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .signing import Signature


def confirmation_url(request, signature: Signature) -> str:
    with translation.override(signature.language):
        return request.build_absolute_uri(
            reverse("signature_confirm", kwargs={"token": signature.confirmation_token()})
        )


def send_confirmation(request, signature: Signature):
    """To the directory organisation's registered address, or, for another organisation, to
    the address typed: `confirmation_sent_to`, chosen when the signature was made."""
    with translation.override(signature.language):
        context = {
            "signature": signature,
            "statement_title": signature.statement.title,
            "link": confirmation_url(request, signature),
            "hours": settings.SIGNATURE_LINK_HOURS,
            "language": signature.language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        subject = _("Confirm the signature of %(organisation)s: %(statement)s") % {
            "organisation": signature.organisation_name,
            "statement": signature.statement.title,
        }
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("articles/signing/confirmation_mail.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[signature.confirmation_sent_to],
            headers={"Content-Language": signature.language},
        )
        message.attach_alternative(
            render_to_string("articles/signing/confirmation_mail.html", context), "text/html"
        )
        message.send()
