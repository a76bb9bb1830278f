"""Statistics PostgreSQL keeps on which pages of each language are aliases: with every case
aliased in three other languages, it took "English and not an alias" for a sixteenth of the
pages where it is a quarter, and planned listings for far fewer rows than they read."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0018_site_words_in_each_language"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE STATISTICS IF NOT EXISTS core_page_locale_alias (mcv) "
            "ON locale_id, alias_of_id FROM wagtailcore_page; ANALYZE wagtailcore_page",
            "DROP STATISTICS IF EXISTS core_page_locale_alias",
        ),
    ]
