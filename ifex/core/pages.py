"""How the site's pages are found: listings, routing and privacy checks in a fixed, small number
of queries, however deep the page or however many items a listing shows."""

import hashlib

from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import JSONObject
from django.http import Http404
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageManager, PageViewRestriction, Site
from wagtail.query import PageQuerySet

from .languages import active_locale_id, default_locale_id, language_root, live_translation_rows
from .page_cache import kept_until_saved
from .shared_parts import kept_until_content_changes

RESTRICTED_PATHS_KEY = "restricted_paths"


def restricted_paths() -> list[str]:
    """The tree paths of the pages with a view restriction: few, if any. Kept until a
    restriction is saved or deleted, or a page moves (its subtree's paths change with it)."""
    return kept_until_saved(
        RESTRICTED_PATHS_KEY,
        lambda: sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True))),
        PageViewRestriction,
    )


def under_restriction(path_field: str = "path") -> Q:
    """Rows whose page (`path_field`) is a restricted page or below one: a prefix of its tree
    path, which the path index answers."""
    hidden = Q()
    for path in restricted_paths():
        hidden |= Q(**{f"{path_field}__startswith": path})
    return hidden


# What a card's place in the cache is found by (ifex/core/cards.py card_key), and its model.
CARD_KEY_FIELDS = ("content_type", "locale", "url_path", "last_published_at")


def shown_to_readers(page) -> bool:
    """A page already read (a chooser's): is it live and under no view restriction? What
    `for_listing` asks of the database, asked of the page."""
    return page.live and not any(page.path.startswith(path) for path in restricted_paths())


def translation_paths(page) -> list[str]:
    """The tree paths of `page` and of its translations, in every language, live or not: read
    with the page where routing found it (`specific_with_hero`), else now."""
    paths = getattr(page, "translation_paths", None)
    if paths is None:
        paths = Page.objects.filter(translation_key=page.translation_key).values_list(
            "path", flat=True
        )
    return sorted({page.path, *paths})


def all_translation_paths() -> ArraySubquery:
    """What `translation_paths` reads, read with the page: not by a query of its own."""
    return ArraySubquery(
        Page.objects.filter(translation_key=OuterRef("translation_key"))
        .order_by("path")
        .values("path")
    )


class SitePageQuerySet(PageQuerySet):
    def public(self):
        """As Wagtail's, without reading every restriction for each listing, or a subquery for
        each of its rows: pages under the kept restricted paths are left out."""
        hidden = under_restriction()
        return self.exclude(hidden) if hidden else self

    def in_language(self):
        """Pages in the reader's language."""
        return self.filter(locale_id=active_locale_id())

    def in_readers_language(self):
        """Each page once: its translation in the reader's language where a translator has
        published one, else the original in the site's language (which cards and feeds mark as
        English). Never an alias: it shows another page's words under a second address."""
        reader, source = active_locale_id(), default_locale_id()
        originals = self.filter(alias_of__isnull=True)
        if reader == source:
            return originals.filter(locale_id=reader)
        # A page in the reader's language is the only one of its translations in it: none
        # other than itself is found, and it stays. Asked so, rather than "in the reader's
        # language, or in the site's and no translation", PostgreSQL plans it as an anti-join
        # and estimates its rows: it took the 20,000 cases of the bench for a quarter as many.
        published_translation = Page.objects.filter(
            translation_key=OuterRef("translation_key"),
            locale_id=reader,
            live=True,
            alias_of__isnull=True,
        ).exclude(pk=OuterRef("pk"))
        return originals.filter(locale_id__in=[reader, source]).exclude(
            Exists(published_translation)
        )

    def under_translations_of(self, page):
        """Pages below `page` or below one of its translations (a French index lists the
        English articles not yet translated): each tree path a prefix, which the path index
        answers and the planner can estimate. Matched against a subquery instead, PostgreSQL
        took the 20,000 cases of the bench for one row, and planned nested loops for it."""
        below = Q()
        for path in translation_paths(page):
            below |= Q(path__startswith=path)
        return self.filter(below, depth__gt=page.depth)

    def listed_under(self, page):
        """What a listing at `page` (an index, in any language) shows: see the two above."""
        return self.under_translations_of(page).in_readers_language()

    def for_listing(self):
        """Live, public pages with what a card shows: the image in the same query. Its
        renditions are read for all the cards drawn at once (`render_cards`), from Wagtail's
        rendition cache first: a prefetch here would cost a query per listing even when every
        rendition is in the cache."""
        return self.live().public().select_related("hero_image").annotate(read_whole=Value(True))

    def for_cards(self):
        """The pages of a listing shown as cards: as `for_listing`, with only what finds each
        card in the cache (`render_cards` fetches the rest for the cards it does not find).
        Building and reading the whole listing query was most of a listing's time."""
        return self.live().public().only(*self.card_fields())

    def card_fields(self) -> tuple[str, ...]:
        return CARD_KEY_FIELDS


SitePageManager = PageManager.from_queryset(SitePageQuerySet)


def pages_on_path(page, path_components) -> dict:
    """Every page on a URL's path below `page`, by `url_path`, in one query (not yet as their
    specific types)."""
    prefixes = [
        page.url_path + "".join(f"{component}/" for component in path_components[:length])
        for length in range(1, len(path_components) + 1)
    ]
    found = with_alias_locale(
        Page.objects.filter(url_path__in=prefixes, path__startswith=page.path)
    )
    return {found_page.url_path: found_page for found_page in found}


def route_key(page, path_components) -> str:
    path = "/".join(path_components)  # as readers typed it: hashed into a safe cache key
    return f"pages_on_path:{page.pk}:{hashlib.sha256(path.encode()).hexdigest()}"


def claims_subpath(page, path_components) -> bool:
    """Would this page answer the rest of the path itself (a routable page's feed/)? Wagtail
    asks every page on the way down before looking for a child."""
    model = page.specific_class
    if not (page.live and model and issubclass(model, RoutablePageMixin)):
        return False
    try:
        model.get_resolver().resolve("/" + "".join(f"{part}/" for part in path_components))
    except Http404:
        return False
    return True


def route_in_one_step(page, request, path_components):
    """What Wagtail's `route` finds for the path below `page`, in two queries however deep it
    is: Wagtail looks each level up in turn, with two queries a level. The pages on the path are
    fetched at once, and kept until content changes (only a publish, a move or a deletion
    changes which page an address leads to); only the one that answers is fetched as its
    specific type (with its hero image), and it then routes the rest itself, as Wagtail would
    have reached it."""
    found = kept_until_content_changes(
        route_key(page, path_components), lambda: pages_on_path(page, path_components)
    )
    answering, remaining = page, list(path_components)
    while remaining and not (answering is not page and claims_subpath(answering, remaining)):
        child = found.get(f"{answering.url_path}{remaining[0]}/")
        if child is None:
            break
        answering, remaining = child, remaining[1:]
    if answering is page:
        raise Http404
    request.pages_on_path = [
        candidate for candidate in found.values() if answering.path.startswith(candidate.path)
    ]
    return specific_with_hero(answering).route(request, remaining)


def specific_with_hero(page):
    """The page that answers, as its own type, with its hero image, its live translations
    (`live_translations`), the tree paths of all of them (`translation_paths`: what it lists,
    if it is an index) and what its manager's `for_page` adds, in one query."""
    model = page.specific_class
    if model is None:
        return page.specific
    manager = model.objects
    queryset = manager.for_page() if hasattr(manager, "for_page") else manager.all()
    queryset = queryset.filter(pk=page.pk).annotate(
        translation_rows=live_translation_rows(), translation_paths=all_translation_paths()
    )
    if any(field.name == "hero_image" for field in model._meta.fields):
        queryset = queryset.select_related("hero_image")
    return queryset.get()


def related_rows(model, field_name) -> ArraySubquery:
    """The rows a page's many-to-many `field_name` links it to, every column, in their model's
    order: read with the page (an annotation), not by a query of their own. `as_instances`
    makes them model instances again."""
    field = model._meta.get_field(field_name)
    related, linked = field.related_model, field.m2m_reverse_field_name()

    def through_related(name):
        return f"-{linked}__{name[1:]}" if name.startswith("-") else f"{linked}__{name}"

    columns = {f.attname: F(through_related(f.name)) for f in related._meta.concrete_fields}
    return ArraySubquery(
        field.remote_field.through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")})
        .order_by(*(through_related(name) for name in related._meta.ordering))
        .values(row=JSONObject(**columns))
    )


def as_instances(model, rows) -> list:
    """`model` instances of rows read as JSON (`related_rows`), as if read from the table."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    return [
        model.from_db(DEFAULT_DB_ALIAS, names, [f.to_python(row[f.attname]) for f in fields])
        for row in rows
    ]


def breadcrumb_pages(request, page) -> list:
    """The pages above `page` below the site's root, top down: those routing already found,
    or else from the tree (a page rendered without a request)."""
    root = language_root(request) if request else None
    found = getattr(request, "pages_on_path", None)
    if found is None or root is None:
        return [ancestor for ancestor in page.get_ancestors() if not ancestor.is_root()]
    above = sorted(
        (candidate for candidate in found if candidate.pk != page.pk), key=lambda p: p.depth
    )
    return [root, *above]


def view_restrictions(page):
    """Wagtail's `get_view_restrictions` in one query: its own walks the ancestors first. An
    alias has no restrictions of its own: its source's apply. On a site where no page has one
    (the kept list says so), none is asked for."""
    if not restricted_paths():
        return PageViewRestriction.objects.none()
    steps = Page.steplen
    ancestors = [page.path[:end] for end in range(steps, len(page.path) + 1, steps)]
    aliased = Page.objects.filter(path__in=ancestors, alias_of__isnull=False).values("alias_of")
    return PageViewRestriction.objects.filter(
        Q(page__path__in=ancestors, page__alias_of__isnull=True) | Q(page__in=aliased)
    )


def with_alias_locale(pages):
    """Pages with the locale of the page each alias shows (`content_language`), in the same
    query."""
    return pages.annotate(alias_locale_id=F("alias_of__locale_id"))


def site_sections(request) -> list:
    """The live, public pages right under the site's root, each in the reader's language where
    a translator has published it, else the English original (the menu marks it as English):
    the menu and the feed links both come from them, kept in the cache until the content
    changes."""
    if not hasattr(request, "site_sections"):
        root = language_root(request)
        site = Site.find_for_request(request)
        request.site_sections = (
            kept_until_content_changes(
                f"site_sections:{site.root_page_id}:{root.pk}",
                lambda: sections_in_language(site.root_page, root),
            )
            if root and site
            else []
        )
    return request.site_sections


def sections_in_language(source_root, root) -> list:
    """The sections under the source language's home, each replaced by its translation under
    the reader's home where one is published (an alias, the original's words under another
    address, is not one); then any section only the reader's language has. One query."""
    children = with_alias_locale(SitePageQuerySet(Page).live().public().order_by("path"))
    below_source = Q(path__startswith=source_root.path, depth=source_root.depth + 1)
    if root.pk == source_root.pk:
        return list(children.filter(below_source))
    below_root = Q(path__startswith=root.path, depth=root.depth + 1, alias_of__isnull=True)
    found = list(children.filter(below_source | below_root))
    translated = {page.translation_key: page for page in found if page.path.startswith(root.path)}
    shown = [
        translated.pop(page.translation_key, page)
        for page in found
        if page.path.startswith(source_root.path)
    ]
    return shown + list(translated.values())


def specific_pages(pages) -> list:
    """`pages` (plain Page objects) as their specific types, in the same order, with what cards
    show fetched in bulk: a fixed number of queries per page type, never one per page. Pages
    already read so (`for_listing`) are not read again."""
    ids_by_model: dict[type, list[int]] = {}
    found = {}
    for page in pages:
        if getattr(page, "read_whole", False):
            found[page.pk] = page
        else:
            ids_by_model.setdefault(page.specific_class, []).append(page.pk)
    for model, ids in ids_by_model.items():
        manager = model.objects
        queryset = manager.for_listing() if hasattr(manager, "for_listing") else manager.all()
        found.update(queryset.filter(pk__in=ids).in_bulk())
    return [found[page.pk] for page in pages if page.pk in found]
