"""`make bench`: the site served as in production (gunicorn, 2 workers, production settings) and
measured over loopback with wrk, uncached and cached, against a static file of the same size
from the same server: the ceiling. At demo size, then with 10,000 articles and 1,000 statements
(`seed_bulk`). Prints a table, writes var/bench/results.json and puts the table in
docs/operating.md.

Runs on a database of its own (ifex_bench, on the embedded server or DATABASE_URL's server) and
its own var/bench/ folder; the site's data is never touched.
"""

import datetime
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 8
WORKERS = 2
LARGE = {"articles": 10_000, "statements": 1_000}

PAGES = [
    ("home page", "/"),
    ("campaign page", "/campaigns/no-impunity/"),
    ("article index, page 1", "/articles/"),
    ("article index, last page", "/articles/?page=99999"),
    ("article", "/articles/action-plan-or-inaction-plan/"),
    ("statement, 94 signatories", "/statements/global-magnitsky-sanctions/"),
    ("search, common word", "/search/?q=journalist"),
    ("feed, filtered", "/articles/feed/?country=ph"),
]
# % of the ceiling, as issue 10 sets them. Search and the feed are measured and shown without
# one: search is held to its growth with the archive (GROWTH_CHECKED) instead.
UNCACHED_TARGETS = {
    "home page": 1.5,
    "campaign page": 1.5,
    "article index, page 1": 2.0,
    "article index, last page": 2.0,
    "article": 2.0,
    "statement, 94 signatories": 2.0,
}
CACHED_TARGET = 50.0
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

QUERY_COUNTS = """
import json
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from ifex.core.page_cache import replace_version
client, counts = Client(), {}
for name, path in PAGES:
    client.get(path)
    replace_version()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    counts[name] = len(queries)
print("COUNTS " + json.dumps(counts))
print("HOME_BYTES " + str(len(client.get("/").content)))
"""


def main() -> int:
    for tool in (WRK, REDIS):
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
        results["sizes"]["demo"] = measure_size(env, "demo")
        run([sys.executable, "manage.py", "seed_bulk", *bulk_arguments(env)], env)
        results["sizes"]["large"] = measure_size(env, "10,000 articles")
        results["import"] = measure_import(env)
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
    update_readme(table)
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


def measure_size(env, label) -> dict:
    print(f"\n== {label}", flush=True)
    # Just seeded, the tables have no statistics yet: PostgreSQL's autovacuum would gather them
    # during the first runs (taking CPU from the site) and plans would change under the load. A
    # live site's statistics are current; measure that.
    run([sys.executable, "manage.py", "shell", "-c", ANALYZE], env)
    counts, page_bytes = query_counts(env)
    # Written before gunicorn starts: WhiteNoise serves the files it finds at start.
    (BENCH_DIR / "staticfiles" / "bench-ceiling.html").write_bytes(b"x" * page_bytes)
    uncached = serve_and_measure(env, cached=False)
    cached = serve_and_measure(env, cached=True)
    return {"queries": counts, "uncached": uncached, "cached": cached, "page_bytes": page_bytes}


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


def query_counts(env) -> tuple[dict, int]:
    """SQL queries per page, and the size of the home page (the ceiling file's)."""
    code = f"PAGES = {PAGES!r}\n{QUERY_COUNTS}"
    output = run(
        [sys.executable, "manage.py", "shell", "-c", code], env, capture_output=True, text=True
    ).stdout
    counts = json.loads(re.search(r"^COUNTS (.*)$", output, re.M).group(1))
    return counts, int(re.search(r"^HOME_BYTES (\d+)$", output, re.M).group(1))


def serve_and_measure(env, cached: bool) -> dict:
    port = free_port()
    lifetime = "3600" if cached else "0"
    env = dict(env, PAGE_CACHE_SECONDS=lifetime, PAGE_CACHE_SEARCH_SECONDS=lifetime)
    gunicorn = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "ifex.wsgi:application"),
            *("--config", "python:ifex.deploy.gunicorn", "--access-logfile", "/dev/null"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)),
            *("--no-control-socket", "--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _, first_ms = wait_for(base + "/")
        figures = {"first_request_ms": first_ms}
        ceilings = []
        for name, path in PAGES:
            urllib.request.urlopen(base + path, timeout=60).read()  # warm: renditions, caches
            # The ceiling measured just before each page: the machine's speed drifts by a
            # third within a run, and a ratio is only true of two figures taken together.
            ceilings.append(wrk(base + "/static/bench-ceiling.html"))
            figures[name] = dict(wrk(base + path), ceiling_rps=ceilings[-1]["rps"])
            print(f"  {'cached' if cached else 'uncached':8} {name:28} {figures[name]}", flush=True)
        figures["ceiling"] = median_run(ceilings)
        figures["peak_rss_mb"] = peak_rss_mb(gunicorn.pid)
        return figures
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)


def wrk(url) -> dict:
    script = BENCH_DIR / "report.lua"
    script.write_text(LUA)
    output = subprocess.run(
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        timeout=SECONDS + 60,
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


def median_run(runs: list[dict]) -> dict:
    """The run of median speed, with the range of all."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    return dict(ordered[len(ordered) // 2], low_rps=ordered[0]["rps"], high_rps=ordered[-1]["rps"])


def percent(value, ceiling) -> float:
    return round(100 * value / ceiling, 2) if ceiling else 0.0


def share(page: dict) -> float:
    """A page's speed as a share of the ceiling measured beside it."""
    return percent(page["rps"], page["ceiling_rps"])


def judge(results) -> list[str]:
    verdicts = []
    for size, figures in results["sizes"].items():
        for name, _ in PAGES:
            cached, uncached = share(figures["cached"][name]), share(figures["uncached"][name])
            verdicts.append(verdict(cached >= CACHED_TARGET, f"{size} {name} cached {cached}%"))
            target = UNCACHED_TARGETS.get(name)
            if target is None:
                verdicts.append(f"     {size} {name} uncached {uncached}% (no target)")
                continue
            verdicts.append(
                verdict(uncached >= target, f"{size} {name} uncached {uncached}% (>= {target}%)")
            )
        for mode in ("cached", "uncached"):
            rss = figures[mode]["peak_rss_mb"]
            verdicts.append(verdict(rss <= RSS_TARGET_MB, f"{size} {mode} worker RSS {rss} MB"))
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
    for name, _ in PAGES:
        # Not more with 10,000 articles. Fewer is possible: search fetches each page type among
        # its results in one query, and a larger archive may put fewer types on the first page.
        before, after = demo["queries"][name], large["queries"][name]
        verdicts.append(verdict(after <= before, f"{name}: {before} queries, {after} large"))
    return verdicts


def verdict(passed: bool, text: str) -> str:
    return f"{'ok  ' if passed else 'MISS'} {text}"


def render(results) -> str:
    lines = [
        f"Measured {results['date']} by `make bench`: gunicorn, {WORKERS} workers, production "
        f"settings, Redis cache, wrk with {CONNECTIONS} connections for {SECONDS} s over "
        "loopback. Each % is of the ceiling measured just before that page.",
        "",
        "| size | page | SQL | uncached req/s | p50 / p99 ms | % ceiling "
        "| cached req/s | p50 / p99 ms | % ceiling |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, figures in results["sizes"].items():
        for name, _ in PAGES:
            u, c = figures["uncached"][name], figures["cached"][name]
            lines.append(
                f"| {size} | {name} | {figures['queries'][name]} | {u['rps']} "
                f"| {u['p50_ms']} / {u['p99_ms']} | {share(u)} "
                f"| {c['rps']} | {c['p50_ms']} / {c['p99_ms']} | {share(c)} |"
            )
        u, c = figures["uncached"]["ceiling"], figures["cached"]["ceiling"]
        lines.append(
            f"| {size} | static file, {figures['page_bytes']} bytes (ceiling: median, range) "
            f"| | {u['rps']} ({u['low_rps']}-{u['high_rps']}) | {u['p50_ms']} / {u['p99_ms']} "
            f"| 100 | {c['rps']} ({c['low_rps']}-{c['high_rps']}) "
            f"| {c['p50_ms']} / {c['p99_ms']} | 100 |"
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
    return "\n".join(lines)


def update_readme(table: str):
    readme = BASE_DIR / "docs" / "operating.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        readme.write_text(f"{before}{start}\n{table}\n{end}{after}")


if __name__ == "__main__":
    sys.exit(main())
