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


@pytest.mark.parametrize("url", [ADMIN_LOGIN, FRONT_END_LOGIN])
def test_an_account_is_refused_after_repeated_failures(staff, url):
    for attempt in range(LIMIT):
        response = sign_in(url, "staff", f"guess-{attempt}", address=f"198.51.100.{attempt}")
        assert not signed_in(response)
    assert refused(sign_in(url, "staff", PASSWORD, address="192.0.2.99")), (
        "the right password no longer works for a while, from any address"
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


def test_the_right_page_password_still_works_before_the_limit(protected_article):
    article, url = protected_article
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post(url, {"password": "wrong", "return_url": article.url})
    response = client.post(url, {"password": "letmein-7", "return_url": article.url})
    assert response.status_code == 302
    assert client.get(article.url).status_code == 200
