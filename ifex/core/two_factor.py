"""Two-factor sign-in for staff: a time-based code from an authenticator app (django-otp).

A superuser makes it required for a group by giving the group "Must sign in with two factors" in
the admin's group editor (or for one user, in their permissions). Anyone who has set up an app is
asked for a code at every sign-in, required or not. wagtail-2fa, the usual package for this, does
not import on Wagtail 8 (it uses `wagtail.users.widgets`, removed), so this is the thin piece of
it the site needs: a middleware, a set-up page and a code page, on django-otp's TOTP devices.
"""

from django.contrib.auth.models import Permission
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device

REQUIRE_2FA = "require_2fa"

# Reachable while signed in with a password only: signing out, and the two pages that add the
# second factor. Everything else in the admin waits for the code.
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_setup",
    "two_factor_verify",
}


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


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: sends a signed-in member of staff who still owes a code
    to the code page, and one who must have an app but has none to the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.second_factor_needed(request) or self.get_response(request)

    def second_factor_needed(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        try:
            if resolve(request.path_info).url_name in OPEN_URL_NAMES:
                return None
        except Resolver404:
            return None
        if has_confirmed_device(user):
            target = "two_factor_verify"
        elif two_factor_required(user):
            target = "two_factor_setup"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
