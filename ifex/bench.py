"""`make bench`: the site served as in production (gunicorn, 2 workers, production settings,
Redis) and measured over loopback with wrk, each page in four states, each against its ceiling:

- the ceiling: a minimal WSGI app answering the page's own bytes under the same gunicorn
  settings (ifex/bench_ceiling.py), measured just before the page (the machine drifts);
- cached: the app's page cache answers (`PAGE_CACHE_SECONDS`, no proxy);
- warm-uncached: the page cache off, what pages share (menus, routes, cards) kept;
- cold: every cache cleared before each request (Redis emptied), as for the first reader after
  a publish or a Redis restart: measured one request at a time beside warm-uncached;
- the edge: nginx and Varnish in front (docs/operating.md, "The edge cache"), and a figure
  published every 3 s under 32 connections: the p99, the errors and how soon each publish shows.

At demo size, then with 10,000 articles and 1,000 statements (`seed_bulk`). Then a digest mailed
to 2,500 and 10,000 subscribers through a local SMTP sink (ifex/bench_mail.py); and the cases at
20,000 (ifex/bench_cases.py). SQL is counted per
state in-process. Any wrk error fails the run. Prints a table, writes var/bench/results.json and
puts the table in docs/operating.md.

Runs on a database of its own (ifex_bench, on the embedded server or DATABASE_URL's server) and
its own var/bench/ folder; the site's data is never touched.
"""

import contextlib
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from ifex import bench_cases, bench_mail
from ifex.serve import WORKER_INTERVAL_SECONDS

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
CEILING_DIR = BENCH_DIR / "ceiling"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 8
WORKERS = 2
LARGE = {"articles": 10_000, "statements": 1_000}
ONE_BY_ONE = 15  # requests per page for the cold and warm-uncached latencies
PUBLISH_CONNECTIONS = 32
PUBLISH_EVERY = 3.0

PAGES = [
    ("home page", "/"),
    ("campaign page", "/campaigns/no-impunity/"),
    ("article index, page 1", "/articles/"),
    ("article index, last page", "/articles/?page=99999"),  # measured where it shows (below)
    ("article", "/articles/action-plan-or-inaction-plan/"),
    ("statement, 94 signatories", "/statements/global-magnitsky-sanctions/"),
    ("search, common word", "/search/?q=journalist"),
    ("feed, filtered", "/articles/feed/?country=ph"),
    ("case index", "/cases/"),
]
PAGES_ASKED = list(PAGES)
# Issue 26's targets, in % of the ceiling measured beside each page.
EDGE_TARGET = 80.0
CACHED_TARGET = 50.0
WARM_TARGETS = {
    "home page": 2.0,
    "campaign page": 2.0,
    "article index, page 1": 3.0,
    "article index, last page": 3.0,
    "article": 3.0,
    "statement, 94 signatories": 3.0,
    "search, common word": 1.5,
}
COLD_QUERIES = 15
COLD_OVER_WARM = 3.0
PUBLISH_P99_RATIO = 2.0
PUBLISH_VISIBLE_SECONDS = 1.0
GROWTH_CHECKED = ("article index, page 1", "article index, last page", "search, common word")
RSS_TARGET_MB = 150
# CPJ's whole export of killed journalists is about 2,200 rows (issue 24).
IMPORT_ROWS = 2_200
IMPORT_TARGET_SECONDS = 60
CPJ_HEADER = [
    *("year", "combinedStatus", "fullName", "gender", "type", "typeOfDeath", "status"),
    *("employedAs", "organizations", "country", "location", "motiveConfirmed"),
    "impunityMurder",
]
# Invented people in the export's format, across its vocabulary and country names.
CPJ_VARIETY = [
    ("Journalist", "Murder", "Confirmed", "Complete Impunity", "Mexico", "Staff"),
    ("Journalist", "Murder", "Confirmed", "Partial Impunity", "Philippines", "Freelance"),
    ("Journalist", "Crossfire", "Confirmed", "", "Syria", "Staff"),
    ("Journalist", "Dangerous Assignment", "Confirmed", "", "Iraq", "Freelance"),
    ("Media Worker", "N/A", "N/A", "", "Ivory Coast", "Staff"),
    ("Journalist", "N/A", "Unconfirmed", "", "USA", "Staff"),
    ("Journalist", "Murder", "Confirmed", "Full Justice", "Yugoslavia", "Staff"),
    (
        "Journalist",
        "Unknown",
        "Confirmed",
        "",
        "Israel and the Occupied Palestinian Territory",
        "Staff",
    ),
]

LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

# In-process, per page: the SQL of each state, and the page's bytes for the ceiling.
QUERY_COUNTS = r"""
import json
import re
from pathlib import Path
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from ifex.core.page_cache import replace_version

def counted(client, path):
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries), response

client, counts, ceiling = Client(), {}, {}
# A number past the last page shows the last page, answered and not kept (each such number would
# be an entry of its own): the last page is measured at its own address, the one readers page to.
for number, (name, path) in enumerate(PAGES):
    if "page=99999" in path:
        older = re.search(r'rel="prev" href="\?page=(\d+)"', client.get(path).content.decode())
        last = f"?page={int(older.group(1)) + 1}" if older else ""
        PAGES[number] = (name, "/articles/" + last)
print("PAGES " + json.dumps(PAGES))
for number, (name, path) in enumerate(PAGES):
    client.get(path)
    cached, response = counted(client, path)
    replace_version()
    warm, _ = counted(client, path)
    cache.clear()
    cold, _ = counted(client, path)
    counts[name] = {"cached": cached, "warm": warm, "cold": cold}
    body = Path(CEILING_DIR) / f"page-{number}"
    body.write_bytes(response.content)
    ceiling[path] = [body.name, response["Content-Type"]]
(Path(CEILING_DIR) / "pages.json").write_text(json.dumps(ceiling))
print("COUNTS " + json.dumps(counts))
"""

# A campaign officer publishing the home page's first figure every few seconds while readers
# crowd the home page through the proxy: how soon each value shows there.
PUBLISHER = """
import json, time, urllib.request
from campaigns.models import ImpunityFigure
from wagtail.models import Locale
figure = ImpunityFigure.objects.filter(
    live=True, kind="count", live_count="", locale=Locale.get_default()
).order_by("pk").first()
start, delays, durations, after_publish = figure.value, [], [], []
# As an editor's publish runs in a server's worker that has served before: this process's
# first publish (imports, connections, caches) is not timed.
figure.save_revision().publish()
print("READY", flush=True)
ends = time.monotonic() + SECONDS
number = 0
while time.monotonic() < ends:
    number += 1
    tick = time.monotonic()
    figure.value = start + number
    figure.save_revision().publish()
    published = time.monotonic()
    durations.append(round(published - tick, 3))
    shown = f"{figure.value:,}"
    while shown not in urllib.request.urlopen(PROXY + "/", timeout=10).read().decode():
        if time.monotonic() - tick > 30:
            break
        time.sleep(0.01)
    delays.append(round(time.monotonic() - tick, 3))
    after_publish.append(round(time.monotonic() - published, 3))
    time.sleep(max(0.0, EVERY - (time.monotonic() - tick)))
print("DELAYS " + json.dumps(delays), flush=True)
print("DURATIONS " + json.dumps(durations), flush=True)
print("AFTER " + json.dumps(after_publish), flush=True)
"""


def main() -> int:
    for tool in (WRK, REDIS, VARNISHD, NGINX):
        if not Path(tool).exists():
            print(f"ifex: {tool} is missing; `make bench` installs it (Debian packages).")
            return 2
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    server = None
    env = environment()
    if not env.get("DATABASE_URL"):
        from ifex.database import start_embedded

        server = start_embedded(BASE_DIR / "var" / "pgdata", database="ifex_bench")
        start_afresh(server)
        env["DATABASE_URL"] = server.url
    redis = start_redis(env)
    try:
        run([sys.executable, "-m", "ifex.prepare"], env)
        results = {"date": datetime.date.today().isoformat(), "sizes": {}}
        results["sizes"]["demo"] = measure_size(env, "demo", edge=True, analyze=True)
        run([sys.executable, "manage.py", "seed_bulk", *bulk_arguments(env)], env)
        results["sizes"]["large"] = measure_size(env, "10,000 articles", edge=False, analyze=False)
        results["import"] = measure_import(env)
        # Issue 24: 20,000 cases imported after these, then the case pages at that size.
        results["cases"] = bench_cases.measure_cases_at_scale(env, results["import"])
        results["mailing"] = bench_mail.measure(env)
    finally:
        redis.terminate()
        redis.wait(timeout=30)
        if server is not None:
            server.stop()
    verdicts = judge(results)
    results["verdicts"] = verdicts
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2))
    table = render(results)
    print(table)
    update_docs(table)
    missed = [line for line in verdicts if line.startswith("MISS")]
    print("\n".join(verdicts))
    return 1 if missed else 0


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    secret = BENCH_DIR / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    env.update(
        DJANGO_SETTINGS_MODULE="ifex.settings.production",
        SECRET_KEY=secret.read_text(),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        HTTPS_ONLY="false",
        VAR_DIR=str(BENCH_DIR),
        SITE_URL="http://127.0.0.1:8765",
        EMAIL_URL="console:",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_afresh(server):
    """Each run measures the same archive: the bench's database and files are made anew."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres", user="postgres", host=str(server.socket_dir), port=server.port,
        autocommit=True,
    ) as connection:  # fmt: skip
        name = sql.Identifier(server.database)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    for folder in ("media", "cache", "staticfiles"):
        shutil.rmtree(BENCH_DIR / folder, ignore_errors=True)


@contextlib.contextmanager
def section_environment(database: str):
    """The environment of a bench section run on its own: on DATABASE_URL when it is set, else
    on an embedded database of the given name, made afresh and stopped afterwards."""
    from ifex.database import start_embedded

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = environment()
    if env.get("DATABASE_URL"):
        yield env
        return
    server = start_embedded(BASE_DIR / "var" / "pgdata", database=database)
    try:
        start_afresh(server)
        env["DATABASE_URL"] = server.url
        yield env
    finally:
        server.stop()


def print_figures(lines: list[str], verdicts: list[str]) -> int:
    """Prints a section's table and verdicts; its exit status: 1 when a target is missed."""
    print("\n".join(lines))
    print("\n".join(verdicts))
    return 1 if any(line.startswith("MISS") for line in verdicts) else 0


def start_redis(env) -> subprocess.Popen:
    """The shared cache a production site under load has (REDIS_URL): Debian's redis-server.
    The file cache `make run` uses lists its whole folder on every write."""
    port = free_port()
    redis = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(BENCH_DIR)],
        stdout=subprocess.DEVNULL,
    )
    env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    return redis


def bulk_arguments(env) -> list[str]:
    return [f"--articles={LARGE['articles']}", f"--statements={LARGE['statements']}"]


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=BASE_DIR, env=env, check=True, **kwargs)


ANALYZE = "from django.db import connection; connection.cursor().execute('VACUUM (ANALYZE)')"


def measure_size(env, label, edge: bool, analyze: bool) -> dict:
    print(f"\n== {label}", flush=True)
    if analyze:
        # The demo just made has no statistics yet, as no live site is. The large archive is
        # measured right after seed_bulk wrote it: a bulk write analyses what it filled.
        run([sys.executable, "manage.py", "shell", "-c", ANALYZE], env)
    counts = query_counts(env)
    figures = {"queries": counts}
    with ceiling_server(env) as ceiling:
        figures["uncached"] = serve_and_measure(env, ceiling, cached=False)
        figures["cached"] = serve_and_measure(env, ceiling, cached=True, edge=edge)
    return figures


def write_invented_export(path: Path, rows: int):
    import csv

    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, CPJ_HEADER)
        writer.writeheader()
        for number in range(rows):
            role, death, motive, status, country, employed = CPJ_VARIETY[number % len(CPJ_VARIETY)]
            writer.writerow(
                {
                    "year": 1992 + number % 31,
                    "combinedStatus": "Confirmed" if motive == "Confirmed" else "Unconfirmed",
                    "fullName": f"Bench Person {number}",
                    "type": role,
                    "typeOfDeath": death,
                    "status": "Killed",
                    "employedAs": employed,
                    "organizations": "Bench Radio,Bench Gazette",
                    "country": country,
                    "location": "Bench Town",
                    "motiveConfirmed": motive,
                    "impunityMurder": status,
                }
            )


def measure_import(env) -> dict:
    """`import_cases` as staff run it, on an export of the real one's size: the wall time and
    the command's peak memory."""
    print(f"\n== importing {IMPORT_ROWS} rows", flush=True)
    path = BENCH_DIR / "cpj-export.csv"
    write_invented_export(path, IMPORT_ROWS)
    command = [sys.executable, "manage.py", "import_cases", str(path), "--source", "cpj"]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = round(time.monotonic() - started, 1)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"import_cases failed:\n{output}")
    added = int(re.search(r"^Added: (\d+)$", output, re.MULTILINE).group(1))
    return {
        "rows": IMPORT_ROWS,
        "added": added,
        "seconds": seconds,
        "peak_rss_mb": usage.ru_maxrss // 1024,
    }


def query_counts(env) -> dict:
    """SQL queries per page in each state; the pages' bytes go to the ceiling's folder."""
    shutil.rmtree(CEILING_DIR, ignore_errors=True)
    CEILING_DIR.mkdir(parents=True)
    code = f"PAGES = {PAGES_ASKED!r}\nCEILING_DIR = {str(CEILING_DIR)!r}\n{QUERY_COUNTS}"
    output = run(
        [sys.executable, "manage.py", "shell", "-c", code], env, capture_output=True, text=True
    ).stdout
    PAGES[:] = [tuple(page) for page in json.loads(re.search(r"^PAGES (.*)$", output, re.M)[1])]
    return json.loads(re.search(r"^COUNTS (.*)$", output, re.M).group(1))


class gunicorn_server:
    """gunicorn with the site's settings (`ifex.deploy.gunicorn`) serving `app`."""

    def __init__(self, env, app="ifex.wsgi:application"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", app),
                *("--config", "python:ifex.deploy.gunicorn", "--access-logfile", "/dev/null"),
                *("--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS)),
                *("--no-control-socket", "--log-level", "warning"),
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def ceiling_server(env):
    ceiling_env = dict(env, BENCH_CEILING_DIR=str(CEILING_DIR))
    return gunicorn_server(ceiling_env, "ifex.bench_ceiling:application")


def serve_and_measure(
    env,
    ceiling,
    cached: bool,
    edge: bool = False,
    pages=None,
    edge_pages=None,
    throughput=True,
    latency=True,
) -> dict:
    lifetime = "3600" if cached else "0"
    env = dict(env, PAGE_CACHE_SECONDS=lifetime, PAGE_CACHE_SEARCH_SECONDS=lifetime)
    edge_port = free_port()
    if edge:
        env["EDGE_CACHE_URL"] = f"http://127.0.0.1:{edge_port}"
    state = "cached" if cached else "uncached"
    with gunicorn_server(env) as site:
        _, first_ms = wait_for(site.base + "/")
        wait_for(ceiling.base + "/")
        figures = {"first_request_ms": first_ms}
        for name, path in PAGES if pages is None else pages:
            urllib.request.urlopen(site.base + path, timeout=60).read()  # renditions made
            figures[name] = {}
            if throughput:
                figures[name] = beside_its_ceiling(site.base + path, ceiling.base + path)
            if not cached and latency:
                figures[name].update(one_by_one(site.base + path, env["REDIS_URL"]))
            print(f"  {state:8} {name:28} {figures[name]}", flush=True)
        if edge:
            with edge_in_front(site.base, edge_port) as proxy:
                figures["edge"] = measure_the_edge(proxy, ceiling.base, edge_pages)
                figures["publishing"] = publishing_under_load(env, proxy)
        figures["peak_rss_mb"] = peak_rss_mb(site.process.pid)
        return figures


def beside_its_ceiling(url, ceiling_url) -> dict:
    ceiling = wrk(ceiling_url)
    return dict(wrk(url), ceiling_rps=ceiling["rps"], ceiling_errors=ceiling["errors"])


def one_by_one(url, redis_url) -> dict:
    """The page's latency one request at a time, warm-uncached and cold (Redis emptied before
    each request: the first reader after a publish, or after Redis restarted)."""
    import redis

    store = redis.Redis.from_url(redis_url)
    warm, cold = [], []
    for _ in range(ONE_BY_ONE):
        warm.append(timed_get(url))
    for _ in range(ONE_BY_ONE):
        store.flushdb()
        cold.append(timed_get(url))
    return {
        "warm_one_p50_ms": round(statistics.median(warm), 1),
        "cold_one_p50_ms": round(statistics.median(cold), 1),
    }


def timed_get(url) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return (time.monotonic() - started) * 1000


class edge_in_front:
    """Varnish (the edge cache) and nginx in front of `site`, as docs/operating.md lays them."""

    def __init__(self, site, edge_port):
        from ifex.deploy import nginx, varnish

        self.folder = Path("/tmp") / f"ifex-bench-edge-{secrets.token_hex(4)}"
        self.folder.mkdir(mode=0o755)
        vcl = self.folder / "edge.vcl"
        vcl.write_text(varnish.render(app_servers=[site.removeprefix("http://")]))
        vcl.chmod(0o644)
        self.varnish = subprocess.Popen(
            [
                *(VARNISHD, "-F", "-n", str(self.folder / "varnish")),
                *("-a", f"127.0.0.1:{edge_port}", "-f", str(vcl), "-s", "malloc,256m"),
                *("-T", "none"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.port = free_port()
        config = self.folder / "nginx.conf"
        run_dir = self.folder / "nginx"
        run_dir.mkdir()
        config.write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + nginx.render(
                listen=f"127.0.0.1:{self.port}",
                app_servers=[f"127.0.0.1:{edge_port}"],
                static_root=BENCH_DIR / "staticfiles",
                media_root=BENCH_DIR / "media",
                run_dir=run_dir,
                mime_types="/etc/nginx/mime.types",
            )
        )
        self.nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(run_dir), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self):
        base = f"http://127.0.0.1:{self.port}"
        wait_for(base + "/")
        return base

    def __exit__(self, *exc):
        for process in (self.nginx, self.varnish):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def measure_the_edge(proxy, ceiling, pages=None) -> dict:
    figures = {}
    for name, path in PAGES if pages is None else pages:
        urllib.request.urlopen(proxy + path, timeout=60).read()
        figures[name] = beside_its_ceiling(proxy + path, ceiling + path)
        print(f"  {'edge':8} {name:28} {figures[name]}", flush=True)
    return figures


def publishing_under_load(env, proxy) -> dict:
    """32 connections on the home page through the proxy, without publishing and then with a
    figure published every 3 s: the p99 of each, the errors, how soon each publish showed."""
    seconds = max(SECONDS * 2, 9)
    quiet = wrk(proxy + "/", connections=PUBLISH_CONNECTIONS, seconds=seconds)
    code = f"SECONDS = {seconds}\nEVERY = {PUBLISH_EVERY}\nPROXY = {proxy!r}\n{PUBLISHER}"
    publisher = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    # The background worker fetches the published pages anew into the edge (a publish only
    # queues them), as on a server (`manage.py db_worker --backend background`).
    worker = subprocess.Popen(
        [
            *(sys.executable, "manage.py", "db_worker", "--backend", "background"),
            *("--interval", str(WORKER_INTERVAL_SECONDS)),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for line in publisher.stdout:  # after what `shell` says of itself
        if line.strip() == "READY":
            break
    loaded = {}
    reader = threading.Thread(
        target=lambda: loaded.update(
            wrk(proxy + "/", connections=PUBLISH_CONNECTIONS, seconds=seconds)
        )
    )
    reader.start()
    output = publisher.communicate(timeout=seconds + 120)[0]
    reader.join()
    worker.terminate()
    worker.wait(timeout=60)
    delays = json.loads(re.search(r"^DELAYS (.*)$", output, re.M).group(1))
    durations = json.loads(re.search(r"^DURATIONS (.*)$", output, re.M).group(1))
    after_publish = json.loads(re.search(r"^AFTER (.*)$", output, re.M).group(1))
    figures = {
        "quiet": quiet,
        "publishing": loaded,
        "visible_after_s": delays,
        "publish_took_s": durations,
        "visible_after_the_publish_returned_s": after_publish,
        "publishes_wanted": int(seconds // PUBLISH_EVERY),
    }
    print(f"  {'publish':8} {figures}", flush=True)
    return figures


def wrk(url, connections=CONNECTIONS, seconds=SECONDS) -> dict:
    script = BENCH_DIR / "report.lua"
    script.write_text(LUA)
    output = subprocess.run(
        [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    report = json.loads(output.strip().splitlines()[-1])
    return {
        "rps": round(report["requests"] / report["seconds"], 1),
        "p50_ms": round(report["p50"], 1),
        "p95_ms": round(report["p95"], 1),
        "p99_ms": round(report["p99"], 1),
        "errors": report["errors"],
    }


def peak_rss_mb(master_pid) -> float:
    """The largest VmHWM (peak resident memory) among gunicorn's workers."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            peaks.append(int(re.search(r"^VmHWM:\s+(\d+) kB", text, re.M).group(1)) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


def wait_for(url, timeout=120) -> tuple[bytes, float]:
    """The first answer of a server just started, and how long that request took."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            started = time.monotonic()
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read(), round((time.monotonic() - started) * 1000, 1)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percent(value, ceiling) -> float:
    return round(100 * value / ceiling, 2) if ceiling else 0.0


def share(page: dict) -> float:
    """A page's speed as a share of the ceiling measured beside it."""
    return percent(page["rps"], page["ceiling_rps"])


def judge(results) -> list[str]:
    verdicts = []
    for size, figures in results["sizes"].items():
        for name, _ in PAGES:
            verdicts += judge_page(size, name, figures)
        for mode in ("cached", "uncached"):
            rss = figures[mode]["peak_rss_mb"]
            verdicts.append(verdict(rss <= RSS_TARGET_MB, f"{size} {mode} worker RSS {rss} MB"))
        if "publishing" in figures["cached"]:
            verdicts += judge_publishing(size, figures["cached"]["publishing"])
    demo, large = results["sizes"]["demo"], results["sizes"]["large"]
    for name in GROWTH_CHECKED:
        before, after = demo["uncached"][name]["p95_ms"], large["uncached"][name]["p95_ms"]
        verdicts.append(
            verdict(after <= 2 * before, f"{name}: p95 {before} ms at demo size, {after} ms large")
        )
    if "import" in results:
        imported = results["import"]
        verdicts.append(
            verdict(
                imported["seconds"] < IMPORT_TARGET_SECONDS
                and imported["added"] == imported["rows"],
                f"import of {imported['rows']} rows: {imported['added']} added in "
                f"{imported['seconds']} s, peak {imported['peak_rss_mb']} MB "
                f"(< {IMPORT_TARGET_SECONDS} s)",
            )
        )
    if "mailing" in results:
        verdicts += bench_mail.judge(results["mailing"])
    if "cases" in results:
        verdicts += bench_cases.judge(results["cases"])
    return verdicts


def judge_page(size, name, figures) -> list[str]:
    cached, uncached = figures["cached"][name], figures["uncached"][name]
    counts = figures["queries"][name]
    verdicts = [
        verdict(share(cached) >= CACHED_TARGET, f"{size} {name} cached {share(cached)}%"),
        verdict(
            counts["cold"] <= COLD_QUERIES,
            f"{size} {name} cold {counts['cold']} queries (<= {COLD_QUERIES})",
        ),
        verdict(
            uncached["cold_one_p50_ms"] <= COLD_OVER_WARM * uncached["warm_one_p50_ms"],
            f"{size} {name} cold p50 {uncached['cold_one_p50_ms']} ms, warm-uncached "
            f"{uncached['warm_one_p50_ms']} ms (<= {COLD_OVER_WARM}x)",
        ),
    ]
    verdicts.append(judge_warm(size, name, uncached))
    measured = [("cached", cached), ("warm-uncached", uncached)]
    if "edge" in figures["cached"]:
        edge = figures["cached"]["edge"][name]
        verdicts.append(verdict(share(edge) >= EDGE_TARGET, f"{size} {name} edge {share(edge)}%"))
        measured.append(("edge", edge))
    for state, run_figures in measured:
        errors = run_figures["errors"] + run_figures["ceiling_errors"]
        verdicts.append(verdict(errors == 0, f"{size} {name} {state}: {errors} wrk errors"))
    return verdicts


def judge_warm(size, name, uncached) -> str:
    target = WARM_TARGETS.get(name)
    label = f"{size} {name} warm-uncached {uncached['rps']} req/s, {share(uncached)}%"
    if target is None:
        return f"     {label} (no target)"
    return verdict(share(uncached) >= target, f"{label} (>= {target}%)")


def judge_publishing(size, figures) -> list[str]:
    quiet, loaded = figures["quiet"], figures["publishing"]
    latest = max(figures["visible_after_s"], default=float("inf"))
    return [
        verdict(
            loaded["p99_ms"] <= PUBLISH_P99_RATIO * quiet["p99_ms"],
            f"{size} home through the proxy, a publish every {PUBLISH_EVERY:g} s: p99 "
            f"{loaded['p99_ms']} ms, {quiet['p99_ms']} ms without (<= {PUBLISH_P99_RATIO}x)",
        ),
        verdict(
            quiet["errors"] + loaded["errors"] == 0,
            f"{size} publishing under load: {quiet['errors'] + loaded['errors']} wrk errors",
        ),
        verdict(
            latest <= PUBLISH_VISIBLE_SECONDS,
            f"{size} every publish visible through the proxy within {latest} s of its click "
            f"(<= {PUBLISH_VISIBLE_SECONDS} s)",
        ),
        verdict(
            len(figures["visible_after_s"]) >= figures["publishes_wanted"],
            f"{size} {len(figures['visible_after_s'])} publishes made of "
            f"{figures['publishes_wanted']} wanted, one every {PUBLISH_EVERY:g} s (each took "
            f"{', '.join(map(str, figures['publish_took_s']))} s)",
        ),
    ]


def verdict(passed: bool, text: str) -> str:
    return f"{'ok  ' if passed else 'MISS'} {text}"


def render(results) -> str:
    lines = [
        f"Measured {results['date']} by `make bench`: gunicorn, {WORKERS} workers, production "
        f"settings, Redis, wrk with {CONNECTIONS} connections for {SECONDS} s over loopback. "
        "Each % is of the ceiling (a minimal WSGI app answering the page's own bytes under the "
        "same gunicorn settings) measured just before that page. Cold and warm-uncached p50: "
        f"{ONE_BY_ONE} requests one at a time, Redis emptied before each cold one.",
        "",
        "| size | page | SQL cold / warm / cached | warm-uncached req/s | % | cold / warm p50 ms "
        "| cached req/s | % | edge req/s | % |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, figures in results["sizes"].items():
        for name, _ in PAGES:
            u, c = figures["uncached"][name], figures["cached"][name]
            q = figures["queries"][name]
            e = figures["cached"].get("edge", {}).get(name)
            edge = f"{e['rps']} | {share(e)}" if e else "| "
            lines.append(
                f"| {size} | {name} | {q['cold']} / {q['warm']} / {q['cached']} | {u['rps']} "
                f"| {share(u)} | {u['cold_one_p50_ms']} / {u['warm_one_p50_ms']} "
                f"| {c['rps']} | {share(c)} | {edge} |"
            )
    lines.append("")
    for size, figures in results["sizes"].items():
        publishing = figures["cached"].get("publishing")
        if publishing:
            quiet, loaded = publishing["quiet"], publishing["publishing"]
            lines.append(
                f"Through nginx and the edge cache, {PUBLISH_CONNECTIONS} connections on the "
                f"home page ({size}): p99 {quiet['p99_ms']} ms, {quiet['rps']} req/s; with a "
                f"figure published every {PUBLISH_EVERY:g} s: p99 {loaded['p99_ms']} ms, "
                f"{loaded['rps']} req/s, {quiet['errors'] + loaded['errors']} errors; each "
                f"publish visible after {', '.join(map(str, publishing['visible_after_s']))} s "
                f"of its click and took {', '.join(map(str, publishing['publish_took_s']))} s."
            )
    rss = {size: max(f["cached"]["peak_rss_mb"], f["uncached"]["peak_rss_mb"])
           for size, f in results["sizes"].items()}  # fmt: skip
    first = {size: f["uncached"]["first_request_ms"] for size, f in results["sizes"].items()}
    lines += [
        "",
        "Peak memory per worker: " + ", ".join(f"{s} {mb} MB" for s, mb in rss.items()) + ".",
        "First request after start (empty page cache): "
        + ", ".join(f"{s} {ms} ms" for s, ms in first.items())
        + ".",
    ]
    if "import" in results:
        imported = results["import"]
        lines.append(
            f"Importing {imported['rows']} rows of a CPJ-format export (`import_cases`): "
            f"{imported['seconds']} s, peak memory {imported['peak_rss_mb']} MB."
        )
    if "mailing" in results:
        lines += bench_mail.render(results["mailing"])
    if "cases" in results:
        lines += bench_cases.render(results["cases"])
    return "\n".join(lines)


def update_docs(table: str):
    document = BASE_DIR / "docs" / "operating.md"
    text = document.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        document.write_text(f"{before}{start}\n{table}\n{end}{after}")


SECTIONS = ("cached", "cold", "publishing", "warm")


def sections_main(sections: list[str], only_pages: list[str]) -> int:
    """Some sections alone at demo size, on a database of its own (`ifex_bench_sections`):
    `cached` (the app's page cache beside its ceiling), `cold` (cold and warm-uncached p50, one
    request at a time), `publishing` (through nginx and the edge, a figure published every 3 s),
    `warm` (warm-uncached throughput beside its ceiling, judged against WARM_TARGETS).
    `--page NAME` (part of a page's name, repeatable) measures only those pages."""
    unknown = [section for section in sections if section not in SECTIONS]
    if unknown:
        print(f"ifex: unknown bench sections {unknown}; choose among {', '.join(SECTIONS)}")
        return 2
    chosen = [name for name, _ in PAGES if not only_pages or any(w in name for w in only_pages)]
    with section_environment("ifex_bench_sections") as env:
        redis = start_redis(env)
        try:
            run([sys.executable, "-m", "ifex.prepare"], env)
            run([sys.executable, "manage.py", "shell", "-c", ANALYZE], env)
            counts = query_counts(env)
            pages = [page for page in PAGES if page[0] in chosen]
            lines, verdicts = [], []
            with ceiling_server(env) as ceiling:
                if "cached" in sections or "publishing" in sections:
                    measured = pages if "cached" in sections else []
                    edge = "publishing" in sections
                    cached = serve_and_measure(
                        env, ceiling, cached=True, edge=edge, pages=measured, edge_pages=[]
                    )
                    for name, _ in measured:
                        ratio = share(cached[name])
                        verdicts.append(
                            verdict(ratio >= CACHED_TARGET, f"demo {name} cached {ratio}%")
                        )
                    if edge:
                        verdicts += judge_publishing("demo", cached["publishing"])
                if "warm" in sections:
                    warm = serve_and_measure(env, ceiling, cached=False, pages=pages, latency=False)
                    for name, _ in pages:
                        verdicts.append(judge_warm("demo", name, warm[name]))
                        errors = warm[name]["errors"] + warm[name]["ceiling_errors"]
                        verdicts.append(verdict(errors == 0, f"demo {name}: {errors} wrk errors"))
                if "cold" in sections:
                    for name, _ in pages:
                        lines.append(f"  {name}: queries {counts[name]}")
                    uncached = serve_and_measure(
                        env, ceiling, cached=False, pages=pages, throughput=False
                    )
                    for name, _ in pages:
                        figures = uncached[name]
                        verdicts.append(
                            verdict(
                                figures["cold_one_p50_ms"]
                                <= COLD_OVER_WARM * figures["warm_one_p50_ms"],
                                f"demo {name} cold p50 {figures['cold_one_p50_ms']} ms, "
                                f"warm-uncached {figures['warm_one_p50_ms']} ms "
                                f"(<= {COLD_OVER_WARM}x)",
                            )
                        )
        finally:
            redis.terminate()
            redis.wait(timeout=30)
    return print_figures(lines, verdicts)


def arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    sections, pages = [], []
    words = iter(argv)
    for word in words:
        if word == "--page":
            pages.append(next(words, ""))
        else:
            sections.append(word)
    return sections, pages


if __name__ == "__main__":
    chosen_sections, chosen_pages = arguments(sys.argv[1:])
    sys.exit(sections_main(chosen_sections, chosen_pages) if chosen_sections else main())
