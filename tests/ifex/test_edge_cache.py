"""The edge cache's own rules (ifex/deploy/varnish.vcl, ifex/core/edge_cache.py), with Debian's
Varnish in front of a stand-in app whose answers each test sets: what is kept, for whom, how an
expired page is refreshed during a crowd, and who may refresh, purge and ban. The site itself
behind it is tested in test_cluster.py (a publish seen through nginx and the edge at once)."""

import contextlib
import http.server
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale

from articles.factories import ArticlePageFactory
from campaigns.factories import ImpunityFigureFactory
from ifex.core import edge_cache
from ifex.core.edge_cache import GUARD_PATH, EdgeCacheBackend
from ifex.core.factories import stream_data
from ifex.core.models import EdgeBanOwed
from tests import support

SHARED = "public, max-age=0, s-maxage=60"


class StandIn(http.server.ThreadingHTTPServer):
    """An app server that answers each path as the test says, and counts what reaches it."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Answer)
        self.answers, self.asked, self.lock = {}, {}, threading.Lock()
        # The edge's probe (`/healthz/edge`): "no ban owed", unless a test hands it to the site's
        # own answer (`edge_cache.guard_answer`).
        self.guard = None

    def answer(self, path, body, *, status=200, cache_control=SHARED, delay=0.0, headers=None):
        self.answers[path] = (status, body, {"Cache-Control": cache_control, **(headers or {})})
        self.delay = delay

    def times_asked(self, path):
        return self.asked.get(path, 0)


class Answer(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server
        if self.path == GUARD_PATH:
            return self.answer_probe()
        with server.lock:
            server.asked[self.path] = server.asked.get(self.path, 0) + 1
        status, body, headers = server.answers.get(self.path, (404, "not here", {}))
        time.sleep(getattr(server, "delay", 0))
        if self.path == "/client":
            body = self.headers.get("X-Forwarded-For", "")
        data = body.encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer_probe(self):
        status, body = 200, b"nothing owed"
        if self.server.guard:
            answer = self.server.guard()
            status, body = answer.status_code, answer.content
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def app():
    server = StandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def edge(app, tmp_path_factory):
    address = f"http://127.0.0.1:{app.server_address[1]}"
    app.answer("/robots.txt", "User-agent: *")
    with support.varnish_in_front_of([address], run_dir=tmp_path_factory.mktemp("edge")) as base:
        yield base


@pytest.fixture
def path():
    return f"/page-{uuid.uuid4().hex[:8]}/"


def get(url, headers=None):
    """As nginx in front asks: the host without the port (`proxy_set_header Host $host`)."""
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **(headers or {})})
    status, answer_headers, body = support.fetch_request(request)
    return status, answer_headers.get("X-Edge-Cache"), body


def test_a_shared_page_is_kept_and_the_app_asked_once(app, edge, path):
    app.answer(path, "first")
    assert get(edge + path) == (200, "MISS", "first")
    assert get(edge + path) == (200, "HIT", "first")
    assert app.times_asked(path) == 1


@pytest.mark.parametrize(
    ("cache_control", "headers"),
    [
        ("private, no-cache", {}),
        ("max-age=0, no-cache, no-store, must-revalidate, private", {}),
        (SHARED, {"Set-Cookie": "csrftoken=abc; Path=/"}),
    ],
    ids=["private", "never-cache", "sets-a-cookie"],
)
def test_what_the_app_did_not_mark_as_shared_is_never_kept(app, edge, path, cache_control, headers):
    app.answer(path, "for one reader", cache_control=cache_control, headers=headers)
    for _ in range(2):
        assert get(edge + path)[1] == "PASS"
    assert app.times_asked(path) == 2


@pytest.mark.parametrize(
    "headers", [{"Cookie": "sessionid=abc"}, {"Cookie": "csrftoken=x; sessionid=abc"}]
)
def test_a_signed_in_visitor_is_never_served_a_kept_page(app, edge, path, headers):
    app.answer(path, "kept for readers")
    get(edge + path)
    assert get(edge + path)[1] == "HIT"
    assert get(edge + path, headers)[1] == "PASS"


def test_the_admin_files_and_the_api_are_never_kept(app, edge):
    for path in ("/admin/x/", "/documents/1/a.pdf", "/media/images/a.jpg", "/api/v1/cases/"):
        app.answer(path, "checked each time")
        get(edge + path)
        assert get(edge + path)[1] == "PASS", path


def test_an_expired_page_is_refreshed_by_one_request_while_the_crowd_gets_the_kept_copy(
    app, edge, path
):
    app.answer(path, "before", cache_control="public, max-age=0, s-maxage=1")
    assert get(edge + path)[2] == "before"
    expired_at = time.monotonic() + 1.2
    while time.monotonic() < expired_at:  # the page's own lifetime running out
        time.sleep(0.1)
    app.answer(path, "after", cache_control="public, max-age=0, s-maxage=60", delay=1.0)

    with ThreadPoolExecutor(max_workers=16) as crowd:
        answers = list(crowd.map(lambda _: get(edge + path), range(16)))
    assert {body for _, _, body in answers} == {"before"}, "nobody waited for the render"
    assert {kept for _, kept, _ in answers} == {"STALE"}
    deadline = time.monotonic() + 10
    while get(edge + path)[2] != "after" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert get(edge + path) == (200, "HIT", "after")
    assert app.times_asked(path) == 2, "one request refreshed it"
    app.delay = 0


def test_a_page_no_one_holds_is_asked_of_the_app_once_for_a_crowd(app, edge, path):
    app.answer(path, "news", delay=0.5)
    with ThreadPoolExecutor(max_workers=16) as crowd:
        answers = list(crowd.map(lambda _: get(edge + path), range(16)))
    app.delay = 0
    assert {body for _, _, body in answers} == {"news"}
    assert app.times_asked(path) == 1


def test_the_clients_address_reaches_the_app_as_the_proxy_in_front_gave_it(app, edge):
    app.answer("/client", "", cache_control="private")
    assert get(edge + "/client", {"X-Forwarded-For": "203.0.113.9"})[2] == "203.0.113.9"


def backend_for(edge):
    return EdgeCacheBackend({"LOCATION": edge})


def host_url(edge, path):
    """The page's address as the site names it: with the port of its address (SITE_URL), which
    the readers' requests through nginx do not carry."""
    return "http://127.0.0.1:8765" + path


def test_a_publish_refreshes_a_kept_page_in_place(app, edge, path, transactional_db):
    app.answer(path, "old words")
    get(edge + path)
    app.answer(path, "new words")

    backend_for(edge).purge(host_url(edge, path))

    assert get(edge + path) == (200, "HIT", "new words")


def test_a_page_that_is_gone_when_refreshed_is_purged(app, edge, path, transactional_db):
    app.answer(path, "pulled for safety")
    get(edge + path)
    app.answer(path, "not found", status=404, cache_control="private")

    backend_for(edge).purge(host_url(edge, path))

    assert get(edge + path)[:2] == (404, "PASS")


def test_a_removal_bans_every_page_of_the_site(app, edge):
    paths = [f"/listing-{uuid.uuid4().hex[:6]}/?country=mx", f"/feed-{uuid.uuid4().hex[:6]}/"]
    for path in paths:
        app.answer(path, "shows the pulled page")
        get(edge + path)
        assert get(edge + path)[1] == "HIT"

    backend_for(edge).purge_everything("127.0.0.1")

    for path in paths:
        assert get(edge + path)[1] == "MISS", path


def test_only_the_app_servers_may_refresh_purge_or_ban(app, tmp_path_factory, path):
    app.answer(path, "kept")
    address = f"http://127.0.0.1:{app.server_address[1]}"
    with support.varnish_in_front_of(
        [address], run_dir=tmp_path_factory.mktemp("closed-edge"), purge_from=("192.0.2.1",)
    ) as closed:
        get(closed + path)
        app.answer(path, "changed")
        assert get(closed + path, {"X-Edge-Refresh": "1"}) == (200, "HIT", "kept")
        for method in ("PURGE", "BAN"):
            request = urllib.request.Request(closed + path, method=method)
            assert support.fetch_request(request)[0] == 403
        assert get(closed + path) == (200, "HIT", "kept")


REFRESH_TASK = "ifex.core.edge_cache.refresh_at_the_edge"


def edge_settings(settings, location):
    settings.WAGTAILFRONTENDCACHE = {
        "edge": {"BACKEND": "ifex.core.edge_cache.EdgeCacheBackend", "LOCATION": location}
    }
    edge_cache.connect()  # as at start with EDGE_CACHE_URL set (a no-op without an edge)


@pytest.fixture
def queue(settings, monkeypatch):
    """The "background" tasks go to the database queue, as on a real server; the worker runs
    here, keeping the test's connection (and its transaction) open."""
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture
def refreshes(monkeypatch):
    """How many pages were fetched anew into the edge, and by whom."""
    done = []
    refresh = EdgeCacheBackend.refresh

    def counted(backend, url):
        done.append(url)
        return refresh(backend, url)

    monkeypatch.setattr(EdgeCacheBackend, "refresh", counted)
    return done


def test_a_publish_returns_before_the_edge_is_refreshed_and_the_worker_refreshes_it(
    app, edge, settings, queue, refreshes, article_index, django_capture_on_commit_callbacks
):
    edge_settings(settings, edge)
    page = ArticlePageFactory(parent=article_index, slug=f"verdict-{uuid.uuid4().hex[:6]}")
    path, as_site_names_it = page.url, {"Host": "localhost"}
    app.answer(path, "old words")
    get(edge + path, as_site_names_it)
    assert get(edge + path, as_site_names_it) == (200, "HIT", "old words")
    app.answer(path, "new words")

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    assert refreshes == [], "the publish fetched no page into the edge itself"
    assert get(edge + path, as_site_names_it) == (200, "HIT", "old words")
    queued = DBTaskResult.objects.filter(task_path=REFRESH_TASK)
    assert queued.exists() and set(queued.values_list("status", flat=True)) == {"READY"}
    call_command(
        "db_worker", "--batch", "--backend", "background", "--no-startup-delay", stdout=StringIO()
    )
    assert f"http://localhost{path}" in refreshes
    assert get(edge + path, as_site_names_it) == (200, "HIT", "new words")
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}


def answered_by_the_site(db):
    """The probe answered in the stand-in's thread by the site's own code, on the test's
    connection (as Django's live server shares it): it sees the test's uncommitted rows."""
    shared = connections["default"]
    shared.inc_thread_sharing()

    def answer():
        connections["default"] = shared
        return edge_cache.guard_answer()

    return answer, shared.dec_thread_sharing


@contextlib.contextmanager
def probed_by_the_site(app, db):
    answer, done = answered_by_the_site(db)
    app.guard = answer
    try:
        yield
    finally:
        app.guard = None
        done()


@pytest.fixture
def closed_edge(app, tmp_path_factory, db):
    """An edge that takes no ban from this process (its purgers are elsewhere), in front of the
    stand-in, whose probe is answered by the site's own code."""
    address = f"http://127.0.0.1:{app.server_address[1]}"
    with (
        support.varnish_in_front_of(
            [address], run_dir=tmp_path_factory.mktemp("closed"), purge_from=("192.0.2.1",)
        ) as base,
        probed_by_the_site(app, db),
    ):
        yield base


def test_an_unpublish_the_edge_cannot_be_told_of_leaves_no_kept_page_served(
    app, closed_edge, settings, article_index, path, django_capture_on_commit_callbacks
):
    """Before: the ban was refused, logged, and the edge served the pulled page until its
    lifetime ran out. Now the response of the unpublish comes once the edge passes."""
    edge_settings(settings, closed_edge)
    page = ArticlePageFactory(parent=article_index, slug=f"pulled-{uuid.uuid4().hex[:6]}")
    app.answer(path, "shows the pulled page")
    get(closed_edge + path)
    assert get(closed_edge + path)[1] == "HIT"
    asked = app.times_asked(path)

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()

    assert EdgeBanOwed.objects.exists()
    assert get(closed_edge + path)[1] == "PASS", "no kept page is served while a ban is owed"
    assert app.times_asked(path) == asked + 1


@pytest.fixture
def guarded_edge(app, tmp_path_factory, db):
    """An edge that takes this process's bans, its probe answered by the site's own code."""
    address = f"http://127.0.0.1:{app.server_address[1]}"
    with (
        support.varnish_in_front_of([address], run_dir=tmp_path_factory.mktemp("guarded")) as base,
        probed_by_the_site(app, db),
    ):
        yield base


def test_a_ban_owed_is_sent_again_by_the_probe_and_the_edge_serves_from_its_cache_again(
    app,
    guarded_edge,
    settings,
    article_index,
    path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    edge_settings(settings, guarded_edge)
    page = ArticlePageFactory(parent=article_index, slug=f"gone-{uuid.uuid4().hex[:6]}")
    site = {"Host": "localhost"}
    app.answer(path, "kept before")
    get(guarded_edge + path, site)
    assert get(guarded_edge + path, site)[1] == "HIT"
    with monkeypatch.context() as unreachable:  # the edge away at the moment of the change
        unreachable.setattr(EdgeCacheBackend, "purge_everything", lambda self, host: False)
        with django_capture_on_commit_callbacks(execute=True):
            page.unpublish()

    deadline = time.monotonic() + 15
    while EdgeBanOwed.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not EdgeBanOwed.objects.exists(), "the probe's request sent the ban again"
    while (kept := get(guarded_edge + path, site)[1]) == "PASS" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert kept == "MISS", "the ban sent again took the kept copy out"
    assert get(guarded_edge + path, site)[1] == "HIT", "the edge keeps pages again"


def test_a_figure_published_with_its_translations_is_one_refresh_of_every_page_showing_it(
    app, edge, settings, queue, home, django_capture_on_commit_callbacks
):
    """Four publishes (the figure and its three translations) in one transaction: one task,
    each page once, the homes first (most readers arrive there)."""
    edge_settings(settings, edge)
    figure = ImpunityFigureFactory(value=1700)
    for language in ("fr", "es", "ar"):
        translated = figure.copy_for_translation(Locale.objects.get(language_code=language))
        translated.save()
        translated.save_revision().publish()
    home.body = stream_data([("stats", {"heading": "Facts", "figures": [figure.pk]})])
    home.save_revision().publish()
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        figure.value = 1800
        figure.save_revision().publish()

    queued = DBTaskResult.objects.filter(task_path=REFRESH_TASK)
    assert queued.count() == 1
    urls = queued.get().args_kwargs["args"][1]
    assert len(urls) == len(set(urls)) and "http://localhost/" in urls
    assert any(url.endswith(f"/embed/figures/{figure.pk}/") for url in urls)


def test_the_homes_are_refreshed_before_the_pages_below_them(app, edge, refreshes):
    site = "http://127.0.0.1:8765"
    for path in ("/articles/verdict/", "/fr/", "/", "/articles/"):
        app.answer(path, "words")

    backend_for(edge).refresh_or_purge(
        [site + "/articles/verdict/", site + "/fr/", site + "/", site + "/articles/"]
    )

    assert refreshes == [
        site + "/",
        site + "/articles/",
        site + "/fr/",
        site + "/articles/verdict/",
    ]
