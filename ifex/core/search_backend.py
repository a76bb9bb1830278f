"""Wagtail's database search backend on PostgreSQL, in each content language.

Wagtail's backend stems everything with one text-search configuration (SEARCH_CONFIG). Here each
page or record is indexed with its own language's configuration (SEARCH_CONFIGS, by language
code) and each query is read with the reader's: "asesinado" finds "asesinadas" on the Spanish
site, as Spanish stemming makes both one word, and English stemming would not; "صحفي" finds
"الصحفيين" on the Arabic site. The configurations ignore accents (ifex/core/migrations/0008 and
0013).
"""

import copy
from collections import defaultdict

from django.utils import translation
from wagtail.models import Locale
from wagtail.search.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

_LANGUAGE_OF_LOCALE: dict[int, str] = {}


def language_of_locale(locale_id) -> str | None:
    if locale_id is not None and locale_id not in _LANGUAGE_OF_LOCALE:
        # Locales are few and never change language: read them all once, again for a new one.
        _LANGUAGE_OF_LOCALE.update(Locale.objects.values_list("pk", "language_code"))
    return _LANGUAGE_OF_LOCALE.get(locale_id)


class LanguageIndex(PostgresIndex):
    def add_items(self, model, objs):
        by_config = defaultdict(list)
        for obj in objs:
            language = language_of_locale(getattr(obj, "locale_id", None))
            by_config[self.backend.config_for(language)].append(obj)
        backend = self.backend
        try:
            for config, group in by_config.items():
                # Wagtail's indexer reads the configuration from the backend it is given.
                self.backend = copy.copy(backend)
                self.backend.config = config
                super().add_items(model, group)
        finally:
            self.backend = backend


class LanguageQueryCompiler(PostgresSearchQueryCompiler):
    def get_config(self, backend):
        return backend.config_for(translation.get_language())


class SearchBackend(PostgresSearchBackend):
    index_class = LanguageIndex
    query_compiler_class = LanguageQueryCompiler

    def __init__(self, params):
        super().__init__(params)
        self.configs = params.get("SEARCH_CONFIGS", {})

    def config_for(self, language) -> str:
        """The configuration for a language code ("fr", "fr-ca"); SEARCH_CONFIG for others."""
        base_language = (language or "").split("-")[0]
        return self.configs.get(language) or self.configs.get(base_language) or self.config
