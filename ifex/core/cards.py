"""Listing cards, each kept in the cache until what it shows changes.

A publish replaces the site-wide content version, so every page is rendered again on its next
request; most of the cards on those pages show articles that did not change. A card is kept
under its page's own state (its last publish and its address) and the versions of what it
borrows from other models (the image, the country names, the site), so it is drawn again only
when one of them changes. Russian-doll caching: the page around it is rendered as before.

So a listing reads only what finds its cards in the cache (`for_cards`), and the pages whose
cards must be drawn are read whole afterwards, in one query per page type.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.images import get_image_model
from wagtail.models import Site

from . import public_text
from .models import Country
from .page_cache import current_version, model_version_key
from .pages import specific_pages
from .renditions import CARD_RENDITION_SPECS, read_renditions
from .shared_parts import remember, remembered_many

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "core/includes/card.html"


# Models other apps' cards show something of, beyond their page's last publish (the count of
# signatures approved online): `cards_borrow` adds one, and `model_changed(model)` redraws.
BORROWED_MODELS: list = []


def cards_borrow(model):
    if model not in BORROWED_MODELS:
        BORROWED_MODELS.append(model)


def borrowed_version_keys() -> list[str]:
    models = (get_image_model(), Country, Site, *BORROWED_MODELS)
    return [model_version_key(model) for model in models]


def card_key(item) -> str:
    """What a card shows of its own page (title, teaser, image, countries chosen, signatures)
    changes only when the page is published again: its last publish names its state."""
    published = item.last_published_at.isoformat() if item.last_published_at else "draft"
    kept_out = public_text.reader_view_key(item)
    return f"card:{get_language()}:{item.pk}:{published}:{item.url_path}{kept_out}"


def card_image(page):
    """The image a card shows, read with its page (`for_listing`), or None."""
    field = next((f for f in page._meta.concrete_fields if f.name == "hero_image"), None)
    return page.hero_image if field is not None and field.is_cached(page) else None


def render_cards(items, context) -> str:
    """The cards of `items` (pages of any kind, as read), from the cache where still true: one
    cache read for them all, and one query per page type for the cards it must draw."""
    items = list(items)
    if not items:
        return ""
    keys = [card_key(item) for item in items]
    version_keys = borrowed_version_keys()
    # This worker's memory first (shared_parts): most requests read no card from the cache.
    versions, in_memory = remembered_many(keys, version_keys)
    found = {key: (versions, html) for key, html in in_memory.items()}
    if len(found) < len(keys):
        try:
            found.update(cache.get_many([*version_keys, *(k for k in keys if k not in found)]))
        except Exception as error:  # a broken cache means cards drawn every time, never an error
            logger.warning("card cache unavailable: %s", error)
        versions = tuple(current_version(key, found.get(key)) for key in version_keys)
    if None in (versions or (None,)):
        versions = None  # which cards are current is unknown: all are drawn
    template = context.template.engine.get_template(CARD_TEMPLATE)
    is_kept = [
        versions is not None and bool(found.get(key)) and found[key][0] == versions for key in keys
    ]
    # The pages of the cards to draw, whole (`for_listing`), one query per page type; a page
    # unpublished or made private since the listing or the chooser read it is not among them.
    to_draw = [item for item, kept in zip(items, is_kept, strict=True) if not kept]
    whole = {page.pk: page for page in specific_pages(to_draw)}
    read_renditions(map(card_image, whole.values()), CARD_RENDITION_SPECS)
    drawn, new = [], {}
    for item, key, kept in zip(items, keys, is_kept, strict=True):
        if kept:
            drawn.append(found[key][1])
            if key not in in_memory:
                remember(key, versions, found[key][1])
            continue
        item = whole.get(item.pk)
        if item is None:
            continue  # unpublished or made private since the listing was read
        item = public_text.reader_view(item)
        with context.push(item=item):  # as {% include %} does: no context processors again
            html = template.render(context)
        drawn.append(html)
        if versions is not None:
            new[key] = (versions, html)
            remember(key, versions, html)
    if new:
        try:
            cache.set_many(new, settings.FRAGMENT_CACHE_SECONDS)
        except Exception as error:
            logger.warning("card cache unavailable: %s", error)
    return "".join(drawn)
