"""Wagtail's `{% picture %}` and `{% image %}`, with each tag's filters parsed once.

Wagtail builds a new `Filter` for every spec on every render, and parses its operations again
(AVIF, WebP and JPEG at two widths make six per card, twelve cards a listing). A filter is
the spec alone, whatever the image, so each node here keeps the ones it built.
"""

from django import template
from django.utils.functional import cached_property
from wagtail.images.models import Filter
from wagtail.images.templatetags import wagtailimages_tags as wagtail_images

register = template.Library()


class PictureNode(wagtail_images.PictureNode):
    @cached_property
    def filters(self) -> list[Filter]:
        return super().get_filters()

    def get_filters(self):
        return self.filters


class ImageNode(wagtail_images.ImageNode):
    @cached_property
    def filter(self) -> Filter:
        return super().get_filter()

    def get_filter(self):
        return self.filter


NODES = {"picture": PictureNode, "image": ImageNode}


def image_tag(parser, token):
    node = wagtail_images.image(parser, token)
    return NODES[token.split_contents()[0]](
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )


register.tag("picture", image_tag)
register.tag("image", image_tag)
