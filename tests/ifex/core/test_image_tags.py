import pytest
from django.template import Context, Template

from ifex.core.factories import SiteImageFactory, generated_picture

pytestmark = pytest.mark.django_db

CARD_PICTURE = Template(
    "{% load site_images %}"
    '{% picture image format-{webp,jpeg} fill-{40x20,80x40} alt="" %}'
    "{% image image fill-60x30 format-jpeg as share %}{{ share.url }}"
)


def rendition_urls(image):
    return {rendition.url for rendition in image.renditions.all()}


def test_a_template_reused_for_another_image_shows_that_image():
    """The site's image tags keep their parsed filters between renders: what they show must
    still be each image's own renditions, cropped around its own focal point."""
    first = SiteImageFactory(file__from_func=lambda: generated_picture(300, 200))
    second = SiteImageFactory(
        file__from_func=lambda: generated_picture(300, 200),
        focal_point_x=20, focal_point_y=20, focal_point_width=10, focal_point_height=10,
    )  # fmt: skip
    shown_first = CARD_PICTURE.render(Context({"image": first}))
    shown_second = CARD_PICTURE.render(Context({"image": second}))
    assert rendition_urls(first) and rendition_urls(second)
    assert all(url in shown_first for url in rendition_urls(first))
    assert all(url in shown_second for url in rendition_urls(second))
    assert not rendition_urls(first) & rendition_urls(second)
    assert {r.focal_point_key for r in second.renditions.all()} != {
        r.focal_point_key for r in first.renditions.all()
    }
    assert len(rendition_urls(second)) == 5  # two widths in two formats, and the share image
