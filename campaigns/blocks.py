"""Blocks for campaign pages and the home page: figures, featured and latest content, calls to
action and joint statements, on top of the body blocks every page has."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock

from ifex.core.blocks import BodyStreamBlock

from .content import chosen_statements, featured_pages, latest_news


class StatsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    figures = blocks.ListBlock(
        SnippetChooserBlock("campaigns.ImpunityFigure", label=_("figure")),
        label=_("figures"),
        min_num=1,
    )

    class Meta:
        icon = "table"
        label = _("Impunity figures")
        template = "campaigns/blocks/stats_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # Editors can choose a figure that is still a draft; readers only ever see published ones.
        context["figures"] = [figure for figure in value["figures"] if figure and figure.live]
        return context


class FeaturedContentBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    pages = blocks.ListBlock(blocks.PageChooserBlock(label=_("page")), label=_("pages"))

    class Meta:
        icon = "pick"
        label = _("Featured content")
        template = "campaigns/blocks/featured_content_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = featured_pages([page.pk for page in value["pages"] if page])
        return context


class LatestContentBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    content = blocks.ChoiceBlock(
        label=_("show"),
        choices=[
            ("both", _("Articles and joint statements")),
            ("articles", _("Articles")),
            ("statements", _("Joint statements")),
        ],
        default="both",
    )
    topic = SnippetChooserBlock("core.Topic", label=_("topic"), required=False)
    country = SnippetChooserBlock("core.Country", label=_("country"), required=False)
    count = blocks.IntegerBlock(label=_("how many"), min_value=1, max_value=12, default=4)

    class Meta:
        icon = "list-ul"
        label = _("Latest content")
        template = "campaigns/blocks/latest_content_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = latest_news(
            value["content"], topic=value["topic"], country=value["country"], count=value["count"]
        )
        return context


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=200)
    text = blocks.TextBlock(label=_("text"), required=False)
    link_page = blocks.PageChooserBlock(label=_("link to a page"), required=False)
    link_url = blocks.URLBlock(label=_("or link to an address"), required=False)
    link_text = blocks.CharBlock(label=_("link text"), max_length=100)

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "campaigns/blocks/call_to_action_block.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value["link_page"]) == bool(value["link_url"]):
            message = _("Link to a page or to an address: one of the two.")
            raise StructBlockValidationError(block_errors={"link_page": ValidationError(message)})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page = value["link_page"]
        context["href"] = page.url if isinstance(page, Page) else value["link_url"]
        return context


class JointStatementsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        label=_("heading"), required=False, max_length=200, default=_("Joint statements")
    )
    statements = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="articles.JointStatementPage", label=_("statement")),
        label=_("statements"),
        help_text=_("Leave empty to show the latest three."),
    )

    class Meta:
        icon = "group"
        label = _("Joint statements")
        template = "campaigns/blocks/joint_statements_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = chosen_statements([page.pk for page in value["statements"] if page])
        return context


class CampaignStreamBlock(BodyStreamBlock):
    stats = StatsBlock()
    featured = FeaturedContentBlock()
    latest = LatestContentBlock()
    call_to_action = CallToActionBlock()
    statements = JointStatementsBlock()
