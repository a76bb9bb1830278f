"""`make bench`: how fast the reader's pages and search are on a grown archive, and how much
memory a worker uses. Runs on its own database (ifex_bench), never on the site's data."""

import argparse
import datetime
import random
import resource
import statistics
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import ArticleIndexPage, ArticlePage, JointStatementPage, StatementIndexPage
from campaigns.demo import build_demo_site, site_has_content
from ifex.core.models import Country, Topic

WORDS = [
    "journalist",
    "press",
    "freedom",
    "impunity",
    "justice",
    "trial",
    "court",
    "attack",
    "threat",
    "sanctions",
    "report",
    "investigation",
    "protest",
    "editor",
    "radio",
    "newspaper",
    "blogger",
    "activist",
    "artist",
    "police",
    "prison",
]

# (name, path, target for the 95th percentile in milliseconds)
PAGES = [
    ("home page", "/", 300),
    ("campaign page", "/campaigns/no-impunity/", 300),
    ("article index", "/articles/", 250),
    ("article index, filtered", "/articles/?country=ph&topic=impunity", 250),
    ("article index, page 40", "/articles/?page=40", 250),
    ("statement page", "/statements/global-magnitsky-sanctions/", 250),
    ("search, common word", "/search/?q=journalist", 400),
    ("search, two words", "/search/?q=impunity+trial", 400),
    ("search, rare word", "/search/?q=Ortega", 400),
    ("feed, filtered", "/articles/feed/?country=ph", 250),
]
MEMORY_TARGET_MB = 250


class Command(BaseCommand):
    help = "Measure page and search times on a large archive; prints figures against targets."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=2000)
        parser.add_argument("--statements", type=int, default=300)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--grow-only", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, articles, statements, repeat, grow_only, **options):
        database = settings.DATABASES["default"]["NAME"]
        if not database.endswith("_bench"):
            raise CommandError("Run through `make bench`: it uses its own database (ifex_bench).")
        if grow_only:
            call_command("migrate", verbosity=0)
            if not site_has_content():
                build_demo_site()
            self.grow(ArticlePage, ArticleIndexPage, articles)
            self.grow(JointStatementPage, StatementIndexPage, statements)
            return
        # The archive is built in another process, so the memory figure below is that of a
        # process that only serves pages, like a gunicorn worker.
        subprocess.run(
            [
                sys.executable,
                sys.argv[0],
                "benchmark",
                "--grow-only",
                f"--articles={articles}",
                f"--statements={statements}",
            ],
            check=True,
        )
        self.stdout.write(
            f"Archive: {ArticlePage.objects.count()} articles, "
            f"{JointStatementPage.objects.count()} statements; {repeat} requests per page.\n"
        )
        self.stdout.write(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'target':>8}")
        failures = 0
        client = Client()
        for name, path, target in PAGES:
            p50, p95, queries = measure(client, path, repeat)
            verdict = "ok" if p95 <= target else "SLOW"
            failures += verdict != "ok"
            self.stdout.write(
                f"{name:28} {p50:8.1f} {p95:8.1f} {queries:8d} {f'<{target}':>8} {verdict}"
            )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        verdict = "ok" if peak_mb <= MEMORY_TARGET_MB else "OVER"
        failures += verdict != "ok"
        self.stdout.write(
            f"\npeak memory of the serving process: {peak_mb:.0f} MB "
            f"(target < {MEMORY_TARGET_MB} MB) {verdict}"
        )
        if failures:
            raise CommandError(f"{failures} figure(s) missed their target.")

    def grow(self, model, index_model, wanted):
        index = index_model.objects.get()
        missing = wanted - model.objects.count()
        if missing <= 0:
            return
        self.stdout.write(f"Adding {missing} {model._meta.verbose_name_plural}...")
        countries, topics = list(Country.objects.all()), list(Topic.objects.all())
        rng = random.Random(missing)
        start = model.objects.count()
        for number in range(start, start + missing):
            words = " ".join(rng.choice(WORDS) for _ in range(12))
            with transaction.atomic():
                page = index.add_child(
                    instance=model(
                        title=f"{words[:60].capitalize()} ({number})",
                        slug=f"bench-{number}",
                        teaser=f"{words.capitalize()}.",
                        date=datetime.date(2015, 1, 1) + datetime.timedelta(days=number % 3650),
                    )
                )
                page.countries.set(rng.sample(countries, 2))
                page.topics.set(rng.sample(topics, 2))
                page.save()
            index.refresh_from_db()


def measure(client, path, repeat):
    client.get(path)  # warm: renditions, caches
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, len(queries)
