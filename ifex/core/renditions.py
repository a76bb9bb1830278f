"""The renditions public pages ask for, made ahead of the first reader.

Rendering AVIF, WebP and JPEG at several widths inside a reader's request took seconds; these
specs mirror the `{% picture %}` and `{% image %}` tags of the templates (hero, card, body image,
share card), so an image prepared here costs a reader nothing but a lookup.
"""

import copy
from itertools import product

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from wagtail import signals as wagtail_signals
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import ReferenceIndex

from .page_cache import model_version_key
from .shared_parts import remember, remembered_many

HERO_WIDTHS = (480, 800, 1200, 1600)
CARD_SIZES = ("400x225", "800x450")
FORMATS = ("avif", "webp", "jpeg")
SHARE_CARD = "fill-1200x630|format-jpeg"
CARD_RENDITION_SPECS = tuple(
    f"format-{fmt}|fill-{size}" for fmt, size in product(FORMATS, CARD_SIZES)
)

PUBLIC_RENDITION_SPECS = (
    *(f"format-{fmt}|width-{width}" for fmt, width in product(FORMATS, HERO_WIDTHS)),
    *(f"format-{fmt}|fill-{size}" for fmt, size in product(FORMATS, CARD_SIZES)),
    SHARE_CARD,
)


FILTERS = {}


def filters_of(specs) -> list[Filter]:
    """The `Filter`s of `specs`, parsed once (a filter is its spec alone, whatever the image)."""
    if specs not in FILTERS:
        FILTERS[specs] = [Filter(spec=spec) for spec in specs]
    return FILTERS[specs]


def read_renditions(images, specs=PUBLIC_RENDITION_SPECS):
    """Finds the renditions `specs` of `images` for the tags about to show them: one read of
    Wagtail's rendition cache for them all, and one query for those it misses (after a publish
    or a restart of the cache), where Wagtail's tags read the cache and the database once for
    each image. They are left on each image as Wagtail's `prefetch_renditions` leaves them, so
    its tags use them; a rendition not made yet is made by the tag, as before. Those read from
    the database are put in the cache, as Wagtail's tags would have."""
    images = [image for image in images if image is not None]
    images = [image for image in images if image._get_prefetched_renditions() is None]
    if not images:
        return
    rendition_model = images[0].get_rendition_model()
    filters = filters_of(tuple(specs))
    wanted = {}  # cache key: the image objects it is for (two pages may show one image)
    for image in images:
        for image_filter in filters:
            key = rendition_model.construct_cache_key(
                image, image_filter.get_cache_key(image), image_filter.spec
            )
            wanted.setdefault(key, []).append(image)
    found = {id(image): [] for image in images}

    def keep(key, rendition):
        for number, image in enumerate(wanted[key]):
            shown = rendition if number == 0 else copy.copy(rendition)
            shown.image = image  # its alt text is this image's (Wagtail does the same)
            found[id(image)].append(shown)

    # This worker's memory first (shared_parts), then Wagtail's rendition cache. What neither
    # holds is not remembered as missing: a tag makes it, or the background worker.
    versions, cached = remembered_many(list(wanted), [model_version_key(type(images[0]))])
    missing = [key for key in wanted if key not in cached]
    if missing:
        from_cache = rendition_model.cache_backend.get_many(missing)
        for key, rendition in from_cache.items():
            remember(key, versions, rendition)
        cached.update(from_cache)
    for key, rendition in cached.items():
        keep(key, rendition)
    missed = {
        image.pk: image for key, shown in wanted.items() if key not in cached for image in shown
    }
    if missed:
        new_in_cache = {}
        in_database = rendition_model.objects.filter(
            image_id__in=list(missed), filter_spec__in=[each.spec for each in filters]
        )
        for rendition in in_database:
            key = rendition_model.construct_cache_key(
                missed[rendition.image_id], rendition.focal_point_key, rendition.filter_spec
            )
            if key in wanted and key not in cached:  # its focal point is the image's own
                keep(key, rendition)
                new_in_cache[key] = rendition
        if new_in_cache:
            rendition_model.cache_backend.set_many(new_in_cache)
    for image in images:
        image.prefetched_renditions = found[id(image)]


def prepare_public_renditions(images) -> int:
    """Make every public rendition of `images` that does not exist yet; returns how many images."""
    count = 0
    for image in images:
        image.get_renditions(*PUBLIC_RENDITION_SPECS)
        count += 1
    return count


# Made by a worker (`manage.py db_worker --backend background`; `make run` starts one), not in
# the request that uploaded the image or published the page: AVIF encoding takes seconds.
@task(backend="background")
def prepare_renditions_task(image_ids: list[int]):
    prepare_public_renditions(get_image_model().objects.filter(pk__in=image_ids))


def prepare_in_background(image_ids):
    image_ids = sorted({pk for pk in image_ids if pk})
    if image_ids:
        transaction.on_commit(lambda: prepare_renditions_task.enqueue(image_ids))


def image_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # Wagtail saves an image again to set its focal point: that one is no new file.
    if not raw and (created or update_fields is None or "file" in update_fields):
        prepare_in_background([instance.pk])


def page_published(sender, instance, **kwargs):
    """The images a published page shows: its hero and those its body refers to."""
    image_type = ContentType.objects.get_for_model(get_image_model())
    in_body = ReferenceIndex.get_references_for_object(instance).filter(to_content_type=image_type)
    prepare_in_background(
        [getattr(instance, "hero_image_id", None)]
        + [int(pk) for pk in in_body.values_list("to_object_id", flat=True)]
    )


def encode_avif_at(speed: int):
    """Pillow encodes AVIF at libavif's speed 6 unless told otherwise, and Wagtail (through
    Willow) cannot tell it: at 8 a rendition takes a third to a fifth of the CPU time, for
    files a little larger. Renditions are made for every upload and publish, by every server."""
    from PIL import AvifImagePlugin, Image

    def save(image, fp, filename):
        image.encoderinfo.setdefault("speed", speed)
        AvifImagePlugin._save(image, fp, filename)

    Image.register_save(AvifImagePlugin.AvifImageFile.format, save)


def connect():
    encode_avif_at(settings.AVIF_ENCODER_SPEED)
    post_save.connect(image_saved, sender=get_image_model(), dispatch_uid="renditions_image")
    wagtail_signals.page_published.connect(page_published, dispatch_uid="renditions_page")
