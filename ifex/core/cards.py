"""Listing cards, each kept in the cache until what it shows changes.

A publish replaces the site-wide content version, so every page is rendered again on its next
request; most of the cards on those pages show articles that did not change. A card is kept
under its page's own state (its last publish and its address) and the versions of what it
borrows from other models (the image, the country names, the site), so it is drawn again only
when one of them changes. Russian-doll caching: the page around it is rendered as before.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.images import get_image_model
from wagtail.models import Site

from .models import Country
from .page_cache import model_version_key, start_version

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "core/includes/card.html"


def borrowed_version_keys() -> list[str]:
    return [model_version_key(model) for model in (get_image_model(), Country, Site)]


def card_key(item) -> str:
    published = item.last_published_at.isoformat() if item.last_published_at else "draft"
    return f"card:{get_language()}:{item.pk}:{published}:{item.url_path}:{item.hero_image_id}"


def render_cards(items, context) -> str:
    """The cards of `items`, from the cache where still true: one cache read for them all."""
    items = list(items)
    if not items:
        return ""
    keys = [card_key(item) for item in items]
    version_keys = borrowed_version_keys()
    try:
        found = cache.get_many([*version_keys, *keys])
        versions = tuple(found.get(key) or start_version(key) for key in version_keys)
    except Exception as error:  # a broken cache means cards drawn every time, never an error
        logger.warning("card cache unavailable: %s", error)
        found, versions = {}, None
    template = context.template.engine.get_template(CARD_TEMPLATE)
    drawn, new = [], {}
    for item, key in zip(items, keys, strict=True):
        kept = found.get(key)
        if versions is not None and kept and kept[0] == versions:
            drawn.append(kept[1])
            continue
        with context.push(item=item):  # as {% include %} does: no context processors again
            html = template.render(context)
        drawn.append(html)
        if versions is not None:
            new[key] = (versions, html)
    if new:
        try:
            cache.set_many(new, settings.FRAGMENT_CACHE_SECONDS)
        except Exception as error:
            logger.warning("card cache unavailable: %s", error)
    return "".join(drawn)
