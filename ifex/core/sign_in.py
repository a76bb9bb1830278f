"""Limits on the roads into an account: password guessing (django-axes), page passwords and
password-reset mails.

Staff sign-in counts failures per client address, over every account it tries: an address that
fails LOGIN_FAILURE_LIMIT times is refused for LOGIN_COOLOFF_MINUTES. An account is never locked
for everyone, so no one can lock a member of staff out by typing their username five times. The
price: an attacker with many addresses gets that many tries per address; two-factor sign-in for
the groups that hold private material is the answer to a guessed password.

Wrong page passwords are counted apart, per protected section and per address, and never pause
anyone's sign-in.
"""

import hashlib

from axes.handlers.database import AxesDatabaseHandler
from django.core.cache import cache
from django.db.models import Q
from django.shortcuts import render
from django.utils import translation
from wagtail.admin.forms.auth import PasswordResetForm
from wagtail.admin.views import account
from wagtail.users.models import UserProfile

from .client_address import client_address

PAGE_PASSWORD = "page-password:"

RESET_MAILS_PER_ACCOUNT = 3
RESET_REQUESTS_PER_ADDRESS = 10
RESET_WINDOW_SECONDS = 60 * 60


def page_password_credentials(restriction_id) -> dict:
    return {"username": f"{PAGE_PASSWORD}{restriction_id}"}


def is_page_password(credentials) -> bool:
    return str((credentials or {}).get("username") or "").startswith(PAGE_PASSWORD)


def lockout_parameters(request, credentials=None) -> list:
    """AXES_LOCKOUT_PARAMETERS: a protected section pauses for everyone (its password is
    shared), a client address for itself; a staff account never pauses on its own."""
    if is_page_password(credentials):
        return ["username", "ip_address"]
    return ["ip_address"]


class SignInAttempts(AxesDatabaseHandler):
    """django-axes' database handler, counting page passwords and sign-ins apart."""

    def filter_user_attempts(self, request, credentials=None):
        page_passwords = Q(username__startswith=PAGE_PASSWORD)
        attempts = super().filter_user_attempts(request, credentials)
        if is_page_password(credentials):
            return [same_kind.filter(page_passwords) for same_kind in attempts]
        return [same_kind.exclude(page_passwords) for same_kind in attempts]


class Throttle:
    """At most `limit` events per key in a window of `seconds` from the first, counted in the
    shared cache (Redis behind several app servers). A cache that cannot count lets the event
    through: a reset mail too many is better than no way back into an account."""

    def __init__(self, name: str, limit: int, seconds: int):
        self.name, self.limit, self.seconds = name, limit, seconds

    def spend(self, key: str) -> bool:
        """Counts one event for `key`; False once the window's limit is spent."""
        cache_key = f"throttle:{self.name}:{hashlib.sha256(key.encode()).hexdigest()}"
        cache.add(cache_key, 0, self.seconds)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window ended between the two calls
            cache.set(cache_key, 1, self.seconds)
            count = 1
        return count <= self.limit


reset_mails = Throttle("reset-mail", RESET_MAILS_PER_ACCOUNT, RESET_WINDOW_SECONDS)
reset_requests = Throttle("reset-request", RESET_REQUESTS_PER_ADDRESS, RESET_WINDOW_SECONDS)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Past its limit an account gets no more mail; the page says the same as before, so it
    tells no one whether the address has an account. The mail is written in the language the
    account chose for its admin, whatever the language of the browser that asked."""

    def send_mail(self, *args, **kwargs):
        to_email = args[4] if len(args) > 4 else kwargs["to_email"]
        context = args[2] if len(args) > 2 else kwargs["context"]
        if reset_mails.spend(to_email.strip().lower()):
            with translation.override(staff_language(context["user"])):
                super().send_mail(*args, **kwargs)


def staff_language(user) -> str:
    """The language a member of staff reads the admin and its mail in (Wagtail's own rule)."""
    return UserProfile.get_for_user(user).get_preferred_language()


class PasswordResetView(account.PasswordResetView):
    """Wagtail's "Forgotten password?", limited per client address and per account."""

    def get_form_class(self):
        return ThrottledPasswordResetForm

    def form_valid(self, form):
        if not reset_requests.spend(client_address(self.request)):
            return render(self.request, "core/too_many_requests.html", status=429)
        return super().form_valid(form)
