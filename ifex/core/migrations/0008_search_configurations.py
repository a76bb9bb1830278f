"""A text-search configuration per content language, each ignoring accents (as ifex_english
does): French and Spanish stemming, and `simple` (no stemming) for Arabic, for which PostgreSQL
has no stemmer. ifex/core/search_backend.py chooses one by language.

A site that existed before this migration has its French, Spanish and Arabic content indexed
with English stemming until `manage.py update_index` (README.md, "Languages").
"""

from django.db import migrations

CONFIGURATIONS = {
    "ifex_french": ("pg_catalog.french", "french_stem"),
    "ifex_spanish": ("pg_catalog.spanish", "spanish_stem"),
    "ifex_simple": ("pg_catalog.simple", "simple"),
}


def create(name, source, dictionary):
    return f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}') THEN
        CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {source});
        ALTER TEXT SEARCH CONFIGURATION {name}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {dictionary};
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0007_site_languages")]

    operations = [
        migrations.RunSQL(
            create(name, source, dictionary),
            f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name};",
        )
        for name, (source, dictionary) in CONFIGURATIONS.items()
    ]
