"""The site in four languages: which home page a reader's language has, and where a page is in
each language. English is the source: its pages keep their addresses, the others are under
their prefix (/fr/, /es/, /ar/), each language's pages in a tree of their own under its home.

What a page needs to know of its translations is kept in the cache until the content changes,
like the menu: a page costs no extra query for them on most requests.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.db.models.signals import post_delete, post_save
from django.urls import reverse, translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .page_cache import (
    LANGUAGE_HOMES_VERSION,
    kept_by_worker,
    kept_in_cache,
    kept_until_saved,
    replace_version,
)
from .shared_parts import kept_until_content_changes

# Open Graph names a language with its territory.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "ar": "ar_AR"}


LOCALE_IDS_KEY = "locale_ids"


def active_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def active_locale_id() -> int | None:
    """The reader's language's Locale, by id, without a query on most requests."""
    ids = kept_until_saved(
        LOCALE_IDS_KEY, lambda: dict(Locale.objects.values_list("language_code", "pk")), Locale
    )
    return ids.get(active_language()) or ids.get(settings.LANGUAGE_CODE)


def locale_languages() -> dict[int, str]:
    """{locale id: language code}, without a query on most requests."""
    ids = kept_until_saved(
        LOCALE_IDS_KEY, lambda: dict(Locale.objects.values_list("language_code", "pk")), Locale
    )
    return {pk: code for code, pk in ids.items()}


def content_language(page) -> str:
    """The language a page's words are in: its own language's, except for an alias, which
    shows its original's words (wagtail-localize makes one of each parent a translated page
    needs, before any translator has translated it)."""
    locale_id = page.locale_id
    if getattr(page, "alias_of_id", None):
        # Routing and the menu read it with the page (`with_alias_locale`): no query then.
        locale_id = getattr(page, "alias_locale_id", None) or kept_until_content_changes(
            f"alias_locale:{page.alias_of_id}",
            lambda: (
                Page.objects.filter(pk=page.alias_of_id).values_list("locale_id", flat=True).first()
            ),
        )
    return locale_languages().get(locale_id, settings.LANGUAGE_CODE)


def foreign_language(page) -> str:
    """The language of a page's words where it is not the reader's (English shown on a French
    page, until a translator publishes its translation); "" where it is."""
    if page is None or not getattr(page, "locale_id", None):
        return ""
    language = content_language(page)
    return "" if language == active_language() else language


def names_in_language(model, locale_id) -> dict:
    """{translation key: name} of a taxonomy's rows (countries, regions, topics) translated into
    a locale, kept until one of them is saved."""
    label = model._meta.label_lower
    return kept_until_saved(
        f"names:{label}:{locale_id}",
        lambda: dict(
            model.objects.filter(locale_id=locale_id).values_list("translation_key", "name")
        ),
        model,
    )


def name_in_readers_language(obj) -> str:
    """A country's, region's or topic's name in the reader's language; its own name where no
    translator has given it one. Pages keep the rows they were tagged with, in any language."""
    if obj is None:
        return ""
    locale_id = active_locale_id()
    if obj.locale_id == locale_id:
        return obj.name
    return names_in_language(type(obj), locale_id).get(obj.translation_key, obj.name)


def one_per_translation(rows) -> list:
    """Rows of a taxonomy, one for each thing named: its translation in the reader's language,
    else its row in the site's default language, else any; sorted by the name shown."""
    preference = {active_locale_id(): 0, default_locale_id(): 1}
    chosen = {}
    for row in rows:
        kept = chosen.get(row.translation_key)
        if kept is None or preference.get(row.locale_id, 2) < preference.get(kept.locale_id, 2):
            chosen[row.translation_key] = row
    return sorted(chosen.values(), key=lambda row: row.name.casefold())


def default_locale_id() -> int | None:
    with translation.override(settings.LANGUAGE_CODE):
        return active_locale_id()


def translations_in_the_database(page) -> dict[str, Page]:
    rows = getattr(page, "translation_rows", None)
    if rows is not None:  # read with the page (`live_translation_rows`)
        return {row["language_code"]: translation_from_row(page, row) for row in rows}
    found = Page.objects.filter(translation_key=page.translation_key).live()
    return {version.locale.language_code: version for version in found.select_related("locale")}


def live_translation_rows() -> ArraySubquery:
    """The live translations of each page (itself included), as rows: read with the page the
    reader asked for, not by a query of their own."""
    columns = JSONObject(
        id="id", url_path="url_path", locale_id="locale_id", language_code="locale__language_code"
    )
    return ArraySubquery(
        Page.objects.filter(translation_key=OuterRef("translation_key"), live=True)
        .order_by("path")
        .values(row=columns)
    )


def translation_from_row(page, row) -> Page:
    """What a link to a translation needs (its address): a page as Wagtail's `get_url` reads
    it."""
    locale = Locale(id=row["locale_id"], language_code=row["language_code"])
    translation = Page(
        id=row["id"],
        url_path=row["url_path"],
        translation_key=page.translation_key,
        locale=locale,
        live=True,
    )
    translation._state.adding = False
    return translation


def live_translations(page) -> dict[str, Page]:
    """The live versions of `page` in every language, by language code (itself included)."""
    return kept_until_content_changes(
        f"translations:{page.translation_key}", lambda: translations_in_the_database(page)
    )


def language_homes(site) -> dict[str, Page]:
    """The site's home page in each language it has one in, as its own page type (its image
    is read fresh: a new crop shows). Every request routes from one, and the home page is
    served from it, so they are kept until a home page itself is published, unpublished, moved
    or deleted, not until any content changes."""
    root = site.root_page
    key = f"language_homes:{root.translation_key}"
    return kept_by_worker(
        key,
        lambda: kept_in_cache(key, lambda: homes_of(root), LANGUAGE_HOMES_VERSION),
        [LANGUAGE_HOMES_VERSION],
    )


def homes_of(root) -> dict[str, Page]:
    """The live translations of the site's root page, as its own type, in one query: they are
    all of its type (Wagtail translates a page into a copy of it); `.specific` read them one by
    one."""
    model = root.specific_class or Page
    found = model.objects.filter(translation_key=root.translation_key).live()
    return {home.locale.language_code: home for home in found.select_related("locale")}


def language_root(request):
    """The home page in the reader's language: the site's root page's live translation, or the
    root page itself (which Wagtail then serves under the language's prefix)."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    language = active_language()
    if not hasattr(request, "language_roots"):
        request.language_roots = {}
    if language not in request.language_roots:
        request.language_roots[language] = language_homes(site).get(language, site.root_page)
    return request.language_roots[language]


def homes_changed(instance, raw=False, **kwargs):
    """A site's home or one of its translations: the language homes and Wagtail's site root
    paths (which list draft homes too: a new translation is saved before it is published)."""
    if not isinstance(instance, Page) or raw:
        return
    if instance.depth is not None and instance.depth <= 2:
        replace_version(LANGUAGE_HOMES_VERSION)


def connect():
    for signal in (page_published, page_unpublished, post_page_move, post_save, post_delete):
        signal.connect(homes_changed, dispatch_uid=f"language_homes_{id(signal)}")


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str
    url: str  # an absolute path: /fr/articles/...
    translated: bool  # False: the language's home stands in
    current: bool

    @property
    def open_graph_locale(self) -> str:
        return OPEN_GRAPH_LOCALES.get(self.code, self.code)


def language_versions(request, page=None) -> list[LanguageVersion]:
    """Where this page is in each of the site's languages, for the switcher and hreflang links:
    its live translation, or else that language's home. Without a page (search, the figures'
    history), the same address in each language."""
    current = active_language()
    site = Site.find_for_request(request)
    homes = language_homes(site) if site else {}
    if page is not None and site and page.translation_key == site.root_page.translation_key:
        versions = homes  # the home page's translations are the language homes, already read
    else:
        versions = live_translations(page) if page is not None else {}
    found = []
    for code, name in settings.LANGUAGES:
        if page is None:
            url, translated = translate_url(request.get_full_path(), code), True
        elif code in versions:
            url, translated = versions[code].get_url(request), True
        else:
            home = homes.get(code)
            url = home.get_url(request) if home else prefixed_root(code)
            translated = False
        found.append(LanguageVersion(code, name, url, translated, code == current))
    return found


def prefixed_root(language: str) -> str:
    with translation.override(language):
        return reverse("wagtail_serve", args=[""])
