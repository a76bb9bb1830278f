"""Site search on Wagtail's database backend (PostgreSQL full-text search, ranked).

The core knows no content type: each app registers what readers can search for and under which
name (see the apps' `ready()`). Page types are searched together, ranked against each other;
other models (the organisation directory) are listed beside them.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Model, Q
from wagtail.models import Page

from .languages import active_locale_id
from .pages import SitePageQuerySet
from .shared_parts import kept_until_content_changes

MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w", re.UNICODE)
# A word most pages have is ranked among its most recently added matches, this many, not among
# all of them: ranking reads each match's whole index entry, a pass over most of the index at
# 10,000 articles. A search with fewer matches is ranked among all of them, as before.
SEARCH_CANDIDATES = 200


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str
    model_label: str

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    @property
    def is_page(self) -> bool:
        return issubclass(self.model, Page)


SEARCH_TYPES: dict[str, SearchType] = {}


def register_search_type(key: str, label, model_label: str) -> None:
    SEARCH_TYPES[key] = SearchType(key, label, model_label)


@dataclass(frozen=True)
class CleanQuery:
    text: str
    was_cut: bool

    @property
    def searchable(self) -> bool:
        return bool(WORD.search(self.text))


def clean_query(raw: str) -> CleanQuery:
    """Drop control characters (a NUL byte breaks PostgreSQL), fold spaces, cut to a sane size."""
    text = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in raw or "")
    text = " ".join(text.split())
    return CleanQuery(text[:MAX_QUERY_LENGTH].strip(), len(text) > MAX_QUERY_LENGTH)


@dataclass(frozen=True)
class FoundPages:
    """A search's pages: `ranked`, Wagtail's ranked results among `count` candidates; `more`
    when the search matched more pages than were ranked (the count then says "more than")."""

    ranked: object
    count: int
    more: bool


class FoundPagesPaginator(Paginator):
    """Django's paginator over the ranked candidates, whose number is already known."""

    def __init__(self, found: FoundPages, per_page):
        super().__init__(found.ranked, per_page)
        self.count = found.count
        self.more = found.more


def search_pages(query: str, *, types=(), country=None, year=None, kept_as=None) -> FoundPages:
    """Live pages of the registered (or given) types, filtered by country and year, ranked
    among their SEARCH_CANDIDATES most recently added matches. The candidates (their ids, one
    query that reads no index entry's words) are kept until content changes under `kept_as`;
    the ranking applies every filter again, so a kept id never shows a page taken away."""
    pages = pages_to_search(types, country, year)
    if pages is None:
        return FoundPages(Page.objects.none(), 0, False)
    # Unranked, Wagtail's backend lists matches newest (highest id) first.
    newest_first = pages.search(query, operator="and", order_by_relevance=False)

    def candidates():
        # Wagtail's PostgreSQL results' own queryset, for the ids alone (its `values()`).
        matches = newest_first[: SEARCH_CANDIDATES + 1].get_queryset()
        return list(matches.values_list("pk", flat=True))

    ids = kept_until_content_changes(kept_as, candidates) if kept_as else candidates()
    ranked = pages.filter(pk__in=ids[:SEARCH_CANDIDATES]).search(query, operator="and")
    return FoundPages(ranked, min(len(ids), SEARCH_CANDIDATES), len(ids) > SEARCH_CANDIDATES)


def pages_to_search(types, country, year):
    """The live, public pages in the reader's language of the registered (or given) types,
    from that country and year; None when no page type is asked for."""
    page_types = [t for t in (types or SEARCH_TYPES.values()) if t.is_page]
    if not page_types:
        return None
    # public() from the kept restricted paths, as every listing: Wagtail's reads them each time.
    queryset = SitePageQuerySet(Page).live().public().type(*(t.model for t in page_types))
    queryset = queryset.filter(locale_id=active_locale_id())
    if country is not None or year is not None:
        # Countries and dates live on the specific types: match their pages by subquery.
        matching = Q(pk__in=[])
        for search_type in page_types:
            subset = filter_by_country_and_year(search_type.model, country, year)
            if subset is not None:
                matching |= Q(pk__in=subset.values("pk"))
        queryset = queryset.filter(matching)
    return queryset


def filter_by_country_and_year(model, country, year):
    """Pages of `model` from that country and year, or None when the model has no such field."""
    queryset = model.objects.all()
    if country is not None:
        # In any of the country's languages: pages keep the rows they were tagged with.
        if has_field(model, "countries"):
            queryset = queryset.filter(countries__translation_key=country.translation_key)
        elif has_field(model, "country"):
            queryset = queryset.filter(country__translation_key=country.translation_key)
        else:
            return None
    if year is not None:
        date_field = getattr(model, "listing_date_field", "date")
        if not has_field(model, date_field):
            return None
        queryset = queryset.filter(**{f"{date_field}__year": year})
    return queryset


def search_models(query: str, search_type: SearchType, *, country=None):
    queryset = search_type.model.objects.all()
    if has_field(search_type.model, "locale"):
        queryset = queryset.filter(locale_id=active_locale_id())
    if has_field(search_type.model, "country"):
        queryset = queryset.select_related("country")
    if country is not None:
        queryset = queryset.filter(country=country)
    return queryset.search(query, operator="and")


def has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())
