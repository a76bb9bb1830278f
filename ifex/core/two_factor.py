"""Two-factor sign-in for staff: a time-based code from an authenticator app (django-otp).

A superuser makes it required for a group by giving the group "Must sign in with two factors" in
the admin's group editor (or for one user, in their permissions). Anyone who has set up an app is
asked for a code at every sign-in, required or not. wagtail-2fa, the usual package for this, does
not import on Wagtail 8 (it uses `wagtail.users.widgets`, removed), so this is the thin piece of
it the site needs: a middleware, a set-up page and a code page, on django-otp's TOTP devices.

Until the code is checked, a member who owes one is not signed in anywhere but on the pages that
take the code: the admin and the sign-in pages send them to the code page, and everywhere else
(documents, images of private collections, login-restricted pages) they are anonymous.

An app is set up only through a link mailed to the account's own address: a stolen password
alone cannot enrol the thief's phone. The link is signed, lasts ENROLMENT_LINK_MAX_AGE, names
one unconfirmed device (a newer link replaces it) and dies once that device is confirmed.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission
from django.core import signing
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

REQUIRE_2FA = "require_2fa"
ENROLMENT_LINK_MAX_AGE = 24 * 60 * 60  # seconds
ENROLMENT_SALT = "ifex.core.two_factor.enrolment"
ENROLMENT_SESSION_KEY = "two_factor_enrolment"

# Reachable while signed in with a password only: signing out, and the pages that add the
# second factor.
OPEN_URL_NAMES = {
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_setup",
    "two_factor_verify",
    "two_factor_enrol",
}
# Sign-in pages: to someone signed in with a password who owes a code, they are the code page.
SIGN_IN_URL_NAMES = {"wagtailadmin_login", "wagtailcore_login"}


def require_2fa_permission():
    return Permission.objects.filter(content_type__app_label="wagtailadmin", codename=REQUIRE_2FA)


def two_factor_required(user) -> bool:
    """Held through a group or given to the user; superusers are not caught by it implicitly."""
    if not user.is_authenticated:
        return False
    return (
        user.groups.filter(permissions__codename=REQUIRE_2FA).exists()
        or user.user_permissions.filter(codename=REQUIRE_2FA).exists()
    )


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def owes_a_code(user) -> bool:
    """Signed in with a password, and still to give a code: has an app, or must have one.
    A user signed in during this very request is not verified (django-otp marks only the
    users it loaded)."""
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return has_confirmed_device(user) or two_factor_required(user)


def enrolment_token(device) -> str:
    return signing.dumps({"device": device.pk}, salt=ENROLMENT_SALT)


def enrolment_device(user, token) -> TOTPDevice | None:
    """The unconfirmed device `token` lets `user` set up, or None: forged, expired, another
    account's, replaced by a newer link, or already used."""
    try:
        signed = signing.loads(token, salt=ENROLMENT_SALT, max_age=ENROLMENT_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(signed, dict) or not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(pk=signed.get("device"), user=user, confirmed=False).first()


def url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def code_page(user, next_url: str):
    target = "two_factor_verify" if has_confirmed_device(user) else "two_factor_setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")


def treat_as_anonymous(request):
    anonymous = AnonymousUser()

    async def auser():
        return anonymous

    request.user = anonymous
    request.auser = auser


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware. A member who still owes a code is sent to the code page
    (or, with no app yet, to the set-up page) from the admin and from the sign-in pages, and is
    anonymous everywhere else. A sign-in that leaves a code owed goes on to the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in_before = user is not None and user.is_authenticated
        if signed_in_before and owes_a_code(user):
            name = url_name(request.path_info)
            if name in SIGN_IN_URL_NAMES:
                return code_page(user, self.sign_in_destination(request, name))
            if name in OPEN_URL_NAMES:
                pass
            elif request.path_info.startswith(reverse("wagtailadmin_home")):
                return code_page(user, request.get_full_path())
            else:
                treat_as_anonymous(request)
        response = self.get_response(request)
        if not signed_in_before and self.signed_in_owing_a_code(request, response):
            return code_page(request.user, response["Location"])
        return response

    @staticmethod
    def sign_in_destination(request, name) -> str:
        wanted = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
            return wanted
        if name == "wagtailadmin_login":
            return reverse("wagtailadmin_home")
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    @staticmethod
    def signed_in_owing_a_code(request, response) -> bool:
        if response.status_code not in (301, 302, 303) or "Location" not in response:
            return False
        if url_name(response["Location"].split("?")[0]) in OPEN_URL_NAMES:
            return False
        return owes_a_code(getattr(request, "user", None))
