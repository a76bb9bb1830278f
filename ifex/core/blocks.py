"""Blocks every page body can use: headings, rich text, images, quotes, embeds, documents."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from .renditions import read_renditions

# "named" gives the editor's typing area an accessible name (ifex/core/wagtail_hooks.py).
BODY_RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "named"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Heading level"),
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        description = _("A section heading, to break a long text into parts.")
        preview_value = {"text": _("What the investigation found"), "level": "h2"}
        template = "core/blocks/heading_block.html"


class TranslatedImageBlock(ImageBlock):
    """Wagtail's image block, whose image chooser is labelled in the staff member's language
    (Wagtail's gives it no label, so the editor showed the English "Image")."""

    def __init__(self, required=True, **kwargs):
        super().__init__(required=required, **kwargs)
        self.child_blocks["image"].label = _("Image")


class CaptionedImageBlock(blocks.StructBlock):
    image = TranslatedImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)
    credit = blocks.CharBlock(
        label=_("Credit"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the credit stored with the image."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        description = _("An image across the text, with a caption and a credit.")
        template = "core/blocks/captioned_image_block.html"

    def bulk_to_python(self, values):
        """The body's images, read in one query by Wagtail, with their renditions read at once
        too (a body shows them all), not one image at a time as each is shown."""
        images = super().bulk_to_python(values)
        read_renditions(struct["image"] for struct in images)
        return images


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Pull quote")
        description = _("A short quotation set large, with who said it.")
        preview_value = {
            "quote": _("Every killing that goes unpunished is a licence to kill again."),
            "attribution": _("A member organisation"),
        }
        template = "core/blocks/pull_quote_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        description = _("A link to download a document, such as a report or a signed letter.")
        template = "core/blocks/document_link_block.html"


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    # Not required: an autosave that comes between adding the block and typing in it must
    # not fail (Wagtail defers required fields for drafts, but not a required block's).
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        required=False,
        features=BODY_RICH_TEXT_FEATURES,
        template="core/blocks/paragraph_block.html",
        description=_("Paragraphs of text, with links, bold, italics and lists."),
        preview_value=_(
            "<p>Journalists, artists and activists are killed for what they say, and most of "
            "those cases go <b>unpunished</b>.</p>"
        ),
    )
    image = CaptionedImageBlock()
    pull_quote = PullQuoteBlock()
    embed = EmbedBlock(
        label=_("Embed"),
        help_text=_("A video or post address, such as a YouTube link."),
        template="core/blocks/embed_block.html",
        description=_("A video or a post from another site, shown in the page."),
    )
    document = DocumentLinkBlock()
