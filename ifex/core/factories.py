"""Factories for site-wide models, shared by the tests and the demo content."""

import io

import factory
import wagtail_factories
from django.core.files.images import ImageFile
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.models import Collection, Locale

from .models import Country, Organisation, Region, SiteImage, Topic


def default_locale():
    return Locale.get_default()


def generated_picture(width=1600, height=900, colour=(120, 28, 24), label=""):
    """A JPEG drawn with Pillow: a two-tone field with bands, so no image is ever downloaded."""
    picture = PillowImage.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(picture)
    darker = tuple(max(channel - 40, 0) for channel in colour)
    for band in range(0, width, width // 8):
        draw.rectangle([band, 0, band + width // 16, height], fill=darker)
    if label:
        draw.text((width // 20, height - height // 8), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class SiteImageFactory(wagtail_factories.ImageFactory):
    class Meta:
        model = SiteImage

    title = factory.Sequence(lambda n: f"Demo image {n}")
    description = factory.LazyAttribute(lambda image: f"Illustration: {image.title}")
    credit = "Demo image, generated"
    collection = factory.LazyFunction(Collection.get_first_root_node)
    file = factory.LazyAttribute(
        lambda image: ImageFile(
            io.BytesIO(generated_picture(label=image.title)), name="generated.jpg"
        )
    )


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug", "locale")

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda region: slugify(region.name))
    locale = factory.LazyFunction(default_locale)


UNASSIGNED_COUNTRY_CODES = [
    "AA",
    *(f"Q{letter}" for letter in "MNOPQRSTUVWXYZ"),
    *(f"X{letter}" for letter in "ABCDEFGHIJLMNOPQRSTUVWXYZ"),  # not XK: Kosovo uses it
    "ZZ",
]


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso_code", "locale")

    name = factory.Sequence(lambda n: f"Country {n}")
    # From ISO 3166's user-assigned codes, which no country has: a made-up country never
    # turns out to be the Mexico a test asked for by its code (get_or_create would return it).
    iso_code = factory.Sequence(
        lambda n: UNASSIGNED_COUNTRY_CODES[n % len(UNASSIGNED_COUNTRY_CODES)]
    )
    region = factory.LazyFunction(lambda: Region.objects.order_by("sort_order").first())
    locale = factory.LazyFunction(default_locale)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug", "locale")

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda topic: slugify(topic.name))
    locale = factory.LazyFunction(default_locale)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = factory.SubFactory(CountryFactory)
    website = factory.LazyAttribute(lambda org: f"https://{slugify(org.name)}.example.org/")
    is_member = True


def stream_data(blocks) -> list[dict]:
    """StreamField content in its stored form, from (block type, raw value) pairs."""
    return [{"type": block_type, "value": value} for block_type, value in blocks]


class PublishedPageFactory(wagtail_factories.PageFactory):
    """A page as the admin leaves it: a live page has a published revision and publish dates;
    pass live=False for a page that was never published."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if not create:
            return
        # What post-generation hooks set (countries, topics) is kept by the save, or by the
        # revision that publishing saves.
        if instance.live:
            instance.save_revision().publish()
        else:
            instance.save()
