"""What every page reads about the site is kept in each worker's memory (`kept_by_worker`), so
that a publish or a Redis restart costs no query for it: every change to it shows on the very
next request all the same, here and on every other app server."""

import pytest
from django.core.cache import cache
from wagtail.models import Locale, Page, PageViewRestriction, Site

from articles.factories import ArticleIndexPageFactory, ArticlePageFactory
from ifex.core.models import ContentVersion, SiteSettings
from ifex.core.page_cache import (
    VERSION_KEY,
    WAGTAILS_SITE_ROOT_PATHS,
    model_version_key,
    site_root_paths,
)
from tests.support import html_of, request_queries, translated

pytestmark = pytest.mark.django_db


def test_after_a_publish_and_a_redis_restart_a_page_reads_nothing_about_the_site_again(
    client, home, article_index
):
    article = ArticlePageFactory(parent=article_index)
    html_of(client, article.url)
    article.save_revision().publish()
    cache.clear()
    queries = "\n".join(request_queries(client, article.url)[1])
    for table in ("wagtailcore_site", "wagtailcore_locale", "wagtailcore_pageviewrestriction"):
        assert f'FROM "{table}"' not in queries, table
    assert 'FROM "core_sitesettings"' not in queries


def test_a_settings_change_shows_on_the_next_request(client, home, article_index):
    article = ArticlePageFactory(parent=article_index, title="Trial opens")
    assert "<title>Trial opens | IFEX</title>" in html_of(client, article.url)
    settings = SiteSettings.for_site(home.get_site())
    settings.organisation_name = "Free Expression Network"
    settings.save()
    assert "<title>Trial opens | Free Expression Network</title>" in html_of(client, article.url)


def test_a_settings_change_on_another_server_shows_here_at_its_next_check(
    client, home, article_index, settings
):
    """The other server saved the settings and could not tell the cache: this worker reads
    the versions from the database at its next check (here, every request)."""
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 0
    article = ArticlePageFactory(parent=article_index, title="Trial opens")
    assert "<title>Trial opens | IFEX</title>" in html_of(client, article.url)
    SiteSettings.objects.update(organisation_name="Free Expression Network")
    for key in (VERSION_KEY, model_version_key(SiteSettings)):
        ContentVersion.objects.update_or_create(key=key, defaults={"version": "elsewhere"})
    assert "<title>Trial opens | Free Expression Network</title>" in html_of(client, article.url)


def test_a_menu_change_shows_on_the_next_request(client, home):
    assert 'href="/reports/"' not in html_of(client, "/")
    section = ArticleIndexPageFactory(parent=home, title="Reports", slug="reports")
    section.show_in_menus = True
    section.save_revision().publish()
    assert 'href="/reports/"' in html_of(client, "/")
    section.unpublish()
    assert 'href="/reports/"' not in html_of(client, "/")


def test_a_new_restriction_shows_on_the_next_request(client, article_index):
    ArticlePageFactory(parent=article_index, title="Public verdict")
    minutes = ArticlePageFactory(parent=article_index, title="Board minutes")
    assert "Board minutes" in html_of(client, "/articles/")
    assert client.get(minutes.url).status_code == 200
    PageViewRestriction.objects.create(page=minutes, restriction_type=PageViewRestriction.LOGIN)
    assert "Board minutes" not in html_of(client, "/articles/")
    response = client.get(minutes.url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_new_language_home_shows_on_the_next_request(client, home, article_index):
    article = ArticlePageFactory(parent=article_index)
    assert f"<title>{home.title} |" in html_of(client, "/fr/"), "the English home meanwhile"
    assert 'href="/fr/" hreflang="fr"' in html_of(client, article.url)
    french = translated(home, "fr", title="Accueil")
    assert "<title>Accueil |" in html_of(client, "/fr/")
    french.unpublish()
    assert f"<title>{home.title} |" in html_of(client, "/fr/")


def test_page_addresses_follow_a_new_site_a_new_locale_and_a_new_draft_home(home):
    """Wagtail's site root paths, which every page URL reads, are kept by the worker: each
    change to them is seen by the next page URL made, as Wagtail's own would."""

    def wagtails():
        Site.clear_site_root_paths_cache()
        return WAGTAILS_SITE_ROOT_PATHS()

    assert Site.get_site_root_paths() == wagtails()
    Site.objects.create(hostname="other.example", port=8080, root_page=home)
    assert Site.get_site_root_paths() == site_root_paths() == wagtails()
    spanish, _ = Locale.objects.get_or_create(language_code="es")
    draft = Page.objects.get(pk=home.pk).copy_for_translation(spanish)
    assert not draft.live
    found = site_root_paths()
    assert found == wagtails()
    assert draft.url_path in {path.root_path for path in found}


@pytest.fixture
def sites(home):
    """The default site, another host on two ports, and a host that is not the default."""
    Site.objects.create(hostname="other.example", port=8080, root_page=home)
    Site.objects.create(hostname="other.example", port=8443, root_page=home)
    Site.objects.create(hostname="third.example", port=80, root_page=home)
    return list(Site.objects.select_related("root_page"))


@pytest.mark.parametrize(
    "hostname, port",
    [("testserver", 80), ("other.example", 8080), ("other.example", 9000), ("nowhere", 80),
     ("third.example", 81), ("localhost", 8000)],
)  # fmt: skip
def test_the_site_is_found_among_those_read_as_wagtail_finds_it(sites, hostname, port):
    from wagtail.models.sites import get_site_for_hostname

    from ifex.core.site_wide import site_for_hostname

    try:
        wagtails = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        wagtails = None
    assert site_for_hostname(sites, hostname, port) == wagtails


def test_a_new_worker_reads_what_every_request_needs_about_the_site_in_one_query(
    rf, sites, home, article_index, settings
):
    """The site, Wagtail's root paths, the locales and the restricted paths, each as its own
    reader would have read it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ifex.core.languages import LOCALE_IDS_KEY
    from ifex.core.page_cache import KEPT_BY_WORKER, site_key
    from ifex.core.pages import RESTRICTED_PATHS_KEY
    from ifex.core.site_wide import read_together

    translated(home, "fr")
    private = ArticlePageFactory(parent=article_index)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    KEPT_BY_WORKER.clear()
    settings.ALLOWED_HOSTS = ["other.example"]
    request = rf.get("/", HTTP_HOST="other.example:8080", SERVER_PORT="8080")
    with CaptureQueriesContext(connection) as queries:
        read_together(request)
    assert len(queries) == 1

    def kept(key):
        import pickle

        return pickle.loads(KEPT_BY_WORKER[key][1])

    Site.clear_site_root_paths_cache()
    assert kept("site_root_paths") == WAGTAILS_SITE_ROOT_PATHS()
    assert kept(site_key(request)) == Site._find_for_request(request)
    assert kept(site_key(request)).hostname == "other.example"
    assert kept(LOCALE_IDS_KEY) == dict(Locale.objects.values_list("language_code", "pk"))
    assert kept(RESTRICTED_PATHS_KEY) == [private.path]
