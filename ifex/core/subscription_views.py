"""Readers sign up for the digest and alerts, confirm from the mail (double opt-in), and change
their choices or leave from a link in any mail.

What the signup page answers never tells whether an address is subscribed: a new address, one
waiting for confirmation and one already subscribed all get the same page, and only a new or
unconfirmed address is sent anything (its confirmation mail). Signups are limited per client
address and per email address (a form robot, or someone mail-bombing a stranger through us);
a honeypot field catches the simplest robots.
"""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .client_address import client_address
from .mailing import site_url
from .sign_in import Throttle
from .subscription_forms import ChoicesForm, SubscribeForm
from .subscriptions import Subscriber, normalise_email

logger = logging.getLogger(__name__)

CONFIRM_SALT = "ifex.core.subscriptions.confirm"


def signups_by_address() -> Throttle:
    window = settings.SUBSCRIBE_WINDOW_MINUTES * 60
    return Throttle("subscribe-address", settings.SUBSCRIBE_PER_ADDRESS, window)


def signups_by_email() -> Throttle:
    window = settings.SUBSCRIBE_WINDOW_MINUTES * 60
    return Throttle("subscribe-email", settings.SUBSCRIBE_PER_EMAIL, window)


def too_many(request):
    return render(request, "core/subscriptions/too_many.html", status=429)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        form = SubscribeForm(initial={"language": translation.get_language()})
        return render(request, "core/subscriptions/subscribe.html", {"form": form})
    if not signups_by_address().spend(client_address(request)):
        return too_many(request)
    form = SubscribeForm(request.POST)
    if form.is_a_robot:
        return render(request, "core/subscriptions/check_your_mail.html")
    if not form.is_valid():
        return render(request, "core/subscriptions/subscribe.html", {"form": form}, status=400)
    email = normalise_email(form.cleaned_data["email"])
    if not signups_by_email().spend(email):
        return too_many(request)
    subscriber = waiting_subscriber(email, form)
    if subscriber is not None:
        try:
            send_confirmation(subscriber)
        except (SMTPException, OSError):
            logger.exception("the confirmation mail could not be sent")
            return render(request, "core/subscriptions/mail_failed.html", status=503)
    return render(request, "core/subscriptions/check_your_mail.html")


def waiting_subscriber(email: str, form) -> Subscriber | None:
    """The signup to confirm, its choices those of the form; None when the address is already
    subscribed (its choices are changed only from a link in its own mail)."""
    try:
        with transaction.atomic():
            subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
                email=email, defaults={"language": form.cleaned_data["language"]}
            )
            if subscriber.is_confirmed:
                return None
            form.save_to(subscriber)
            return subscriber
    except IntegrityError:  # the same address signed up at the same moment
        return None


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.dumps(
        {"id": subscriber.pk, "email": subscriber.email}, salt=CONFIRM_SALT, compress=True
    )


def send_confirmation(subscriber: Subscriber):
    with translation.override(subscriber.language):
        link = site_url(reverse("subscription_confirm", args=[confirmation_token(subscriber)]))
        context = {
            "link": link,
            "hours": settings.SUBSCRIPTION_CONFIRM_HOURS,
            "subscriber": subscriber,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = _("Confirm your subscription")
        body = render_to_string("core/mail/confirm_subscription.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [subscriber.email])


def subscriber_to_confirm(token: str) -> Subscriber | None:
    """The signup a confirmation link stands for; None when the link expired, was changed, or
    its signup was deleted."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.SUBSCRIPTION_CONFIRM_HOURS * 3600
        )
    except signing.BadSignature:  # and SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    return Subscriber.objects.filter(pk=data.get("id"), email=data.get("email")).first()


def link_refused(request):
    return render(request, "core/subscriptions/link_refused.html", status=400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET shows a button, POST confirms: a mail scanner that opens the link confirms nothing."""
    subscriber = subscriber_to_confirm(token)
    if subscriber is None:
        return link_refused(request)
    if request.method != "POST":
        return render(request, "core/subscriptions/confirm.html", {"subscriber": subscriber})
    if not subscriber.is_confirmed:
        now = timezone.now()
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, alerts_since=now
        )
    context = {"manage_url": reverse("subscription_manage", args=[subscriber.token])}
    return render(request, "core/subscriptions/confirmed.html", context)


def choices_of(subscriber: Subscriber) -> dict:
    return {
        "language": subscriber.language,
        "wants_digest": subscriber.wants_digest,
        "wants_alerts": subscriber.wants_alerts,
        "regions": list(subscriber.regions.all()),
        "countries": list(subscriber.countries.all()),
        "topics": list(subscriber.topics.all()),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    subscriber = Subscriber.objects.from_token(token)
    if subscriber is None:
        return link_refused(request)
    saved = False
    if request.method == "POST":
        form = ChoicesForm(request.POST)
        if form.is_valid():
            form.save_to(subscriber)
            saved = True
    else:
        form = ChoicesForm(initial=choices_of(subscriber))
    context = {
        "form": form,
        "subscriber": subscriber,
        "saved": saved,
        "unsubscribe_url": reverse("unsubscribe", args=[token]),
    }
    return render(
        request,
        "core/subscriptions/manage.html",
        context,
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def token_subscriber_id(token: str) -> int | None:
    head = token.partition(".")[0]
    return int(head) if head.isdigit() else None


@never_cache
@csrf_exempt  # RFC 8058: a mail client's one-click POST carries no token; the link's is enough
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET asks (a link scanner must not unsubscribe anyone); POST, from the page's button or a
    mail client's one-click "Unsubscribe" (List-Unsubscribe-Post), deletes the subscriber."""
    subscriber = Subscriber.objects.from_token(token)
    if request.method == "POST":
        if subscriber is not None:
            subscriber.delete()
        elif Subscriber.objects.filter(pk=token_subscriber_id(token)).exists():
            return link_refused(request)  # a changed link; a gone subscriber's is answered alike
        return render(request, "core/subscriptions/unsubscribed.html")
    if subscriber is None:
        return link_refused(request)
    return render(request, "core/subscriptions/unsubscribe.html", {"subscriber": subscriber})
