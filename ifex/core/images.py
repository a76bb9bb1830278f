from wagtail.images import get_image_model


def attach_hero_images(pages) -> None:
    """Load the hero images (and their renditions) of pages of mixed types in one go.

    Pages fetched with `.specific()` cannot prefetch across types; without this every card
    would fetch its own image.
    """
    image_ids = {getattr(page, "hero_image_id", None) for page in pages} - {None}
    if not image_ids:
        return
    images = get_image_model().objects.prefetch_renditions().in_bulk(image_ids)
    for page in pages:
        image_id = getattr(page, "hero_image_id", None)
        if image_id in images:
            page.hero_image = images[image_id]
