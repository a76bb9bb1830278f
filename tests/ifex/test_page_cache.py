"""The page cache: anonymous readers get cached pages, and every change readers should see
shows on the very next request."""

import contextlib
import datetime
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from campaigns.models import HomePage
from ifex.core.factories import CountryFactory, OrganisationFactory, SiteImageFactory, stream_data
from ifex.core.models import ContentVersion
from ifex.core.page_cache import CACHE_STATUS_HEADER
from tests.support import html_of, redis_server, uncached_get, uncached_queries

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def cache_status(response) -> str:
    return response.get(CACHE_STATUS_HEADER, "not cacheable")


@pytest.fixture
def figure_on_home(home):
    figure = ImpunityFigureFactory(value=1700)
    home.body = stream_data([("stats", {"heading": "Facts", "figures": [figure.pk]})])
    home.save_revision().publish()
    return figure


@pytest.fixture
def article(article_index):
    return ArticlePageFactory(parent=article_index, title="Verdict in Veracruz")


def test_the_second_anonymous_request_costs_no_query(
    client, figure_on_home, article, statement_index, django_assert_num_queries
):
    JointStatementPageFactory(parent=statement_index)
    for url in ("/", article.url, "/articles/", "/articles/feed/", "/how-we-count/"):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert (cache_status(first), cache_status(second)) == ("miss", "hit"), url
        assert second.content == first.content


def test_a_page_reads_each_kept_value_from_the_cache_once(
    client, figure_on_home, article, cache_reads
):
    """Parts of a page ask for the same kept values (the languages' home pages, the locales,
    the site's root paths): each is read and unpickled once per request."""
    for url in ("/", article.url, "/articles/"):
        client.get(url)
        cache_reads.clear()
        uncached_get(client, url)
        read = [key for round_trip in cache_reads for key in round_trip]
        values = [key for key in read if not key.startswith("pagecache:")]
        assert values and sorted(values) == sorted(set(values)), url


@pytest.fixture
def reader():
    """An anonymous reader, beside the signed-in `admin_client` (which is `client` signed in)."""
    return Client()


def test_public_answers_may_be_held_by_a_cdn_and_staff_answers_may_not(
    reader, admin_client, article, settings
):
    settings.CACHE_CONTROL_MAX_AGE = 120
    anonymous = reader.get(article.url)
    assert directives(anonymous) == {"public", "max-age=0", "s-maxage=120"}

    staff = admin_client.get(article.url)
    assert "private" in staff["Cache-Control"] and "s-maxage" not in staff["Cache-Control"]
    assert cache_status(staff) == "not cacheable"
    assert "public" not in admin_client.get("/admin/")["Cache-Control"]


def test_a_published_figure_change_shows_on_the_next_request(client, figure_on_home):
    assert "1,700" in html_of(client, "/") and "1,700" in html_of(client, "/how-we-count/")
    figure_on_home.value = 1712
    figure_on_home.save_revision().publish()
    assert "1,712" in html_of(client, "/")
    assert "1,712" in html_of(client, "/how-we-count/")


def test_a_draft_never_enters_the_cache(client, figure_on_home, article):
    html_of(client, "/")
    figure_on_home.value = 1999
    figure_on_home.save_revision()
    article.title = "Draft headline"
    article.save_revision()

    assert "1,999" not in html_of(client, "/") and "1,700" in html_of(client, "/")
    page = html_of(client, article.url)
    assert "Draft headline" not in page and "Verdict in Veracruz" in page


def test_a_newly_published_article_shows_on_the_next_request(client, article_index, article):
    # Made, with its country, before the pages are cached: publishing it is the only change.
    # (Creating a country replaces the version too, and would hide a publish that does not.)
    new = ArticlePageFactory(parent=article_index, title="Another attack in Honduras", live=False)
    assert "Verdict in Veracruz" in html_of(client, "/articles/")
    html_of(client, "/articles/feed/")
    new.save_revision().publish()
    assert "Another attack in Honduras" in html_of(client, "/articles/")
    assert "Another attack in Honduras" in html_of(client, "/articles/feed/")


def test_an_unpublished_statement_is_gone_on_the_next_request(client, statement_index):
    statement = JointStatementPageFactory(parent=statement_index, title="Free them now")
    assert "Free them now" in html_of(client, "/statements/")
    assert client.get(statement.url).status_code == 200

    statement.unpublish()

    assert client.get(statement.url).status_code == 404
    assert "Free them now" not in html_of(client, "/statements/")


def test_a_scheduled_publish_shows_on_the_next_request(client, article_index):
    page = ArticlePageFactory(parent=article_index, title="Embargoed report", live=False)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()  # scheduled, not live
    assert "Embargoed report" not in html_of(client, "/articles/")
    # An hour later:
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()

    call_command("publish_scheduled")

    assert "Embargoed report" in html_of(client, "/articles/")


def test_moved_and_deleted_pages_leave_the_cache(client, article_index, statement_index, article):
    html_of(client, "/articles/")
    gone = ArticlePageFactory(parent=article_index, title="Removed on legal advice")
    assert "Removed on legal advice" in html_of(client, "/articles/")
    gone.delete()
    assert "Removed on legal advice" not in html_of(client, "/articles/")

    article.move(statement_index, pos="last-child")
    assert "Verdict in Veracruz" not in html_of(client, "/articles/")


def test_an_address_leads_where_the_last_change_says(client, settings, article_index):
    """Which page an address leads to is kept until content changes, as pages are."""
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticlePageFactory(parent=article_index, slug="verdict")
    assert client.get("/articles/verdict/").status_code == 200
    assert client.get("/articles/verdict-appealed/").status_code == 404

    article.slug = "verdict-appealed"
    article.save_revision().publish()
    assert client.get("/articles/verdict/").status_code == 404
    assert client.get("/articles/verdict-appealed/").status_code == 200

    article.unpublish()
    assert client.get("/articles/verdict-appealed/").status_code == 404
    article.save_revision().publish()
    assert client.get("/articles/verdict-appealed/").status_code == 200
    article.delete()
    assert client.get("/articles/verdict-appealed/").status_code == 404


def test_a_page_made_private_leaves_the_cache_at_once(client, article):
    html_of(client, article.url)
    PageViewRestriction.objects.create(page=article, restriction_type="password", password="x")
    response = client.get(article.url)
    assert "Verdict in Veracruz" not in response.content.decode().split("<main")[-1]
    assert cache_status(response) == "not cacheable", "a password form carries a CSRF token"
    assert "public" not in response["Cache-Control"], "nor may a CDN keep it"


def test_pages_ask_about_view_restrictions_only_once_the_site_has_one(
    client, article_index, article
):
    def asks_about_restrictions(url):
        return any("pageviewrestriction" in sql for sql in uncached_queries(client, url)[1])

    client.get(article.url)
    assert not asks_about_restrictions(article.url)
    minutes = ArticlePageFactory(parent=article_index, title="Board minutes")
    PageViewRestriction.objects.create(page=minutes, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(minutes.url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert asks_about_restrictions(article.url)


def test_a_private_page_leaves_the_listings_and_stays_out_when_moved(client, article_index):
    """Listings leave out the pages under the restricted paths they keep: a restriction added,
    or a restricted page moved (its tree path changes), shows on the next request."""
    ArticlePageFactory(parent=article_index, title="Public verdict")
    private = ArticlePageFactory(parent=article_index, title="Board minutes")
    assert "Board minutes" in html_of(client, "/articles/")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    for url in ("/articles/", "/articles/feed/"):
        listed = html_of(client, url)
        assert "Board minutes" not in listed and "Public verdict" in listed, url

    old_path = private.path
    private.move(article_index, pos="first-child")
    private.refresh_from_db()
    assert private.path != old_path
    listed = html_of(client, "/articles/")
    assert "Board minutes" not in listed and "Public verdict" in listed


def test_snippets_readers_see_refresh_the_cache(client, directory, article):
    assert "Mexico" not in html_of(client, "/members/")
    organisation = OrganisationFactory(name="Article 19 Mexico", is_member=True)
    assert "Article 19 Mexico" in html_of(client, "/members/")
    organisation.name = "Artículo 19 México"
    organisation.save()
    assert "Artículo 19 México" in html_of(client, "/members/")

    country = article.countries.get()
    country.name = "Renamed Country"
    country.save()
    assert "Renamed Country" in html_of(client, article.url)
    CountryFactory()  # no listing changes, and no error either


def test_an_editor_s_view_is_never_served_to_a_reader(reader, admin_client, article):
    editor_view = html_of(admin_client, article.url)
    assert "wagtail-userbar" in editor_view
    assert "wagtail-userbar" not in html_of(reader, article.url)
    assert cache_status(reader.get(article.url)) == "hit"
    assert "wagtail-userbar" in html_of(admin_client, article.url), "staff skip the cache"


def test_search_is_kept_per_exact_query(client, article, django_assert_num_queries):
    first = client.get("/search/?q=Veracruz")
    assert "Verdict in Veracruz" in first.content.decode()
    with django_assert_num_queries(0):
        assert cache_status(client.get("/search/?q=Veracruz")) == "hit"
    assert cache_status(client.get("/search/?q=veracruz")) == "miss"


def test_a_new_day_is_a_new_page(client, figure_on_home, monkeypatch):
    client.get("/")
    assert cache_status(client.get("/")) == "hit"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("ifex.core.page_cache.timezone.localdate", lambda: tomorrow)
    assert cache_status(client.get("/")) == "miss", "'as of today' must not outlive the day"


def test_a_dead_cache_server_means_uncached_pages_not_errors(client, article, dead_redis):
    for _ in range(2):
        response = client.get(article.url)
        assert response.status_code == 200 and "Verdict in Veracruz" in response.content.decode()
        assert cache_status(response) == "miss"
    assert client.get("/healthz").status_code == 503


class PurgeRecorder(BaseHTTPRequestHandler):
    purged: list[str] = []

    def do_PURGE(self):
        PurgeRecorder.purged.append(f"http://{self.headers['Host']}{self.path}")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn(settings):
    """A CDN that takes HTTP PURGE requests (as Varnish does), recording what was purged."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    PurgeRecorder.purged = []
    yield PurgeRecorder.purged
    server.shutdown()


def test_publishing_purges_the_page_its_index_and_feeds_from_a_cdn(
    cdn, article_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePageFactory(parent=article_index, slug="verdict")
    assert set(cdn) >= {
        "http://localhost/articles/verdict/",
        "http://localhost/articles/",
        "http://localhost/articles/feed/",
    }


def test_publishing_a_campaign_page_purges_its_stats_widgets(
    cdn, campaign_index, django_capture_on_commit_callbacks
):
    figure = ImpunityFigureFactory()
    body = stream_data([("stats", {"heading": "Facts", "figures": [figure.pk]})])
    with django_capture_on_commit_callbacks(execute=True):
        campaign = CampaignPageFactory(parent=campaign_index, slug="no-impunity", body=body)
    [stats] = campaign.body
    assert f"http://localhost/embed/stats/{campaign.pk}/{stats.id}/" in cdn
    assert "http://localhost/campaigns/no-impunity/" in cdn


def test_publishing_a_figure_purges_the_pages_that_show_it(
    cdn, figure_on_home, django_capture_on_commit_callbacks
):
    cdn.clear()
    figure_on_home.value = 1712
    with django_capture_on_commit_callbacks(execute=True):
        figure_on_home.save_revision().publish()
    home = HomePage.objects.get()
    [stats] = home.body
    assert set(cdn) == {
        "http://localhost/",
        f"http://localhost/embed/stats/{home.pk}/{stats.id}/",
        "http://localhost/how-we-count/",
        "http://localhost/how-we-count/csv/",
        "http://localhost/how-we-count/json/",
        f"http://localhost/embed/figures/{figure_on_home.pk}/",
    }


def test_an_answer_carrying_a_csrf_token_is_never_shared(rf):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from ifex.core.page_cache import reader_may_share

    request = rf.get("/")
    assert reader_may_share(request, HttpResponse("the same for everyone"))
    get_token(request)  # what {% csrf_token %} does when a form is rendered
    assert not reader_may_share(request, HttpResponse("a form for this reader only"))


@pytest.mark.urls("tests.ifex.public_form_urls")
def test_a_public_page_whose_template_asks_for_a_csrf_token_is_neither_cached_nor_public(client):
    first = client.get("/form/")
    assert "csrfmiddlewaretoken" in first.content.decode()
    assert "public" not in first["Cache-Control"], "a CDN would hand one reader's token to all"
    assert cache_status(client.get("/form/")) == "not cacheable"


def test_a_feed_is_served_in_one_piece_from_the_cache(client, article_index):
    """The RSS writer gives the response thousands of small pieces; a WSGI server sends each
    one in a call of its own. A public answer is joined into one before it is kept or sent."""
    ArticlePageFactory.create_batch(3, parent=article_index)
    first = client.get("/articles/feed/")
    again = client.get("/articles/feed/")
    assert again[CACHE_STATUS_HEADER] == "hit"
    for response in (first, again):
        pieces = list(response)
        assert len(pieces) == 1
        assert b"</rss>" in pieces[0]


# A cache that cannot be written (issue 23, defect 3): it costs speed, never a 500, never a page
# a change has replaced.


@contextlib.contextmanager
def read_only(folder):
    """The folder's files can be read, none written, renamed or deleted (as on a read-only
    mount). Root ignores permission bits, so for root the folder is made immutable."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    try:
        yield
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o755)


@pytest.fixture
def file_cache(settings, tmp_path):
    """Production's cache without Redis: files in a folder."""
    folder = tmp_path / "cache"
    settings.CACHES = {
        "default": {"BACKEND": "ifex.core.cache.TolerantFileBasedCache", "LOCATION": str(folder)}
    }
    cache.clear()
    return folder


@pytest.fixture
def redis_cache(settings, tmp_path):
    """Production's cache with REDIS_URL; yields a client to misbehave with."""
    with redis_server(tmp_path) as (url, _):
        settings.CACHES = {
            "default": {
                "BACKEND": "ifex.core.cache.TolerantRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        yield redis.Redis.from_url(url)


@contextlib.contextmanager
def refusing_writes(server):
    """Redis at its memory limit with no eviction, as a full Redis is: reads answer, every
    write is refused ("command not allowed when used memory > maxmemory")."""
    server.config_set("maxmemory-policy", "noeviction")
    server.config_set("maxmemory", 1)
    with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
        server.set("probe", "refused")
    try:
        yield
    finally:
        server.config_set("maxmemory", 0)


def pulled_pages_are_never_served(client, article_index, fault):
    """Pages are cached; under `fault` an article is unpublished and another made private;
    neither is served or listed, then or once the fault has cleared. The API and a page with an
    image (the rendition cache) answer as usual meantime."""
    pulled = ArticlePageFactory(parent=article_index, title="Retracted report")
    private = ArticlePageFactory(parent=article_index, title="Board minutes")
    for url in (pulled.url, private.url, "/articles/", "/articles/feed/"):
        client.get(url)
        assert cache_status(client.get(url)) == "hit", url

    def nothing_pulled_is_out():
        assert client.get(pulled.url).status_code == 404
        assert client.get(private.url).status_code == 302, "to the login"
        for url in ("/articles/", "/articles/feed/"):
            listed = html_of(client, url)
            assert "Retracted report" not in listed and "Board minutes" not in listed, url

    with fault():
        pulled.unpublish()
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        nothing_pulled_is_out()
        illustrated = ArticlePageFactory(parent=article_index, hero_image=SiteImageFactory())
        assert client.get(illustrated.url).status_code == 200
        assert client.get("/api/v1/statements/").status_code == 200
    nothing_pulled_is_out()


def test_a_read_only_file_cache_serves_nothing_a_change_replaced(client, article_index, file_cache):
    pulled_pages_are_never_served(client, article_index, lambda: read_only(file_cache))


def test_a_redis_refusing_writes_serves_nothing_a_change_replaced(
    client, article_index, redis_cache
):
    pulled_pages_are_never_served(client, article_index, lambda: refusing_writes(redis_cache))


def test_a_change_on_another_server_stops_this_one_serving_what_it_replaced(
    client, article, settings, redis_cache
):
    """Another app server unpublished the article and could not tell the cache: this server
    reads the content version from the database, where the change wrote it, at its next
    check (every PAGE_CACHE_VERSION_CHECK_SECONDS; here, every request)."""
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 0
    client.get(article.url)
    assert cache_status(client.get(article.url)) == "hit"

    with refusing_writes(redis_cache):
        # What the other server's unpublish wrote: the page, and a new version beside it.
        Page.objects.filter(pk=article.pk).update(live=False)
        ContentVersion.objects.filter(key="pagecache:version").update(version="elsewhere")
        assert client.get(article.url).status_code == 404


def test_between_checks_a_cached_page_costs_no_query(
    client, article, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 3600
    client.get(article.url)
    with django_assert_num_queries(0):
        assert cache_status(client.get(article.url)) == "hit"


# Cache busting (defect 8) and the scheme (defect 9).


def test_parameters_a_page_does_not_read_make_no_new_entry(
    client, article_index, article, file_cache
):
    ArticlePageFactory.create_batch(13, parent=article_index)  # two pages of articles
    client.get("/articles/")
    client.get(article.url)
    entries = len(list(file_cache.iterdir()))
    for number in range(30):
        buster = f"bust{number}"
        for url in (f"/articles/?x={buster}", f"{article.url}?utm_source={buster}&q={buster}"):
            response = client.get(url)
            assert cache_status(response) == "hit", url
            assert buster not in response.content.decode(), "nor does it show them"
    assert len(list(file_cache.iterdir())) == entries

    second_page = client.get("/articles/?page=2&utm_source=mail")
    assert cache_status(second_page) == "miss", "the listing reads ?page="
    assert cache_status(client.get("/articles/?page=2")) == "hit"
    assert cache_status(client.get("/search/?q=Veracruz")) == "miss"
    assert cache_status(client.get("/search/?x=1&q=Veracruz")) == "hit"


def test_a_reader_over_https_and_one_over_http_each_get_their_own_links(client, article, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The proxy passes the reader's Host header on, the same over either scheme.
    over_https = client.get(article.url, HTTP_HOST="testserver", HTTP_X_FORWARDED_PROTO="https")
    assert 'rel="canonical" href="https://testserver' in over_https.content.decode()

    over_http = client.get(article.url, HTTP_HOST="testserver")
    assert f'rel="canonical" href="http://testserver{article.url}"' in over_http.content.decode()
    assert "https://testserver" not in over_http.content.decode()


def test_the_site_root_paths_are_wagtails_read_in_one_query(home):
    """Every page URL needs Wagtail's site root paths: when the cache lost them, they are read
    in one query (Wagtail's own takes one for the sites and one per site for its homes), the
    same paths in the same order, and kept under Wagtail's key, which Wagtail clears."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Site

    from ifex.core.page_cache import WAGTAILS_SITE_ROOT_PATHS, root_paths_in_the_cache
    from tests.support import translated

    translated(home, "fr")
    translated(home, "ar")
    Site.objects.create(hostname="other.example", port=8080, root_page=home)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        ours = root_paths_in_the_cache()
    assert len(queries) == 1
    cache.clear()
    assert ours == WAGTAILS_SITE_ROOT_PATHS()
    assert len({path.language_code for path in ours}) == 3
    with CaptureQueriesContext(connection) as queries:
        assert root_paths_in_the_cache() == ours
    assert not queries


def test_a_value_the_page_would_show_under_another_address_makes_no_new_entry(
    client, article_index, article, file_cache
):
    """A page number written otherwise (?page=02), past the last page or not a number, and a
    search with spaces or control characters the search drops, are answered as the page they
    show, and not kept: a cache-buster in a parameter a page reads fills no disk."""
    ArticlePageFactory.create_batch(13, parent=article_index)  # two pages of articles
    for url in ("/articles/", "/articles/?page=2", "/search/?q=Veracruz"):
        client.get(url)
    entries = len(list(file_cache.iterdir()))
    for number in range(20):
        for url, shows in (
            (f"/articles/?page=bust{number}", "/articles/"),
            (f"/articles/?page={'0' * (number + 1)}2", "/articles/?page=2"),
            (f"/articles/?page={number + 3}", "/articles/?page=2"),
            (f"/search/?q={'+' * (number + 1)}Veracruz", "/search/?q=Veracruz"),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert cache_status(response) == "not cacheable", url
            assert html_of(client, shows).count("card") == response.content.decode().count("card")
    assert len(list(file_cache.iterdir())) == entries
