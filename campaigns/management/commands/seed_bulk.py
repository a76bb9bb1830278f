"""`manage.py seed_bulk --articles N --statements M`: a large archive for the benchmark, fast.

Pages are added to the tree in bulk: `add_child` one at a time re-reads and re-writes the parent
for every page (10,000 articles took most of an hour). Here the tree paths are computed once, the
Page rows are inserted with `bulk_create`, each type's own rows with one batched INSERT, and the
search index is filled in batches. Only for a database of its own (the bench's): the pages are
live without revisions, as a site built by hand never is.
"""

import datetime
import random
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from articles.models import (
    ArticleIndexPage,
    ArticlePage,
    JointStatementPage,
    Signatory,
    StatementIndexPage,
)
from ifex.core.models import Country, Organisation, Topic
from ifex.core.page_cache import content_changed

WORDS = [
    *("journalist", "press", "freedom", "impunity", "justice", "trial", "court", "attack"),
    *("threat", "sanctions", "report", "investigation", "protest", "editor", "radio"),
    *("newspaper", "blogger", "activist", "artist", "police", "prison"),
]
BATCH = 1000


class Command(BaseCommand):
    help = "Add many live articles and signed statements at once (for `make bench`)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--statements", type=int, default=1_000)
        parser.add_argument("--signatories", type=int, default=50)

    def handle(self, *args, articles, statements, signatories, **options):
        name = connection.settings_dict["NAME"]
        if not (name.endswith("_bench") or name.startswith("test_")):
            raise CommandError("Only for a bench database (its name ends in _bench).")
        self.rng = random.Random(2006)
        # The archive is in the source language, under its sections, tagged with its countries
        # and topics; the demo has the same sections and names in three more languages.
        source = Locale.get_default()
        self.countries = list(Country.objects.filter(locale=source).values_list("pk", flat=True))
        self.topics = list(Topic.objects.filter(locale=source).values_list("pk", flat=True))
        if not (self.countries and self.topics):
            raise CommandError("Run seed_demo first: the archive uses its countries and topics.")
        article_index = ArticleIndexPage.objects.get(locale=source)
        added = self.add_pages(ArticlePage, article_index, articles)
        self.stdout.write(f"{len(added)} articles added")
        statement_index = StatementIndexPage.objects.get(locale=source)
        added = self.add_pages(JointStatementPage, statement_index, statements)
        self.sign(added, signatories)
        self.stdout.write(f"{len(added)} statements added, {signatories} signatories each")
        # Added without Wagtail's publish signals: pages and counts cached before are out of date.
        content_changed()
        # Thousands of new rows and no statistics for them: until autovacuum came by, PostgreSQL
        # planned the first readers' queries for the tables as they were (a common word's search
        # 120 ms instead of 47). A bulk write analyses what it filled.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    @transaction.atomic
    def add_pages(self, model, index, count) -> list[int]:
        now = timezone.now()
        start = index.numchild + 1
        content_type = ContentType.objects.get_for_model(model)
        locale = Locale.get_default()
        pages = []
        for number in range(start, start + count):
            words = " ".join(self.rng.choice(WORDS) for _ in range(12))
            slug = f"bulk-{uuid.uuid4().hex[:10]}"
            title = f"{words[:60].capitalize()} ({number})"
            pages.append(
                Page(
                    path=index._get_path(index.path, index.depth + 1, number),
                    depth=index.depth + 1,
                    numchild=0,
                    translation_key=uuid.uuid4(),
                    locale=locale,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    url_path=f"{index.url_path}{slug}/",
                )
            )
        created = Page.objects.bulk_create(pages, batch_size=BATCH)
        ids = [page.pk for page in created]
        self.insert_specific_rows(model, ids, created)
        self.link(model, "countries", ids, self.countries)
        self.link(model, "topics", ids, self.topics)
        Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
        index.refresh_from_db()
        backend = get_search_backend()
        for offset in range(0, len(ids), BATCH):
            backend.add_bulk(model, list(model.objects.filter(pk__in=ids[offset : offset + BATCH])))
        return ids

    def insert_specific_rows(self, model, ids, pages):
        """One row per page in the type's own tables (NewsPage fields live on each type)."""
        table = model._meta.db_table
        fields = [f for f in model._meta.local_concrete_fields if f.name != "page_ptr"]
        columns = ["page_ptr_id", *(f.column for f in fields)]
        rows = []
        for page_id, page in zip(ids, pages, strict=True):
            instance = model(
                teaser=f"{page.title}.",
                date=datetime.date(2015, 1, 1) + datetime.timedelta(days=page_id % 3650),
            )
            values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
            rows.append([page_id, *values])
        placeholders = ", ".join(["%s"] * len(columns))
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        insert = (
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(insert, rows)

    def link(self, model, name, ids, choices):
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [
                through(**{f"{source}_id": page_id, f"{target}_id": choice})
                for page_id in ids
                for choice in self.rng.sample(choices, 2)
            ],
            batch_size=BATCH * 2,
        )

    @transaction.atomic
    def sign(self, statement_ids, per_statement):
        have = Organisation.objects.count()
        Organisation.objects.bulk_create(
            [
                Organisation(name=f"Bench organisation {number}", website="https://example.org/")
                for number in range(have, max(have, per_statement * 2))
            ]
        )
        organisations = list(Organisation.objects.values_list("pk", flat=True))
        Signatory.objects.bulk_create(
            [
                Signatory(page_id=page_id, organisation_id=organisation, sort_order=order)
                for page_id in statement_ids
                for order, organisation in enumerate(self.rng.sample(organisations, per_statement))
            ],
            batch_size=BATCH * 5,
        )
