"""Guessing passwords: after a handful of failures, an account or an address is refused for a
time, on the admin login, the front-end login and the page-password form alike."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from articles.factories import ArticlePageFactory
from ifex.core.sign_in import RESET_MAILS_PER_ACCOUNT, RESET_REQUESTS_PER_ADDRESS

pytestmark = pytest.mark.django_db

LIMIT = 5
PASSWORD = "the-right-passphrase-42"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", "staff@example.org", PASSWORD)


def sign_in(url, username, password, address="203.0.113.7", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        url, {"username": username, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def refused(response) -> bool:
    return response.status_code == 429 and b"Too many failed attempts" in response.content


ADMIN_LOGIN = reverse("wagtailadmin_login")
FRONT_END_LOGIN = "/_util/login/"


def fail_for_staff(url, address):
    for attempt in range(LIMIT):
        assert not signed_in(sign_in(url, "staff", f"guess-{attempt}", address=address))


@pytest.mark.parametrize("url", [ADMIN_LOGIN, FRONT_END_LOGIN])
def test_an_account_is_refused_after_repeated_failures(staff, url):
    """At the address that failed: there, even the right password waits."""
    fail_for_staff(url, "198.51.100.1")
    assert refused(sign_in(url, "staff", PASSWORD, address="198.51.100.1"))


@pytest.mark.parametrize("url", [ADMIN_LOGIN, FRONT_END_LOGIN])
def test_failures_pause_the_address_not_the_account(staff, url):
    """Anyone may type a staff member's username: their failures must not lock the member out
    (ifex/core/sign_in.py weighs this)."""
    fail_for_staff(url, "198.51.100.1")
    assert signed_in(sign_in(url, "staff", PASSWORD, address="192.0.2.99")), (
        "the member, elsewhere, signs in"
    )


def test_an_address_is_refused_after_failures_on_many_accounts(staff):
    for attempt in range(LIMIT):
        sign_in(ADMIN_LOGIN, f"someone-{attempt}", "guess")
    assert refused(sign_in(ADMIN_LOGIN, "staff", PASSWORD))
    assert signed_in(sign_in(ADMIN_LOGIN, "staff", PASSWORD, address="192.0.2.99"))


def test_a_success_elsewhere_does_not_reset_an_attackers_count(staff, django_user_model):
    django_user_model.objects.create_user("other", "other@example.org", PASSWORD)
    for attempt in range(LIMIT - 1):
        sign_in(ADMIN_LOGIN, f"someone-{attempt}", "guess", address="203.0.113.66")
    assert signed_in(sign_in(ADMIN_LOGIN, "staff", PASSWORD, address="192.0.2.1"))
    sign_in(ADMIN_LOGIN, "someone-else", "guess", address="203.0.113.66")
    assert refused(sign_in(ADMIN_LOGIN, "other", PASSWORD, address="203.0.113.66"))


def test_failures_are_counted_per_client_behind_the_proxy(staff, settings):
    """Behind one proxy every request comes from the proxy's address: the client is the last
    X-Forwarded-For entry; entries the client wrote itself are ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(LIMIT):
        sign_in(
            ADMIN_LOGIN,
            f"someone-{attempt}",
            "guess",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 203.0.113.7",
        )
    attacker = {"address": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert refused(sign_in(ADMIN_LOGIN, "staff", PASSWORD, **attacker))
    reader = {"address": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.50"}
    assert signed_in(sign_in(ADMIN_LOGIN, "staff", PASSWORD, **reader))


# LOGIN_COOLOFF_MINUTES' default (.env.example), as an operator reads it: minutes, not hours.
COOL_OFF = datetime.timedelta(minutes=15)


@pytest.mark.parametrize("url", [ADMIN_LOGIN, FRONT_END_LOGIN])
def test_a_lockout_ends_after_its_cool_off(staff, url):
    """The clock is moved by dating the failures back in the database (what django-axes reads):
    no sleeping through fifteen minutes."""

    def failures_made(ago):
        AccessAttempt.objects.update(attempt_time=timezone.now() - ago)

    for attempt in range(LIMIT):
        sign_in(url, "staff", f"guess-{attempt}")
    assert refused(sign_in(url, "staff", PASSWORD))
    failures_made(COOL_OFF - datetime.timedelta(minutes=1))
    assert refused(sign_in(url, "staff", PASSWORD)), "a minute before its end, still refused"
    failures_made(COOL_OFF + datetime.timedelta(seconds=1))
    assert signed_in(sign_in(url, "staff", PASSWORD)), "the lockout is over"


@pytest.fixture
def protected_article(article_index):
    """A page behind a password, and the address its password form posts to."""
    article = ArticlePageFactory(parent=article_index, title="Board minutes")
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="letmein-7"
    )
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk])
    return article, url


def test_the_page_password_form_is_throttled(protected_article):
    article, url = protected_article
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert b"password" in client.get(article.url).content.lower()

    def try_password(password, who=client):
        return who.post(url, {"password": password, "return_url": article.url})

    for attempt in range(LIMIT - 1):
        assert try_password(f"guess-{attempt}").status_code == 200
    assert refused(try_password("guess-last"))
    assert refused(try_password("letmein-7")), "the right password waits out the pause too"
    other_reader = Client(REMOTE_ADDR="192.0.2.8")
    assert refused(try_password("letmein-7", other_reader)), "the section itself is paused"


def test_wrong_page_passwords_do_not_pause_staff_sign_in(staff, protected_article):
    article, url = protected_article
    reader = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(LIMIT + 1):
        reader.post(url, {"password": f"guess-{attempt}", "return_url": article.url})
    assert signed_in(sign_in(ADMIN_LOGIN, "staff", PASSWORD, address="203.0.113.7"))
    assert signed_in(sign_in(FRONT_END_LOGIN, "staff", PASSWORD, address="203.0.113.7"))


def test_a_front_end_login_without_a_return_address_lands_on_the_home_page(staff, home):
    response = sign_in(FRONT_END_LOGIN, "staff", PASSWORD)
    assert response["Location"] == home.url
    assert Client().get(response["Location"]).status_code == 200


PASSWORD_RESET = reverse("wagtailadmin_password_reset")


def ask_for_a_new_password(email, address="203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(PASSWORD_RESET, {"email": email})


def test_password_reset_mails_to_one_account_are_limited(staff, mailoutbox):
    for attempt in range(RESET_MAILS_PER_ACCOUNT + 2):
        answer = ask_for_a_new_password("staff@example.org", address=f"198.51.100.{attempt}")
        assert answer.status_code == 302, "the same answer whether or not a mail went"
    assert len(mailoutbox) == RESET_MAILS_PER_ACCOUNT


def test_password_reset_requests_from_one_address_are_limited(staff, mailoutbox):
    for attempt in range(RESET_REQUESTS_PER_ADDRESS):
        assert ask_for_a_new_password(f"someone-{attempt}@example.org").status_code == 302
    paused = ask_for_a_new_password("staff@example.org")
    assert paused.status_code == 429 and b"Too many requests" in paused.content
    assert mailoutbox == []
    assert ask_for_a_new_password("staff@example.org", address="192.0.2.5").status_code == 302
    assert len(mailoutbox) == 1


def test_the_right_page_password_still_works_before_the_limit(protected_article):
    article, url = protected_article
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post(url, {"password": "wrong", "return_url": article.url})
    response = client.post(url, {"password": "letmein-7", "return_url": article.url})
    assert response.status_code == 302
    assert client.get(article.url).status_code == 200
