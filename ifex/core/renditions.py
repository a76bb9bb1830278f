"""The renditions public pages ask for, made ahead of the first reader.

Rendering AVIF, WebP and JPEG at several widths inside a reader's request took seconds; these
specs mirror the `{% picture %}` and `{% image %}` tags of the templates (hero, card, body image,
share card), so an image prepared here costs a reader nothing but a lookup.
"""

from itertools import product

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from wagtail import signals as wagtail_signals
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex

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
