"""Two app servers behind nginx, on one PostgreSQL, one Redis and one shared media folder, as
README.md's deploy section lays them out: they agree with each other.

Each server is gunicorn with the production settings and nothing but environment variables;
each has its own VAR_DIR, as on two machines. Media are one folder both use (the local stand-in
for shared storage; S3-compatible storage is configured, not run, here: see README.md).
"""

import http.cookiejar
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import redis

from ifex.core.factories import generated_picture
from tests import support

SECRET = "cluster-test-secret-" + "k" * 40
API_RATE_LIMIT = 10
PREPARE = """
from django.core.management import call_command
for step in (("migrate", "--noinput"), ("configure_site",), ("collectstatic", "--noinput")):
    call_command(*step, verbosity=0)
call_command("ensure_demo_users")
from campaigns.factories import ImpunityFigureFactory
ImpunityFigureFactory(value=1700)
"""


@dataclass
class Cluster:
    proxy: str
    edge: str
    a: str
    b: str
    env: dict
    redis_port: int
    redis_dir: Path
    redis: subprocess.Popen
    logins: dict

    def manage(self, *args, timeout=120) -> str:
        """A management command on the cluster's database and cache, as an operator runs one."""
        finished = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=support.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert finished.returncode == 0, finished.stderr[-3000:]
        return finished.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).strip().splitlines()[-1]


def start_gunicorn(env: dict, var_dir: Path) -> tuple[str, subprocess.Popen]:
    port = support.free_port()
    var_dir.mkdir(parents=True, exist_ok=True)
    log = open(var_dir / "gunicorn.log", "w")  # noqa: SIM115 (closed by the OS with the test)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "ifex.wsgi:application"),
            *("--config", "python:ifex.deploy.gunicorn", "--workers", "2"),
            *("--bind", f"127.0.0.1:{port}", "--no-control-socket"),
        ],
        cwd=support.BASE_DIR,
        env={**env, "VAR_DIR": str(var_dir)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_path = log.name
    base = f"http://127.0.0.1:{port}"
    support.wait_until_serving(base + "/healthz", process, timeout=120)
    return base, process


@support.made_ahead("cluster")
def cluster_maker(request, tmp_path_factory):
    migrated_template = request.getfixturevalue("migrated_template")
    folders = {
        name: tmp_path_factory.mktemp(name)
        for name in ("shared", "redis", "server-a", "server-b", "varnish", "nginx")
    }
    shared, redis_dir = folders["shared"], folders["redis"]

    def make(stack):
        support.require_nginx()
        database_url = stack.enter_context(support.scratch_database(migrated_template))
        redis_url, redis = stack.enter_context(support.redis_server(redis_dir))
        edge_port = support.free_port()
        env = support.child_environment(
            EDGE_CACHE_URL=f"http://127.0.0.1:{edge_port}",
            DJANGO_SETTINGS_MODULE="ifex.settings.production",
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            HTTPS_ONLY="false",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            MEDIA_ROOT=str(shared / "media"),
            STATIC_ROOT=str(shared / "static"),
            VAR_DIR=str(shared / "release"),
            TRUSTED_PROXY_COUNT="1",
            SITE_URL="http://127.0.0.1",
            EMAIL_URL="console:",
            API_RATE_LIMIT=f"{API_RATE_LIMIT}/hour",  # an hour: no test here lasts one
            PYTHONUNBUFFERED="1",
            # Each request reads the content versions from the database: another server's
            # change is seen on the next request, not within the production default's second.
            PAGE_CACHE_VERSION_CHECK_SECONDS="0",
        )
        # The release steps, once (migrate, the site record, static files); then a published
        # figure and the staff who sign in. Not the whole demo: its renditions take 20 s.
        prepared = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", PREPARE],
            cwd=support.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        assert prepared.returncode == 0, prepared.stdout[-2000:] + prepared.stderr[-3000:]
        logins = json.loads((shared / "release" / "demo-logins.json").read_text())
        servers = []
        for name in ("a", "b"):
            base, process = start_gunicorn(env, folders[f"server-{name}"])
            stack.callback(support.stop, process)
            servers.append(base)
        edge = stack.enter_context(
            support.varnish_in_front_of(servers, run_dir=folders["varnish"], port=edge_port)
        )
        proxy = stack.enter_context(
            support.nginx_in_front_of(
                [edge],
                static_root=shared / "static",
                media_root=shared / "media",
                run_dir=folders["nginx"],
            )
        )
        return Cluster(
            proxy=proxy,
            edge=edge,
            a=servers[0],
            b=servers[1],
            env=env,
            redis_port=int(redis_url.rsplit(":", 1)[1].split("/")[0]),
            redis_dir=redis_dir,
            redis=redis,
            logins=logins,
        )

    return make


@pytest.fixture(scope="module")
def cluster(prepared):
    return prepared("cluster").get()


class Forms(HTMLParser):
    """The POST forms of a page with their current values, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current, self.textarea, self.select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.current["fields"].append([attrs["name"], attrs.get("value") or ""])
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]
            self.current["fields"].append(self.textarea)
        elif tag == "select" and attrs.get("name"):
            self.select = {"name": attrs["name"], "first": None, "chosen": None}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"] = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None and self.current is not None:
            chosen = self.select["chosen"]
            value = chosen if chosen is not None else self.select["first"] or ""
            self.current["fields"].append([self.select["name"], value])
            self.select = None


class Visitor:
    """One browser: cookies (sent to every server of the site), forms with their CSRF token."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def form(self, url) -> dict:
        status, _, page = self.open(url)
        assert status == 200, (url, status)
        parser = Forms()
        parser.feed(page)
        form = max(parser.forms, key=lambda found: len(found["fields"]))
        return dict(form["fields"])

    def submit(self, url, fields, files=None):
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for name, value in fields.items():
                body += (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n"
                ).encode()
            for name, (filename, content, kind) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                        f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
                    ).encode()
                    + content
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = (
                urllib.parse.urlencode(fields).encode(),
                "application/x-www-form-urlencoded",
            )
        return self.open(url, body, {"Content-Type": kind, "Referer": url})

    def sign_in(self, base, username, password):
        fields = self.form(base + "/admin/login/")
        fields.update(username=username, password=password)
        return self.submit(base + "/admin/login/", fields)


def anonymous(url):
    status, headers, body = support.fetch(url)
    return status, headers.get("X-Page-Cache"), body


def test_a_figure_published_through_one_server_shows_on_the_other(cluster):
    pk, value = cluster.shell(
        "from campaigns.models import ImpunityFigure as F; "
        "f = F.objects.filter(live=True, kind='count', live_count='').first(); "
        "print(f.pk, f.value)"
    ).split()
    assert anonymous(cluster.b + "/how-we-count/")[0] == 200
    status, cache, page = anonymous(cluster.b + "/how-we-count/")
    assert cache == "hit", "server B holds the page in the shared cache"

    staff = Visitor()
    assert staff.sign_in(cluster.a, "campaigner", cluster.logins["campaigner"])[1].endswith(
        "/admin/"
    )
    edit = f"{cluster.a}/admin/snippets/campaigns/impunityfigure/edit/{pk}/"
    fields = staff.form(edit)
    fields.update(value=str(int(value) + 4242), **{"action-publish": "action-publish"})
    status, landed, _ = staff.submit(edit, fields)
    assert status == 200 and "/edit/" not in landed, "published: back to the figure list"

    shown = f"{int(value) + 4242:,}"  # as the site groups digits in English
    status, cache, page = anonymous(cluster.b + "/how-we-count/")
    assert status == 200 and cache == "miss"
    assert shown in page
    assert shown in anonymous(cluster.proxy + "/how-we-count/")[2]


def test_a_session_started_on_one_server_is_valid_on_the_other(cluster):
    staff = Visitor()
    status, landed, _ = staff.sign_in(cluster.a, "editor", cluster.logins["editor"])
    assert landed.endswith("/admin/")
    status, landed, page = staff.open(cluster.b + "/admin/")
    assert status == 200 and landed == cluster.b + "/admin/", "not sent back to sign in"
    assert "/admin/logout/" in page


def test_a_lockout_counted_on_one_server_holds_on_the_other(cluster):
    attacker = "203.0.113.77"
    for _ in range(5):
        support.submit_form(
            cluster.a + "/admin/login/",
            {"username": "moderator", "password": "wrong"},
            headers={"X-Forwarded-For": attacker},
        )
    answer = support.submit_form(
        cluster.b + "/admin/login/",
        {"username": "moderator", "password": cluster.logins["moderator"]},
        headers={"X-Forwarded-For": attacker},
    )
    assert answer == 429, "even the right password is refused on server B"


def api_status(base, reader) -> int:
    """A reader behind the proxy (TRUSTED_PROXY_COUNT=1: the address nginx would add)."""
    request = urllib.request.Request(base + "/api/v1/figures/", headers={"X-Forwarded-For": reader})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        assert json.loads(error.read())["detail"], "answered in JSON"
        return error.code


def test_the_api_rate_limit_is_one_count_across_both_servers(cluster):
    """API_RATE_LIMIT requests per reader, counted in the shared Redis: spread over both servers
    (and their workers), they meet one limit, not one per server."""
    reader = "198.51.100.23"
    spread = [cluster.a, cluster.b] * (API_RATE_LIMIT // 2)
    assert [api_status(base, reader) for base in spread] == [200] * API_RATE_LIMIT
    assert api_status(cluster.a, reader) == 429
    assert api_status(cluster.b, reader) == 429
    assert api_status(cluster.b, "198.51.100.24") == 200, "another reader is not refused"


def test_an_image_uploaded_through_one_server_renders_on_the_other(cluster):
    staff = Visitor()
    staff.sign_in(cluster.a, "editor", cluster.logins["editor"])
    fields = staff.form(cluster.a + "/admin/images/add/")
    fields.update(title="Vigil in Manila", description="Candles at a vigil")
    picture = generated_picture(640, 360)
    status, landed, _ = staff.submit(
        cluster.a + "/admin/images/add/",
        fields,
        files={"file": ("vigil.jpg", picture, "image/jpeg")},
    )
    assert status == 200 and "/add/" not in landed, "uploaded: back to the image list"
    pk = cluster.shell(
        "from wagtail.images import get_image_model as m; "
        "print(m().objects.get(title='Vigil in Manila').pk)"
    )

    other = Visitor()
    other.sign_in(cluster.b, "editor", cluster.logins["editor"])
    status, _, page = other.open(f"{cluster.b}/admin/images/{pk}/")
    assert status == 200
    rendition = re.search(r'src="(/media/images/vigil[^"]+)"', page).group(1)
    for base in (cluster.b, cluster.proxy):
        with urllib.request.urlopen(base + rendition, timeout=30) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("image/")
            assert len(response.read()) > 1000


def test_a_scheduled_page_goes_live_once_with_every_server_running_the_jobs(cluster):
    slug = f"embargo-{uuid.uuid4().hex[:6]}"
    page_id, go_live = cluster.shell(
        "import datetime; from django.utils import timezone; "
        "from articles.models import ArticlePage, ArticleIndexPage; "
        f"page = ArticlePage(title='Embargo lifted', slug='{slug}', teaser='Embargoed.', "
        "date=datetime.date(2026, 11, 1), live=False); "
        "ArticleIndexPage.objects.get().add_child(instance=page); "
        "page.go_live_at = timezone.now() + datetime.timedelta(seconds=8); "
        "page.save_revision().publish(); print(page.pk, page.go_live_at.timestamp())"
    ).split()
    # Both servers' timers, firing at the go-live moment and then without pause: the worst
    # case of two servers' minutes coinciding, where both would find the page due.
    timer = (
        "import time; from django.core.management import call_command\n"
        f"while time.time() < {go_live}: time.sleep(0.002)\n"
        "end = time.time() + 3\n"
        "while time.time() < end: call_command('run_periodic_jobs')"
    )
    timers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", timer],
            cwd=support.BASE_DIR,
            env=cluster.env,
            stdout=subprocess.DEVNULL,
        )
        for _ in ("a", "b")
    ]
    for process in timers:
        assert process.wait(timeout=120) == 0
    published = cluster.shell(
        "from wagtail.models import PageLogEntry, Page; "
        f"page = Page.objects.get(pk={page_id}); "
        "print(page.live, page.revisions.count(), PageLogEntry.objects.filter("
        "page=page, action='wagtail.publish.scheduled').count())"
    )
    assert published == "True 1 1", "live, one revision, one log entry"
    assert anonymous(f"{cluster.b}/articles/{slug}/")[0] == 200


def through_the_edge(cluster, path):
    """A reader's request through nginx and the edge cache: status, X-Edge-Cache, body."""
    status, headers, body = support.fetch(cluster.proxy + path)
    return status, headers.get("X-Edge-Cache"), body


def kept_at_the_edge(cluster, *paths):
    """Each page asked for, then served from the edge (past its lifetime, kept and refreshed
    in the background: STALE)."""
    for path in paths:
        through_the_edge(cluster, path)
        status, kept, _ = through_the_edge(cluster, path)
        assert status == 200 and kept in ("HIT", "STALE"), (path, kept)


def test_the_edge_cache_keeps_readers_pages_and_never_staffs(cluster):
    kept_at_the_edge(cluster, "/how-we-count/")
    assert "userbar" not in through_the_edge(cluster, "/how-we-count/")[2]

    staff = Visitor()
    assert staff.sign_in(cluster.proxy, "editor", cluster.logins["editor"])[1].endswith("/admin/")
    status, _, page = staff.open(cluster.proxy + "/how-we-count/")
    assert status == 200 and "userbar" in page, "staff get their own view, not the kept one"
    assert through_the_edge(cluster, "/admin/login/")[1] == "PASS"


def test_a_published_figure_is_at_the_edge_once_the_worker_refreshed_it_without_a_miss(cluster):
    pk, value = cluster.shell(
        "from campaigns.models import ImpunityFigure as F; "
        "f = F.objects.filter(live=True, kind='count', live_count='').first(); "
        "print(f.pk, f.value)"
    ).split()
    widget = f"/embed/figures/{pk}/"
    kept_at_the_edge(cluster, "/how-we-count/", widget)

    new_value = int(value) + 7310
    cluster.shell(
        "from campaigns.models import ImpunityFigure as F; "
        f"f = F.objects.get(pk={pk}); f.value = {new_value}; f.save_revision().publish(); "
        "print('published')"
    )
    for path in ("/how-we-count/", widget):
        status, kept, page = through_the_edge(cluster, path)
        assert kept == "HIT" and f"{new_value:,}" not in page, "the publish only queued them"
    cluster.manage("db_worker", "--batch", "--backend", "background", "--no-startup-delay")
    for path in ("/how-we-count/", widget):
        status, kept, page = through_the_edge(cluster, path)
        assert status == 200 and f"{new_value:,}" in page, path
        assert kept == "HIT", "refreshed in place: the reader waited for no render"


def test_an_unpublished_page_leaves_every_address_of_the_edge_at_once(cluster):
    slug = f"pulled-{uuid.uuid4().hex[:6]}"
    cluster.shell(
        "import datetime; from articles.models import ArticlePage, ArticleIndexPage; "
        f"page = ArticlePage(title='Pulled for safety', slug='{slug}', teaser='Pulled.', "
        "date=datetime.date(2026, 12, 1)); "
        "ArticleIndexPage.objects.get().add_child(instance=page); "
        "page.save_revision().publish(); print(page.pk)"
    )
    # The listings kept by an earlier test are fetched anew by the background worker.
    cluster.manage("db_worker", "--batch", "--backend", "background", "--no-startup-delay")
    addresses = (f"/articles/{slug}/", "/articles/", "/articles/?page=1", "/articles/feed/")
    kept_at_the_edge(cluster, *addresses)
    assert all("Pulled for safety" in through_the_edge(cluster, path)[2] for path in addresses)

    cluster.shell(
        f"from wagtail.models import Page; Page.objects.get(slug='{slug}').unpublish(); "
        "print('unpublished')"
    )
    assert through_the_edge(cluster, f"/articles/{slug}/")[0] == 404
    for path in addresses[1:]:
        status, _, page = through_the_edge(cluster, path)
        assert status == 200 and "Pulled for safety" not in page, path


def test_a_page_made_private_leaves_the_edge_at_once(cluster):
    slug = f"private-{uuid.uuid4().hex[:6]}"
    cluster.shell(
        "import datetime; from articles.models import ArticlePage, ArticleIndexPage; "
        f"page = ArticlePage(title='For members only', slug='{slug}', teaser='Members.', "
        "date=datetime.date(2026, 12, 2)); "
        "ArticleIndexPage.objects.get().add_child(instance=page); "
        "page.save_revision().publish(); print(page.pk)"
    )
    kept_at_the_edge(cluster, f"/articles/{slug}/", "/articles/")

    cluster.shell(
        "from wagtail.models import Page, PageViewRestriction as R; "
        f"R.objects.create(page=Page.objects.get(slug='{slug}'), restriction_type=R.LOGIN); "
        "print('private')"
    )
    for path in (f"/articles/{slug}/", "/articles/"):
        assert "For members only" not in through_the_edge(cluster, path)[2], path


def test_with_redis_refusing_writes_a_change_on_one_server_stops_the_other_serving_it(cluster):
    """Redis full (writes refused, reads answered): an article unpublished elsewhere (here a
    management command, a third process) could not retire the cached page in the cache. The
    servers read the content version from the database, where the unpublish wrote it, and serve
    the page no more (PAGE_CACHE_VERSION_CHECK_SECONDS is 0 in this cluster: every request)."""
    slug = f"retracted-{uuid.uuid4().hex[:6]}"
    cluster.shell(
        "import datetime; from articles.models import ArticlePage, ArticleIndexPage; "
        f"page = ArticlePage(title='Retracted report', slug='{slug}', teaser='Soon gone.', "
        "date=datetime.date(2026, 11, 1)); "
        "ArticleIndexPage.objects.get().add_child(instance=page); "
        "page.save_revision().publish(); print(page.pk)"
    )
    address = f"/articles/{slug}/"
    for base in (cluster.a, cluster.b):
        anonymous(base + address)
        assert anonymous(base + address)[1] == "hit"
    server = redis.Redis(port=cluster.redis_port)
    server.config_set("maxmemory-policy", "noeviction")
    server.config_set("maxmemory", 1)
    try:
        with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
            server.set("probe", "refused")
        cluster.shell(
            "from articles.models import ArticlePage; "
            f"ArticlePage.objects.get(slug='{slug}').unpublish(); print('unpublished')"
        )
        for base in (cluster.a, cluster.b, cluster.proxy):
            assert anonymous(base + address)[0] == 404, base
            assert "Retracted report" not in anonymous(base + "/articles/")[2], base
    finally:
        server.config_set("maxmemory", 0)
    for base in (cluster.a, cluster.b):
        assert anonymous(base + address)[0] == 404, "nor once Redis takes writes again"


def test_with_redis_stopped_both_servers_answer_and_recover_when_it_returns(cluster):
    for base in (cluster.a, cluster.b):
        anonymous(base + "/")
        assert anonymous(base + "/")[1] == "hit"
    cluster.redis.terminate()
    cluster.redis.wait(timeout=10)
    for base in (cluster.a, cluster.b, cluster.proxy):
        status, cache, page = anonymous(base + "/")
        assert status == 200 and "site-header__brand" in page
        assert cache == "miss"
    assert support.fetch(cluster.a + "/healthz")[0] == 503

    with support.redis_server(cluster.redis_dir, port=cluster.redis_port):
        for base in (cluster.a, cluster.b):
            deadline = time.monotonic() + 30
            while anonymous(base + "/")[1] != "hit" and time.monotonic() < deadline:
                time.sleep(0.5)
            assert anonymous(base + "/")[1] == "hit", "the cache is used again"
        assert support.fetch(cluster.a + "/healthz")[0] == 200
