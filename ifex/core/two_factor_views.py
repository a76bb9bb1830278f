"""The set-up and code pages of two-factor sign-in (ifex/core/two_factor.py)."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .sign_in import Throttle
from .two_factor import (
    ENROLMENT_LINK_MAX_AGE,
    ENROLMENT_SESSION_KEY,
    enrolment_device,
    enrolment_token,
    has_confirmed_device,
    two_factor_required,
)

ENROLMENT_LINKS_PER_HOUR = 3
enrolment_links = Throttle("enrolment-link", ENROLMENT_LINKS_PER_HOUR, 60 * 60)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


def next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("wagtailadmin_home")


def check_code(request, device, code) -> str | None:
    """None when `code` is right for `device`; otherwise what to tell the person."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = (details or {}).get("locked_until")
        return (
            _("Too many wrong codes. Wait a minute, then try again.")
            if wait
            else _("Too many wrong codes. Try again later.")
        )
    if device.verify_token(code):
        return None
    return _("That code is not right, or it has expired. Enter the code your app shows now.")


def formatted_secret(key: bytes) -> str:
    """The key as an app asks for it when typed: base32, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def masked(address: str) -> str:
    """e•••@example.org: enough for the owner to know which mailbox, little for anyone else."""
    name, _at, domain = address.partition("@")
    return f"{name[:1]}•••@{domain}"


def send_enrolment_link(request):
    user = request.user
    if not user.email:
        messages.error(
            request,
            _(
                "Your account has no e-mail address to send a set-up link to. Ask an "
                "administrator to add yours."
            ),
        )
        return
    if not enrolment_links.spend(str(user.pk)):
        messages.error(request, _("Several links were sent in the last hour. Use the latest one."))
        return
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    link = settings.WAGTAILADMIN_BASE_URL + reverse(
        "two_factor_enrol", args=[enrolment_token(device)]
    )
    context = {
        "user": user,
        "link": link,
        "hours": ENROLMENT_LINK_MAX_AGE // 3600,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    send_mail(
        render_to_string("core/two_factor/enrolment_mail_subject.txt", context).strip(),
        render_to_string("core/two_factor/enrolment_mail.txt", context),
        None,
        [user.email],
    )
    messages.success(
        request,
        _("We sent a link to %(address)s. Open it to set up your app.")
        % {"address": masked(user.email)},
    )


@never_cache
def enrol(request, token):
    """The link of the enrolment mail: lets this session show the app's key once."""
    if enrolment_device(request.user, token) is None:
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        messages.error(
            request,
            _(
                "This set-up link is no longer valid: it has expired, it was used, or a newer "
                "one was sent. Ask for a new one below."
            ),
        )
    else:
        request.session[ENROLMENT_SESSION_KEY] = token
    return redirect("two_factor_setup")


@never_cache
@sensitive_post_parameters("code")
def setup(request):
    user = request.user
    if has_confirmed_device(user) and not user.is_verified():
        return redirect(reverse("two_factor_verify") + "?next=" + reverse("two_factor_setup"))
    confirmed = list(devices_for_user(user, confirmed=True))
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "remove":
        if two_factor_required(user):
            messages.error(request, _("Your role requires two-factor sign-in: it stays on."))
        else:
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, _("Two-factor sign-in is off."))
        return redirect("two_factor_setup")
    if confirmed:
        return render(
            request,
            "core/two_factor/setup.html",
            {"confirmed": True, "required": two_factor_required(user)},
        )
    if action == "send-link":
        send_enrolment_link(request)
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': next_url(request)})}")
    device = enrolment_device(user, request.session.get(ENROLMENT_SESSION_KEY, ""))
    if device is None:
        return render(
            request,
            "core/two_factor/setup.html",
            {"required": two_factor_required(user), "next": next_url(request)},
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = check_code(request, device, form.cleaned_data["code"])
        if problem is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(next_url(request))
        form.add_error("code", problem)
    return render(
        request,
        "core/two_factor/setup.html",
        {
            "form": form,
            "qr_code": mark_safe(qr_code_svg(device.config_url)),
            "secret": formatted_secret(device.bin_key),
            "required": two_factor_required(user),
            "next": next_url(request),
        },
    )


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problems = [check_code(request, device, form.cleaned_data["code"]) for device in devices]
        for device, problem in zip(devices, problems, strict=True):
            if problem is None:
                otp_login(request, device)
                return redirect(next_url(request))
        form.add_error("code", problems[0])
    return render(request, "core/two_factor/verify.html", {"form": form, "next": next_url(request)})
