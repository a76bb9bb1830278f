"""Signing a statement: the form, the confirmation link, and the directory's autocomplete.

None of these answers is kept by the page cache: the form carries a CSRF token, and the other
views are not marked `public_page` (ifex/urls.py)."""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ifex.core.client_address import client_address
from ifex.core.sign_in import Throttle

from .signing import Signature, statement_from_draft_token
from .signing_forms import MATCHES_SHOWN, SignatureForm, directory_matches
from .signing_mail import send_confirmation

HOUR = 60 * 60


def signings_per_client():
    return Throttle("signature-client", settings.SIGNATURES_PER_CLIENT_ADDRESS_PER_HOUR, HOUR)


def mails_per_address():
    return Throttle("signature-mail", settings.SIGNATURE_MAILS_PER_ADDRESS_PER_HOUR, HOUR)


def sign_statement(request, statement, *, draft=False):
    """The form on a statement (`draft`: through the members' link, the latest saved text)."""
    if not statement.signatures_open or not statement.signatures_close_at:
        raise Http404(_("This statement is not open for signatures."))
    context = {
        "statement": statement,
        "draft": draft,
        "retention_days": settings.SIGNATURE_CONTACT_RETENTION_DAYS,
    }
    if not draft:
        context["page"] = statement  # the language switcher offers its translations
    if statement.signing_closed():
        status = 403 if request.method == "POST" else 200
        return render(request, "articles/signing/closed.html", context, status=status)
    form = SignatureForm(request.POST or None, statement=statement)
    if request.method == "POST":
        if not signings_per_client().spend(client_address(request)):
            return too_many(request, context)
        if form.is_robot:
            # Looks done to the robot; nothing is kept or sent.
            return render(request, "articles/signing/sent.html", context)
        if form.is_valid():
            signature = form.signature(translation.get_language() or settings.LANGUAGE_CODE)
            per_address = mails_per_address()
            if not all(
                [
                    per_address.spend(signature.confirmation_sent_to.lower()),
                    per_address.spend(signature.representative_email.lower()),
                ]
            ):
                return too_many(request, context)
            signature.save()
            send_confirmation(request, signature)
            context["signature"] = signature
            return render(request, "articles/signing/sent.html", context)
    context["form"] = form
    return render(request, "articles/signing/sign.html", context)


def too_many(request, context):
    return render(request, "articles/signing/too_many.html", context, status=429)


def statement_draft_sign(request, token):
    """The members' link: signing a statement that may still be a draft, its latest text."""
    from .models import JointStatementPage

    try:
        pk = statement_from_draft_token(token)
        statement = JointStatementPage.objects.get(pk=pk)
    except (signing.BadSignature, JointStatementPage.DoesNotExist):
        return refused(request, "changed", 404)
    if was_taken_from_readers(statement):
        return refused(request, "changed", 404)
    if not statement.live or statement.has_unpublished_changes:
        statement = statement.get_latest_revision_as_object()
    response = sign_statement(request, statement, draft=not statement.live)
    response["X-Robots-Tag"] = "noindex"
    return response


def was_taken_from_readers(statement) -> bool:
    """The link is for a statement before its publication. Once published, a statement
    unpublished or made private (by its own restriction or an ancestor's) is no one's to read
    or sign through it, whatever its latest draft says."""
    unpublished = not statement.live and statement.first_published_at is not None
    return unpublished or bool(statement.get_view_restrictions())


def confirm_signature(request, token):
    """GET shows what is confirmed, with a button: a link checker opening the mail confirms
    nothing. POST confirms it."""
    try:
        signature = Signature.from_token(token)
    except signing.SignatureExpired:
        return refused(request, "expired", 410)
    except (signing.BadSignature, Signature.DoesNotExist):
        return refused(request, "changed", 404)
    context = {"signature": signature, "statement": signature.statement}
    if signature.status != Signature.Status.UNCONFIRMED:
        return render(request, "articles/signing/confirmed.html", context)
    if request.method != "POST":
        return render(request, "articles/signing/confirm.html", context)
    signature.status = Signature.Status.CONFIRMED
    signature.confirmed_at = timezone.now()
    try:
        with transaction.atomic():
            signature.save(update_fields=["status", "confirmed_at"])
    except IntegrityError:
        return render(request, "articles/signing/already_signed.html", context, status=409)
    return render(request, "articles/signing/confirmed.html", context)


def refused(request, reason, status):
    context = {"reason": reason, "hours": settings.SIGNATURE_LINK_HOURS}
    return render(request, "articles/signing/link_refused.html", context, status=status)


@require_GET
def organisations_matching(request):
    """The directory's organisations whose name holds `q`: the form's suggestions."""
    names = directory_matches(request.GET.get("q", "")[:100]).values_list("name", flat=True)
    return JsonResponse({"organisations": list(names[:MATCHES_SHOWN])})
