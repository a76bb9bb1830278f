"""Running the site the way `make run` does, for tests that need a real server."""

import contextlib
import email
import email.policy
import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from ifex.deploy import varnish
from ifex.deploy.nginx import render

BASE_DIR = Path(__file__).resolve().parents[1]
# The person whose name is withheld in the tests of where it must not go (tests/cases/).
WITHHELD_NAME = "Zorbane Quillfeather"

# The staff roles the site's migrations create, by the group each belongs to (the demo users').
ROLES = settings.DEMO_ROLE_USERS


# Servers a test needs that are started on a thread at the run's first test, while other tests
# run (tests/conftest.py, `prepared`): {fixture name: maker}. A maker, given the session's
# request and tmp_path_factory, returns `make(stack)`, which starts the server on the thread
# (entering what must be stopped at the end of the run into `stack`) and returns the fixture's
# value.
MADE_AHEAD = {}


def made_ahead(name: str):
    def register(maker):
        MADE_AHEAD[name] = maker
        return maker

    return register


# Set for the in-process tests only (Playwright's event loop); never for a server or deploy check.
TEST_ONLY_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
}


def child_environment(**variables) -> dict:
    """The environment for a process the tests start, as a user's shell would give it."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_VARIABLES}
    env.update(variables)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30):
    """Until something accepts connections on the port (a server the test started)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def fetch(url: str, timeout: float = 30):
    return fetch_request(url, timeout)


def fetch_request(request, timeout: float = 30):
    """`fetch` of a `urllib.request.Request` (its method and headers) or an address."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def submit_form(url: str, fields: dict, headers=None) -> int:
    """GET the form at `url` as a browser would (cookie, CSRF token), POST `fields`; the status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url, timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode(),
        headers={"Referer": url, **(headers or {})},
    )
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def server_connection_kwargs() -> dict:
    db = settings.DATABASES["default"]
    kwargs = {"user": db["USER"], "host": db["HOST"], "dbname": "postgres"}
    if db.get("PORT"):
        kwargs["port"] = db["PORT"]
    if db.get("PASSWORD"):
        kwargs["password"] = db["PASSWORD"]
    return kwargs


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"], safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{credentials}@{host}{port}/{name}"


def create_database(name: str, template: str | None = None):
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(**server_connection_kwargs(), autocommit=True) as connection:
        connection.execute(create)


def drop_database(name: str):
    with psycopg.connect(**server_connection_kwargs(), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def scratch_database(template: str | None = None):
    """A database on the test server, dropped afterwards; yields its DATABASE_URL. Empty, or a
    copy of `template` (the `migrated_template` fixture: what `migrate` makes, in a second)."""
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    create_database(name, template)
    try:
        yield database_url(name)
    finally:
        drop_database(name)


@contextlib.contextmanager
def running_site(database_url: str | None, var_dir: Path, timeout: float = 240, **environ):
    """`python -m ifex.serve` (what `make run` runs) on a free port: yields (base URL, process).

    With no database URL, `make run` starts its own embedded PostgreSQL (EMBEDDED_PGDATA)."""
    port = free_port()
    env = child_environment(VAR_DIR=str(var_dir), PORT=str(port), WEB_CONCURRENCY="2", **environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    # Into a file, not a pipe: a pipe no one reads fills up (64 KB of request logs) and then
    # blocks every worker that writes a line, so a long session would stall the site.
    var_dir.mkdir(parents=True, exist_ok=True)
    log = open(var_dir / "serve.log", "w")  # noqa: SIM115 (closed with the process below)
    process = subprocess.Popen(
        [sys.executable, "-m", "ifex.serve"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so nothing it starts outlives the test
    )
    process.log_path = log.name
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/", process, timeout)
        yield base, process
    finally:
        stop(process)
        log.close()


# Not up yet, or up but slow to answer its first request on a busy machine: both mean "wait".
NOT_READY = (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException)


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"`make run` exited early:\n{output_of(process)}")
        try:
            return fetch(url, timeout=max(deadline - time.monotonic(), 1))
        except NOT_READY:
            time.sleep(0.5)
    raise AssertionError("the site did not come up in time")


def output_of(process: subprocess.Popen) -> str:
    """What `make run` has printed so far (running_site writes it to a file)."""
    return Path(process.log_path).read_text()


def stop(process: subprocess.Popen):
    # gunicorn runs in a session of its own (ifex/serve.py): the group kill below misses it.
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        descendants = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    for leftover in descendants:
        with contextlib.suppress(psutil.Error):
            leftover.kill()


def translated(page, language, **fields):
    """A published translation of `page` (and of any parent it needs), as a translator makes."""
    from wagtail.models import Locale

    translation = page.copy_for_translation(Locale.objects.get(language_code=language), True)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation.specific


def uncached_get(client, url, data=None):
    """GET `url` as an anonymous reader would when the page is not in the page cache (the
    content version replaced, as a publish does); Django's other caches are as warm as on a
    running server. Returns the response and the number of SQL queries the request made."""
    response, queries = uncached_queries(client, url, data)
    return response, len(queries)


def cold_get(client, url, data=None):
    """GET `url` as the first reader after a publish and a Redis restart at once: the content
    version replaced, and the page cache, the kept fragments, routes and cards, and Wagtail's
    rendition cache emptied. What a worker keeps in its memory until a model is saved (the
    site, its settings, locales, language homes, restricted paths: `kept_by_worker`) it keeps.
    Returns the response and the number of SQL queries it made."""
    response, queries = cold_queries(client, url, data)
    return response, len(queries)


def cold_queries(client, url, data=None, new_worker=False):
    """As `cold_get`, with the SQL of each query the request made."""
    from django.core.cache import cache

    from ifex.core.page_cache import KEPT_BY_WORKER, PARAMETERS_READ, known, replace_version

    replace_version()
    cache.clear()
    if new_worker:
        KEPT_BY_WORKER.clear()
        PARAMETERS_READ.clear()
        known.versions, known.read_at = {}, None
    return request_queries(client, url, data)


def new_worker_get(client, url, data=None):
    """GET `url` as the first request a newly started worker answers, every cache empty: as
    `cold_get`, and the worker has yet to read the content versions and has nothing in its
    memory. Returns the response and the number of SQL queries it made."""
    response, queries = cold_queries(client, url, data, new_worker=True)
    return response, len(queries)


def uncached_queries(client, url, data=None):
    """As `uncached_get`, with the SQL of each query the request made."""
    from ifex.core.page_cache import replace_version

    replace_version()
    return request_queries(client, url, data)


def request_queries(client, url, data=None):
    """GET `url`: the response and the SQL of each query the request made."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the request resets Django's query log: start it empty
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in queries]


REDIS_SERVER = "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@contextlib.contextmanager
def redis_server(tmp_path, port: int | None = None):
    """Debian's redis-server on a free port (or `port`); yields its URL and process."""
    if not shutil.which(REDIS_SERVER):
        pytest.fail(f"{REDIS_SERVER} is missing: `make test` installs it (make system-packages).")
    port = port or free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.terminate()
        process.wait(timeout=10)


VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


@contextlib.contextmanager
def varnish_in_front_of(
    app_bases: list[str], *, run_dir, port: int | None = None, purge_from=("127.0.0.1", "::1")
):
    """Varnish as docs/operating.md configures it (the edge cache), balancing `app_bases`;
    yields its base URL."""
    if not os.path.exists(VARNISHD):
        pytest.fail(f"{VARNISHD} is missing: `make test` installs it (make system-packages).")
    run_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    # Varnish reads its configuration and keeps its working folder as its own user: both go in a
    # folder that user can reach (a test's own folders are private to root).
    work_dir = Path("/tmp") / f"ifex-varnish-{uuid.uuid4().hex[:12]}"
    work_dir.mkdir(mode=0o755)
    config = work_dir / "edge.vcl"
    config.write_text(
        varnish.render(
            app_servers=[base.removeprefix("http://") for base in app_bases],
            purge_from=purge_from,
        )
    )
    config.chmod(0o644)
    command = [
        *(VARNISHD, "-F", "-n", str(work_dir / "varnish"), "-a", f"127.0.0.1:{port}"),
        *("-f", str(config), "-s", "malloc,128m", "-T", "none"),
    ]
    try:
        with serving(command, run_dir / "varnish.log", port, timeout=60) as base:
            yield base
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


@contextlib.contextmanager
def serving(command: list, log_path: Path, port: int, timeout: float):
    """A server started with `command`, its output in `log_path`: yields its base URL once it
    answers, and stops it afterwards."""
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process below)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log.name
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/robots.txt", process, timeout=timeout)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def require_nginx():
    if not shutil.which("nginx") and not shutil.which(NGINX):
        pytest.fail("nginx is missing: `make test` installs it (make system-packages).")


@contextlib.contextmanager
def nginx_in_front_of(app_bases: list[str], *, static_root, media_root, run_dir):
    """nginx as the README configures it, balancing `app_bases`; yields its base URL."""
    run_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = run_dir / "nginx.conf"
    # The test's folders are private to root; a production nginx (www-data) reads its own.
    as_root = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(
        as_root
        + render(
            listen=f"127.0.0.1:{port}",
            app_servers=[base.removeprefix("http://") for base in app_bases],
            static_root=static_root,
            media_root=media_root,
            run_dir=run_dir,
            mime_types="/etc/nginx/mime.types",
        )
    )
    command = [NGINX, "-c", str(config), "-p", str(run_dir), "-g", "daemon off;"]
    with serving(command, run_dir / "nginx.log", port, timeout=30) as base:
        yield base


def document_in(collection, name: str, content: bytes = b"%PDF-1.4 board minutes"):
    """A PDF document, saved through the default storage, in `collection`."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model()(title=name, collection=collection)
    document.file.save(f"{name}.pdf", ContentFile(content), save=False)
    document.save()
    return document


def html_of(client, url) -> str:
    """The page at `url`, which must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def export_row(header: list[str], **cells) -> dict:
    """A row of a monitor's export with the given cells, every other column empty."""
    return {**dict.fromkeys(header, ""), **cells}


def newcomer_row(header: list[str]) -> dict:
    """The person a newer CPJ export adds: a freelance journalist murdered in Kabul in 2022."""
    return export_row(
        header,
        year="2022",
        fullName="Ahmad Newcomer",
        type="Journalist",
        typeOfDeath="Murder",
        motiveConfirmed="Confirmed",
        impunityMurder="Complete Impunity",
        employedAs="Freelance",
        organizations="Radio Azadi,Radio Free Europe/Radio Liberty",
        country="Afghanistan",
        location="Kabul",
    )


class Inbox:
    """An aiosmtpd handler that keeps every message it is given, parsed."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.received = threading.Condition(self.lock)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message))
            self.received.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address):
        with self.lock:
            return [message for rcpt, message in self.messages if address in rcpt]

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for rcpt, _message in self.messages for address in rcpt]

    def wait_for(self, count: int, timeout: float = 30):
        """Until `count` messages have arrived (a sender in another thread or process)."""
        with self.received:
            if not self.received.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"{len(self.messages)} of {count} messages arrived")


@contextlib.contextmanager
def smtp_server(handler):
    """aiosmtpd on a free port with `handler`: yields the port."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def mail_body(message, kind="plain") -> str:
    part = message.get_body(preferencelist=(kind,) if kind == "html" else ("plain", "html"))
    return part.get_content()


def demo_shell(demo_site, script: str) -> str:
    """Runs `script` in `manage.py shell` on the demo site's database; its last printed line."""
    ran = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=child_environment(DATABASE_URL=demo_site.database_url, VAR_DIR=str(demo_site.var_dir)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    lines = ran.stdout.strip().splitlines()
    return lines[-1] if lines else ""  # after anything the start-up prints


# The ways a page is taken from readers (parametrised by the page cache's tests). For an
# article about a case (`about_case`), as those tests make it.
def unpublish(article):
    article.unpublish()


def make_private(article):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)


def withhold_the_name(article):
    case = article.about_case
    case.name_withheld = True
    case.save_revision().publish()
