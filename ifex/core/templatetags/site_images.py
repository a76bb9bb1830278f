"""Wagtail's `{% picture %}` and `{% image %}`, with each tag's filters parsed once.

Wagtail builds a new `Filter` for every spec on every render, and parses its operations again
(AVIF, WebP and JPEG at two widths make six per card, twelve cards a listing). A filter is
the spec alone, whatever the image, so each node here keeps the ones it built. And `{% image %}`
reads its rendition as `{% picture %}` does: Wagtail's one-rendition read writes it back to the
cache on every render, even when it came from there.

Before either tag reads an image's renditions, every public rendition of that image is read at
once (`read_renditions`): the share card, the hero's sources and a body image's cost one cache
read, and one query when the cache has lost them, not one of each per tag. Listings read those
of all their cards' images before drawing them (ifex/core/cards.py).
"""

from django import template
from django.utils.functional import cached_property
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags import wagtailimages_tags as wagtail_images

from ifex.core.renditions import read_renditions

register = template.Library()


class PictureNode(wagtail_images.PictureNode):
    @cached_property
    def filters(self) -> list[Filter]:
        return super().get_filters()

    def get_filters(self):
        return self.filters

    def validate_image(self, context):
        image = super().validate_image(context)
        if image:
            read_renditions([image])
        return image


class ImageNode(wagtail_images.ImageNode):
    @cached_property
    def filter(self) -> Filter:
        return super().get_filter()

    def get_filter(self):
        return self.filter

    def render(self, context):
        image = self.validate_image(context)
        if not image:
            return ""
        read_renditions([image])
        (rendition,) = get_renditions_or_not_found(image, [self.filter]).values()
        if self.output_var_name:
            context[self.output_var_name] = rendition
            return ""
        return rendition.img_tag(
            {name: value.resolve(context) for name, value in self.attrs.items()}
        )


NODES = {"picture": PictureNode, "image": ImageNode}


def image_tag(parser, token):
    node = wagtail_images.image(parser, token)
    return NODES[token.split_contents()[0]](
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )


register.tag("picture", image_tag)
register.tag("image", image_tag)
