"""Arabic search with PostgreSQL's Arabic stemmer (Snowball's, in PostgreSQL since version 12),
ignoring accents as the other configurations do: "صحفي" (journalist) finds "الصحفيين" (the
journalists); the stemmer also drops short vowel marks and reads أ, إ and آ as ا. Until now
Arabic was matched word for word (`ifex_simple`, core migration 0008).

Arabic content indexed before this migration keeps its word-for-word vectors until
`manage.py update_index`.
"""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ifex_arabic') THEN
        CREATE TEXT SEARCH CONFIGURATION ifex_arabic (COPY = pg_catalog.arabic);
        ALTER TEXT SEARCH CONFIGURATION ifex_arabic
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, arabic_stem;
    END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS ifex_arabic;"


class Migration(migrations.Migration):
    dependencies = [("core", "0011_search_entry_text_index")]

    operations = [migrations.RunSQL(CREATE, DROP)]
