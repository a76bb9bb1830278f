"""The page cache's hits answered in front of Django (ifex.wsgi.application,
`PageCacheInFront`): the same answer as the page cache gives through Django's request handling,
at less cost, and nothing that the page cache would not serve."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from articles.factories import ArticlePageFactory
from cases.factories import CasePageFactory
from ifex.core.factories import stream_data
from ifex.core.models import ContentVersion
from ifex.core.page_cache import CACHE_STATUS_HEADER, PageCacheInFront, known
from tests.ifex.test_page_cache import redis_cache, refusing_writes  # noqa: F401 (a fixture)
from tests.support import make_private, unpublish, withhold_the_name

pytestmark = pytest.mark.django_db


class Answer:
    def __init__(self, status, headers, body, handled_by_django):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.content = body
        self.handled_by_django = handled_by_django

    def __getitem__(self, name):
        return self.headers[name]


@pytest.fixture
def front():
    """GET through the WSGI application gunicorn serves, as a reader's browser would."""

    def get(path, method="GET", **headers):
        application = PageCacheInFront(WSGIHandler())  # as the settings now are
        environ = RequestFactory().generic(method, path, **headers).environ
        environ.setdefault("wsgi.url_scheme", "http")
        started = []

        def count(**kwargs):
            started.append(True)

        request_started.connect(count)
        # As Django's test client: the test's transaction holds the database connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        answered = {}
        try:
            body = application(
                environ, lambda status, headers: answered.update(s=status, h=headers)
            )
            content = b"".join(body)
            if hasattr(body, "close"):
                body.close()
        finally:
            request_started.disconnect(count)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return Answer(answered["s"], answered["h"], content, handled_by_django=bool(started))

    return get


@pytest.fixture
def article(article_index):
    return ArticlePageFactory(parent=article_index, title="Verdict in Veracruz")


def test_a_kept_page_is_answered_in_front_of_django_as_django_answers_it(client, front, article):
    first = client.get(article.url)
    through_django = client.get(article.url)
    assert (first[CACHE_STATUS_HEADER], through_django[CACHE_STATUS_HEADER]) == ("miss", "hit")

    answer = front(article.url)

    assert not answer.handled_by_django
    assert answer.status_code == 200 and answer[CACHE_STATUS_HEADER] == "hit"
    assert answer.content == through_django.content
    assert answer.headers == dict(through_django.items())
    assert answer["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware's, as through Django


def test_a_page_not_kept_yet_is_rendered_by_django_and_kept(front, article):
    first = front(article.url)
    assert first.handled_by_django and first[CACHE_STATUS_HEADER] == "miss"
    second = front(article.url)
    assert not second.handled_by_django and second.content == first.content


@pytest.mark.parametrize("take_away", [unpublish, make_private, withhold_the_name])
def test_nothing_taken_away_is_answered_in_front(
    front, article_index, case_index, mexico, take_away
):
    case = CasePageFactory(
        parent=case_index, title="Reporter attacked", person_name="Zorbane Quillfeather",
        country=mexico,
    )  # fmt: skip
    article = ArticlePageFactory(
        parent=article_index,
        title="Pulled for safety",
        teaser="Zorbane Quillfeather was threatened.",
        body=stream_data([("paragraph", f'<p><a linktype="page" id="{case.pk}">Case</a></p>')]),
    )
    article.about_case = case
    for path in (article.url, "/articles/"):
        front(path)
        assert not front(path).handled_by_django

    take_away(article)

    for path in (article.url, "/articles/"):
        answer = front(path)
        assert answer.handled_by_django, path
        assert "Quillfeather" not in answer.content.decode(), path


def test_a_change_another_server_made_is_read_by_django_before_any_answer(front, article, settings):
    """The cache's copy of the content version differs from what this worker knows: the
    database is read, in Django's request, and the page kept under the version before is not
    served."""
    front(article.url)
    ContentVersion.objects.update_or_create(
        key="pagecache:version", defaults={"version": "elsewhere"}
    )
    from django.core.cache import cache

    cache.set("pagecache:version", "elsewhere", None)

    answer = front(article.url)

    assert answer.handled_by_django and answer[CACHE_STATUS_HEADER] == "miss"
    assert known.get("pagecache:version") == "elsewhere"


def test_when_the_versions_are_due_to_be_read_django_reads_them(front, article, settings):
    front(article.url)
    assert not front(article.url).handled_by_django
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 0

    answer = front(article.url)

    assert answer.handled_by_django and answer[CACHE_STATUS_HEADER] == "hit"


def test_signed_in_staff_and_other_methods_go_to_django(front, admin_client, article):
    front(article.url)
    session = admin_client.cookies["sessionid"].value

    staff = front(article.url, HTTP_COOKIE=f"sessionid={session}")
    assert staff.handled_by_django and CACHE_STATUS_HEADER not in staff.headers
    assert "private" in staff["Cache-Control"]
    assert front(article.url, method="POST").handled_by_django
    assert not front(article.url, method="HEAD").handled_by_django


def test_a_reader_over_http_is_sent_to_https_first(front, article, settings):
    front(article.url)
    settings.SECURE_SSL_REDIRECT = True

    answer = front(article.url)

    assert answer.handled_by_django
    assert answer.status_code == 301 and answer["Location"].startswith("https://")


def test_the_front_refuses_a_middleware_it_would_skip(settings):
    settings.MIDDLEWARE = [
        "django.middleware.locale.LocaleMiddleware",
        *settings.MIDDLEWARE,
    ]
    with pytest.raises(ImproperlyConfigured):
        PageCacheInFront(WSGIHandler())


def test_the_served_application_is_the_front():
    from ifex.wsgi import application

    assert isinstance(application, PageCacheInFront)


SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


def test_a_hit_carries_the_security_headers_its_miss_carried(front, article, settings):
    """A hit is sent as kept, without SecurityMiddleware: its headers are added as the middleware
    adds them, HSTS only over HTTPS, whatever the settings were when the page was kept."""
    settings.SECURE_HSTS_SECONDS = 3600
    miss = front(article.url, secure=True)
    hit = front(article.url, secure=True)

    assert miss.handled_by_django and not hit.handled_by_django
    assert {name: hit[name] for name in SECURITY_HEADERS} == {
        name: miss[name] for name in SECURITY_HEADERS
    }
    assert hit["Strict-Transport-Security"] == "max-age=3600"
    assert {**miss.headers, CACHE_STATUS_HEADER: "hit"} == hit.headers

    plain = front(article.url)
    assert "Strict-Transport-Security" not in front(article.url).headers
    assert plain.handled_by_django  # its own entry: the scheme is in the key

    settings.SECURE_HSTS_SECONDS = 60  # a new release's settings, the page kept before it
    assert front(article.url, secure=True)["Strict-Transport-Security"] == "max-age=60"


def test_a_dead_redis_sends_every_reader_to_django_and_never_a_500(front, article, dead_redis):
    for _ in range(2):
        answer = front(article.url)
        assert answer.handled_by_django and answer.status_code == 200
        assert b"Verdict in Veracruz" in answer.content


def test_with_redis_a_hit_is_answered_in_front_and_a_refused_write_serves_nothing_taken_away(
    front,
    article_index,
    redis_cache,  # noqa: F811
):
    from ifex.core.page_cache import PAGE_KEY_PREFIX

    pulled = ArticlePageFactory(parent=article_index, title="Retracted report")
    for path in (pulled.url, "/articles/"):
        front(path)
        hit = front(path)
        assert not hit.handled_by_django and hit[CACHE_STATUS_HEADER] == "hit", path
    assert redis_cache.keys(f"*{PAGE_KEY_PREFIX}*")

    with refusing_writes(redis_cache):
        unpublish(pulled)
        assert front(pulled.url).status_code == 404
        listing = front("/articles/")
        assert listing.status_code == 200 and b"Retracted report" not in listing.content
