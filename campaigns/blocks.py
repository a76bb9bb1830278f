"""Blocks for campaign pages and the home page: figures, featured and latest content, calls to
action and joint statements, on top of the body blocks every page has."""

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock

from cases.charts import CHARTS, case_chart
from ifex.core.blocks import BodyStreamBlock
from ifex.core.languages import active_locale_id
from ifex.core.pages import CARD_KEY_FIELDS

from .content import chosen_statements, featured_pages, latest_news


class StatsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    figures = blocks.ListBlock(
        SnippetChooserBlock("campaigns.ImpunityFigure", label=_("Figure")),
        label=_("Figures"),
        min_num=1,
    )

    class Meta:
        icon = "table"
        label = _("Impunity figures")
        description = _("The impunity figures, each with its source and date.")
        template = "campaigns/blocks/stats_block.html"

    def get_preview_value(self):
        from .models import ImpunityFigure

        return self.normalize(
            {
                "heading": _("The shocking facts about impunity"),
                "figures": list(
                    ImpunityFigure.objects.filter(live=True, locale_id=active_locale_id()).order_by(
                        "pk"
                    )[:3]
                ),
            }
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # Editors can choose a figure that is still a draft; readers only ever see published ones,
        # each in the reader's language where it has a translation.
        chosen = [figure for figure in value["figures"] if figure]
        context["figures"] = [figure for figure in in_readers_language(chosen) if figure.live]
        return context


def in_readers_language(figures):
    """Each figure's published translation in the reader's language, if it has one; else the
    figure as chosen, so a translation still in draft never hides a figure readers had."""
    locale_id = active_locale_id()
    if all(figure.locale_id == locale_id for figure in figures):
        return figures
    from .models import ImpunityFigure

    keys = [figure.translation_key for figure in figures]
    translated = ImpunityFigure.objects.filter(
        translation_key__in=keys, locale_id=locale_id, live=True
    )
    found = {figure.translation_key: figure for figure in translated}
    return [found.get(figure.translation_key, figure) for figure in figures]


class CardChooserBlock(blocks.PageChooserBlock):
    """A page chosen to be shown as a card, read with only what finds its card in the cache and
    says whether readers may see it: `render_cards` reads the rest when it must draw the card.
    Wagtail's chooser read each chosen page whole, then the card read it again. (The admin
    reads the page itself, `page.specific`, to show it in the chooser.)"""

    def bulk_to_python(self, values):
        found = Page.objects.only(*CARD_KEY_FIELDS, "live", "path").in_bulk(values)
        return [copy.copy(found[pk]) if pk in found else None for pk in values]


class FeaturedContentBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    pages = blocks.ListBlock(CardChooserBlock(label=_("Page")), label=_("Pages"))

    class Meta:
        icon = "pick"
        label = _("Featured content")
        description = _("Pages you choose, shown as cards: the first one large.")
        template = "campaigns/blocks/featured_content_block.html"

    def get_preview_value(self):
        latest = latest_news("both", topic=None, country=None, count=3)
        return self.normalize({"heading": _("Featured"), "pages": list(latest)})

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = featured_pages(value["pages"])
        return context


class LatestContentBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    content = blocks.ChoiceBlock(
        label=_("Show"),
        choices=[
            ("both", _("Articles and joint statements")),
            ("articles", _("Articles")),
            ("statements", _("Joint statements")),
        ],
        default="both",
    )
    topic = SnippetChooserBlock("core.Topic", label=_("Topic"), required=False)
    country = SnippetChooserBlock("core.Country", label=_("Country"), required=False)
    count = blocks.IntegerBlock(label=_("How many"), min_value=1, max_value=12, default=4)

    class Meta:
        icon = "list-ul"
        label = _("Latest content")
        description = _("The newest articles or statements, kept up to date by the site.")
        preview_value = {
            "heading": _("Latest"),
            "content": "both",
            "topic": None,
            "country": None,
            "count": 3,
        }
        template = "campaigns/blocks/latest_content_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = latest_news(
            value["content"], topic=value["topic"], country=value["country"], count=value["count"]
        )
        return context


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=200)
    text = blocks.TextBlock(label=_("Text"), required=False)
    link_page = blocks.PageChooserBlock(label=_("Link to a page"), required=False)
    link_url = blocks.URLBlock(label=_("Or link to an address"), required=False)
    link_text = blocks.CharBlock(label=_("Link text"), max_length=100)

    class Meta:
        icon = "link"
        label = _("Call to action")
        description = _("A short appeal with one link: sign, read, share.")
        preview_value = {
            "heading": _("Add your voice"),
            "text": _("Read the joint statement and share it."),
            "link_page": None,
            "link_url": "https://example.org/",
            "link_text": _("Read the statement"),
        }
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
        label=_("Heading"), required=False, max_length=200, default=_("Joint statements")
    )
    statements = blocks.ListBlock(
        CardChooserBlock(page_type="articles.JointStatementPage", label=_("Statement")),
        label=_("Statements"),
        help_text=_("Leave empty to show the latest three."),
    )

    class Meta:
        icon = "group"
        label = _("Joint statements")
        description = _("Joint statements you choose, or the latest three, with their signatures.")
        preview_value = {"heading": _("Joint statements"), "statements": []}
        template = "campaigns/blocks/joint_statements_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = chosen_statements(value["statements"])
        return context


class CaseChartBlock(blocks.StructBlock):
    chart = blocks.ChoiceBlock(choices=list(CHARTS.items()), label=_("Chart"), default="status")

    class Meta:
        icon = "table"
        label = _("Chart of the cases")
        description = _("The published cases by year, country or status, with the numbers.")
        preview_value = {"chart": "status"}
        template = "campaigns/blocks/case_chart_block.html"

    def get_context(self, value, parent_context=None):
        from cases.models import CasePage

        context = super().get_context(value, parent_context)
        context["chart"] = case_chart(CasePage.objects.live().public(), value["chart"])
        return context


class CampaignStreamBlock(BodyStreamBlock):
    stats = StatsBlock()
    featured = FeaturedContentBlock()
    latest = LatestContentBlock()
    call_to_action = CallToActionBlock()
    statements = JointStatementsBlock()
    case_chart = CaseChartBlock()
