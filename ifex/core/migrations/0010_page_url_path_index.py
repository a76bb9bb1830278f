"""An index on the pages' addresses: every page a reader asks for is found by its url_path
(`ifex/core/pages.py`, `pages_on_path`), which Wagtail does not index. Without it, each
request read the whole page table: 3 to 16 ms with 10,000 articles, growing with the archive."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_open_data_licence"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS ifex_page_url_path ON wagtailcore_page (url_path)",
            "DROP INDEX IF EXISTS ifex_page_url_path",
        )
    ]
