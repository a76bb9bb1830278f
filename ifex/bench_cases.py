"""`make bench`'s cases section (issue 24): the cases at the real record's size and past it.

- CPJ's whole export is about 2,200 rows: `import_cases` of an invented export of that size, its
  wall time and peak memory (ifex/bench.py, `measure_import`, runs it first);
- then a newer export of 20,000 rows (the first 2,200 unchanged, the rest new), by the same
  command: the time, and whether its peak memory stayed flat beside the 2,200 rows' import;
- then, at 20,000 cases (each aliased in every language, as imports do), the case index (first
  page, last page, filtered, in French), a case page, the CSV download and the sitemap, rendered
  in-process with the page cache off: SQL queries cold (every cache emptied) and warm, the p50
  time of each, the bytes, and the process's peak memory after each.

`python -m ifex.bench_cases` runs this section alone, on a database of its own
(ifex_cases_bench); `make bench` runs it on the bench's database after the 2,200 rows' import.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROWS_AT_SCALE = 20_000
# The 20,000 rows' import may take this many times the memory of the 2,200 rows' at most.
FLAT_MEMORY_RATIO = 1.25
# A case index page or a case page at 20,000 cases: as many queries as at demo size.
COLD_QUERIES = 15
BASE_DIR = Path(__file__).resolve().parent.parent

PAGES_SCRIPT = """
import json, resource, statistics, time
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale
from cases.models import CaseIndexPage, CasePage

index = CaseIndexPage.objects.get(locale=Locale.get_default())
french = index.get_translation(Locale.objects.get(language_code="fr"))
cases = CasePage.objects.live().filter(locale=index.locale)
total = cases.count()
last_page = -(-total // 50)
newest = cases.order_by("-attacked_on", "-pk").first()
oldest = cases.order_by("attacked_on", "pk").first()
PAGES = [
    ("case index, page 1", index.url),
    ("case index, last page", f"{index.url}?page={last_page}"),
    ("case index, filtered", f"{index.url}?motive=confirmed&type_of_death=murder&country=mx"),
    ("case index in French", french.url),
    ("case page", oldest.url),
    ("case page, newest", newest.url),
    ("cases CSV download", f"{index.url}csv/"),
    ("sitemap", "/sitemap.xml"),
    ("sitemap, a part", "/sitemap-pages.xml?p=2"),
]

def get(client, path):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        body = b"".join(response) if response.streaming else response.content
        took = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return len(queries), took, len(body)

client, figures = Client(), {"cases": total}
client.get("/")  # the worker's first request reads what every page shares: not the index's
for name, path in PAGES:
    cache.clear()
    cold_queries, cold_ms, size = get(client, path)
    warm = [get(client, path) for _ in range(5)]
    cold = [cold_ms]
    for _ in range(2):
        cache.clear()
        cold.append(get(client, path)[1])
    figures[name] = {
        "path": path,
        "cold_queries": cold_queries,
        "warm_queries": warm[-1][0],
        "cold_p50_ms": round(statistics.median(cold), 1),
        "warm_p50_ms": round(statistics.median(ms for _q, ms, _b in warm), 1),
        "kb": round(size / 1024, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    print(f"   {name:24} {figures[name]}", flush=True)
print("PAGES " + json.dumps(figures))
"""


def import_and_measure(env, rows: int) -> dict:
    """`import_cases` of an invented export of `rows` rows: wall time, summary, peak memory."""
    from ifex.bench import BENCH_DIR, write_invented_export

    path = BENCH_DIR / f"cpj-export-{rows}.csv"
    write_invented_export(path, rows)
    command = [sys.executable, "manage.py", "import_cases", str(path), "--source", "cpj"]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = round(time.monotonic() - started, 1)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"import_cases failed:\n{output}")

    def count(label):
        return int(re.search(rf"^{label}: (\d+)$", output, re.MULTILINE).group(1))

    figures = {
        "rows": rows,
        "added": count("Added"),
        "unchanged": count("Unchanged"),
        "rejected": count("Rejected"),
        "seconds": seconds,
        "peak_rss_mb": usage.ru_maxrss // 1024,
    }
    print(f"   import of {rows} rows: {figures}", flush=True)
    return figures


def measure_cases_at_scale(env, first_import: dict) -> dict:
    """After the 2,200 rows' import (`first_import`, ifex/bench.py): 20,000 rows, then pages."""
    from ifex.bench import ANALYZE, run

    print(f"\n== cases: importing {ROWS_AT_SCALE} rows, then the pages", flush=True)
    at_scale = import_and_measure(env, ROWS_AT_SCALE)
    run([sys.executable, "manage.py", "shell", "-c", ANALYZE], env)
    page_env = dict(env, PAGE_CACHE_SECONDS="0", PAGE_CACHE_SEARCH_SECONDS="0")
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PAGES_SCRIPT],
        cwd=BASE_DIR,
        env=page_env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = json.loads(re.search(r"^PAGES (.*)$", output, re.MULTILINE).group(1))
    return {"first_import": first_import, "import": at_scale, "pages": pages}


def judge(figures) -> list[str]:
    from ifex.bench import IMPORT_TARGET_SECONDS, verdict

    first, at_scale, pages = figures["first_import"], figures["import"], figures["pages"]
    verdicts = [
        verdict(
            at_scale["added"] + at_scale["unchanged"] == at_scale["rows"]
            and at_scale["unchanged"] == first["rows"],
            f"import of {at_scale['rows']} rows after {first['rows']}: {at_scale['added']} "
            f"added, {at_scale['unchanged']} unchanged, {at_scale['rejected']} rejected, in "
            f"{at_scale['seconds']} s",
        ),
        verdict(
            first["seconds"] < IMPORT_TARGET_SECONDS,
            f"import of {first['rows']} rows in {first['seconds']} s (< {IMPORT_TARGET_SECONDS} s)",
        ),
        verdict(
            at_scale["peak_rss_mb"] <= FLAT_MEMORY_RATIO * first["peak_rss_mb"],
            f"import memory flat: {first['peak_rss_mb']} MB for {first['rows']} rows, "
            f"{at_scale['peak_rss_mb']} MB for {at_scale['rows']} (<= {FLAT_MEMORY_RATIO}x)",
        ),
    ]
    for name, page in pages.items():
        if name == "cases" or "download" in name or "sitemap" in name:
            continue
        verdicts.append(
            verdict(
                page["cold_queries"] <= COLD_QUERIES,
                f"{pages['cases']} cases: {name} cold {page['cold_queries']} queries "
                f"(<= {COLD_QUERIES}), p50 cold {page['cold_p50_ms']} ms, warm "
                f"{page['warm_p50_ms']} ms",
            )
        )
    return verdicts


def render(figures) -> list[str]:
    first, at_scale, pages = figures["first_import"], figures["import"], figures["pages"]
    lines = [
        "",
        f"Cases at {pages['cases']} (an invented CPJ-format export of {at_scale['rows']} rows "
        f"imported by `import_cases` after one of {first['rows']}: {at_scale['added']} added, "
        f"{at_scale['unchanged']} unchanged in {at_scale['seconds']} s, peak memory "
        f"{at_scale['peak_rss_mb']} MB against {first['peak_rss_mb']} MB for {first['rows']} "
        "rows; every case aliased in French, Spanish and Arabic). Rendered in-process, page "
        "cache off; cold: every cache emptied first.",
        "",
        "| page | SQL cold / warm | p50 ms cold / warm | KB | process peak MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, page in pages.items():
        if name == "cases":
            continue
        lines.append(
            f"| {name} | {page['cold_queries']} / {page['warm_queries']} | "
            f"{page['cold_p50_ms']} / {page['warm_p50_ms']} | {page['kb']} | "
            f"{page['peak_rss_mb']} |"
        )
    return lines


def main() -> int:
    """This section alone, on a database of its own: the demo, then both imports."""
    from ifex.bench import BENCH_DIR, IMPORT_ROWS, print_figures, section_environment

    with section_environment("ifex_cases_bench") as env:
        subprocess.run([sys.executable, "-m", "ifex.prepare"], cwd=BASE_DIR, env=env, check=True)
        first = import_and_measure(env, IMPORT_ROWS)
        figures = measure_cases_at_scale(env, first)
    (BENCH_DIR / "cases.json").write_text(json.dumps(figures, indent=2))
    return print_figures(render(figures), judge(figures))


if __name__ == "__main__":
    sys.exit(main())
