"""An English text-search configuration that ignores accents, for the site search.

Readers type "Comite" and "Expresion" for "Comité" and "Expresión": words are unaccented before
they are stemmed, in what is indexed and in what is searched (SEARCH_CONFIG in settings).
Content indexed before this migration keeps its old vectors until `manage.py update_index`.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ifex_english') THEN
        CREATE TEXT SEARCH CONFIGURATION ifex_english (COPY = pg_catalog.english);
        ALTER TEXT SEARCH CONFIGURATION ifex_english
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS ifex_english;"


class Migration(migrations.Migration):
    dependencies = [("core", "0003_require_two_factor")]

    operations = [migrations.RunSQL(CREATE, DROP)]
