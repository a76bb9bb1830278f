"""No herd in the app's own page cache (deployments without an edge cache in front): one change
is one new content version however many translations are published with it, and while one
request renders a changed page the readers arriving meanwhile get the version before, never
after a change that took something away (unpublished, private)."""

import time

import pytest
from django.test import Client
from wagtail.models import Locale

from articles.factories import ArticlePageFactory
from articles.models import ArticleIndexPage
from campaigns.factories import ImpunityFigureFactory
from campaigns.models import HomePage
from cases.factories import CasePageFactory
from ifex.core import page_cache
from ifex.core.factories import stream_data
from ifex.core.page_cache import CACHE_STATUS_HEADER, VERSION_KEY
from tests.support import make_private, unpublish, withhold_the_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure_on_home(home):
    figure = ImpunityFigureFactory(value=1700)
    for language in ("fr", "es", "ar"):
        translated = figure.copy_for_translation(Locale.objects.get(language_code=language))
        translated.save()
        translated.save_revision().publish()
    home.body = stream_data([("stats", {"heading": "Facts", "figures": [figure.pk]})])
    home.save_revision().publish()
    return figure


@pytest.fixture
def versions_made(monkeypatch):
    """The content version after each replacement, as the worker that made it knows it."""
    made = []
    replace = page_cache.replace_version

    def recorded(*args, **kwargs):
        replace(*args, **kwargs)
        made.append(page_cache.known.get(VERSION_KEY))

    monkeypatch.setattr(page_cache, "replace_version", recorded)
    return made


def test_a_figure_published_with_its_translations_is_one_new_version(
    client, figure_on_home, versions_made, django_capture_on_commit_callbacks
):
    assert "1,700" in client.get("/").content.decode()
    before = page_cache.known.get(VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        figure_on_home.value = 1800
        figure_on_home.save_revision().publish()

    assert len(versions_made) >= 4, "the figure and its three translations each changed content"
    assert len(set(versions_made)) == 1 and versions_made[0] != before
    assert "1,800" in client.get("/").content.decode()


def test_changes_apart_are_each_a_new_version(client, figure_on_home, versions_made):
    """A version is only ever made again while nothing was read under it: a change after a
    reader's request is a new one, and that reader's next request sees it."""
    for value in (1800, 1900):
        figure_on_home.value = value
        figure_on_home.save_revision().publish()
        assert f"{value:,}" in client.get("/").content.decode()
    assert len({*versions_made}) == 2


def render_with_a_reader_arriving(monkeypatch, page_class):
    """While the first request renders a `page_class` page, a second reader asks for the same
    address: what that reader got."""
    arriving = {}
    serve = page_class.serve

    def serve_while_another_arrives(page, request, *args, **kwargs):
        if not arriving:
            arriving["asked"] = True
            arriving["response"] = Client().get(request.path)
        return serve(page, request, *args, **kwargs)

    monkeypatch.setattr(page_class, "serve", serve_while_another_arrives)
    return arriving


def test_while_one_request_renders_a_published_change_the_others_get_the_version_before(
    client, figure_on_home, monkeypatch
):
    client.get("/")
    assert client.get("/")[CACHE_STATUS_HEADER] == "hit"
    figure_on_home.value = 1800
    figure_on_home.save_revision().publish()
    arriving = render_with_a_reader_arriving(monkeypatch, HomePage)

    rendered = client.get("/")

    assert rendered[CACHE_STATUS_HEADER] == "miss" and "1,800" in rendered.content.decode()
    meanwhile = arriving["response"]
    assert meanwhile[CACHE_STATUS_HEADER] == "stale"
    assert "1,700" in meanwhile.content.decode()
    assert "private" in meanwhile["Cache-Control"], "no other cache keeps the version before"
    after = client.get("/")
    assert after[CACHE_STATUS_HEADER] == "hit" and "1,800" in after.content.decode()


@pytest.mark.parametrize("take_away", [unpublish, make_private, withhold_the_name])
def test_no_reader_gets_the_version_before_a_page_was_taken_away(
    client, article_index, case_index, mexico, monkeypatch, take_away
):
    """Taken away: the article itself, or the name of a person it names (withheld on the
    case, then taken out of every page about them: a publish of the case, not of the page)."""
    case = CasePageFactory(
        parent=case_index,
        title="Reporter attacked",
        person_name="Zorbane Quillfeather",
        country=mexico,
    )
    article = ArticlePageFactory(
        parent=article_index,
        title="Pulled for safety",
        teaser="Zorbane Quillfeather was threatened.",
        body=stream_data([("paragraph", f'<p><a linktype="page" id="{case.pk}">Case</a></p>')]),
    )
    article.about_case = case
    client.get("/articles/")
    assert "Zorbane Quillfeather" in client.get("/articles/").content.decode()
    take_away(article)
    arriving = render_with_a_reader_arriving(monkeypatch, ArticleIndexPage)

    client.get("/articles/")

    meanwhile = arriving["response"]
    assert meanwhile[CACHE_STATUS_HEADER] == "miss"
    assert "Quillfeather" not in meanwhile.content.decode()


def test_a_render_that_fails_leaves_no_reader_on_the_version_before(figure_on_home, monkeypatch):
    reader = Client(raise_request_exception=False)
    reader.get("/")
    figure_on_home.value = 1800
    figure_on_home.save_revision().publish()
    serve = HomePage.serve
    failures = []

    def fails_once(page, request, *args, **kwargs):
        if not failures:
            failures.append(request.path)
            raise RuntimeError("the render died")
        return serve(page, request, *args, **kwargs)

    monkeypatch.setattr(HomePage, "serve", fails_once)

    assert reader.get("/").status_code == 500
    after = reader.get("/")
    assert after[CACHE_STATUS_HEADER] == "miss" and "1,800" in after.content.decode()


def test_readers_get_the_version_before_no_longer_than_the_render_may_take(
    figure_on_home, monkeypatch, settings
):
    """A worker that died rendering (no `finally` ran) holds the page for
    PAGE_CACHE_RENDER_SECONDS at most: then the next reader renders it."""
    settings.PAGE_CACHE_RENDER_SECONDS = 1
    reader = Client(raise_request_exception=False)
    reader.get("/")
    figure_on_home.value = 1800
    figure_on_home.save_revision().publish()
    serve = HomePage.serve

    def dies(page, request, *args, **kwargs):
        monkeypatch.undo()  # the next render is a working one
        monkeypatch.setattr(page_cache.cache, "delete", lambda *args, **kwargs: None)
        raise SystemExit("the worker was killed")

    monkeypatch.setattr(HomePage, "serve", dies)
    started = time.monotonic()
    with pytest.raises(SystemExit):
        reader.get("/")
    assert HomePage.serve is serve
    assert reader.get("/")[CACHE_STATUS_HEADER] == "stale", "the dead worker's claim holds"

    while (answer := reader.get("/"))[CACHE_STATUS_HEADER] == "stale":
        assert time.monotonic() - started < 10, "served the version before past its bound"
        time.sleep(0.05)
    assert answer[CACHE_STATUS_HEADER] == "miss" and "1,800" in answer.content.decode()
    assert time.monotonic() - started >= 1, "held as long as a render may take"
