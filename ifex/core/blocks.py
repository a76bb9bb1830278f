"""Blocks every page body can use: headings, rich text, images, quotes, embeds, documents."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

BODY_RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "core/blocks/heading_block.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock()
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)
    credit = blocks.CharBlock(
        label=_("credit"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the credit stored with the image."),
    )

    class Meta:
        icon = "image"
        template = "core/blocks/captioned_image_block.html"


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = "core/blocks/pull_quote_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        template = "core/blocks/document_link_block.html"


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("rich text"),
        features=BODY_RICH_TEXT_FEATURES,
        template="core/blocks/paragraph_block.html",
    )
    image = CaptionedImageBlock()
    pull_quote = PullQuoteBlock()
    embed = EmbedBlock(
        label=_("embed"),
        help_text=_("A video or post address, such as a YouTube link."),
        template="core/blocks/embed_block.html",
    )
    document = DocumentLinkBlock()
