"""The renditions public pages ask for, made ahead of the first reader.

Rendering AVIF, WebP and JPEG at several widths inside a reader's request took seconds; these
specs mirror the `{% picture %}` and `{% image %}` tags of the templates (hero, card, body image,
share card), so an image prepared here costs a reader nothing but a lookup.
"""

from itertools import product

HERO_WIDTHS = (480, 800, 1200, 1600)
CARD_SIZES = ("400x225", "800x450")
FORMATS = ("avif", "webp", "jpeg")
SHARE_CARD = "fill-1200x630|format-jpeg"

PUBLIC_RENDITION_SPECS = (
    *(f"format-{fmt}|width-{width}" for fmt, width in product(FORMATS, HERO_WIDTHS)),
    *(f"format-{fmt}|fill-{size}" for fmt, size in product(FORMATS, CARD_SIZES)),
    SHARE_CARD,
)


def prepare_public_renditions(images) -> int:
    """Make every public rendition of `images` that does not exist yet; returns how many images."""
    count = 0
    for image in images:
        image.get_renditions(*PUBLIC_RENDITION_SPECS)
        count += 1
    return count
