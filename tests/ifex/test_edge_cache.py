"""The edge cache's own rules (ifex/deploy/varnish.vcl, ifex/core/edge_cache.py), with Debian's
Varnish in front of a stand-in app whose answers each test sets: what is kept, for whom, how an
expired page is refreshed during a crowd, and who may refresh, purge and ban. The site itself
behind it is tested in test_cluster.py (a publish seen through nginx and the edge at once)."""

import http.server
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ifex.core.edge_cache import EdgeCacheBackend
from tests import support

SHARED = "public, max-age=0, s-maxage=60"


class StandIn(http.server.ThreadingHTTPServer):
    """An app server that answers each path as the test says, and counts what reaches it."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Answer)
        self.answers, self.asked, self.lock = {}, {}, threading.Lock()

    def answer(self, path, body, *, status=200, cache_control=SHARED, delay=0.0, headers=None):
        self.answers[path] = (status, body, {"Cache-Control": cache_control, **(headers or {})})
        self.delay = delay

    def times_asked(self, path):
        return self.asked.get(path, 0)


class Answer(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server
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
