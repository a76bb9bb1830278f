from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, PageManager
from wagtail.search import index
from wagtailautocomplete.edit_handlers import AutocompletePanel

from ifex.core.alerts import AlertTerms
from ifex.core.blocks import BodyStreamBlock
from ifex.core.listing import TaxonomyFilterForm, build_listing, years_with_pages
from ifex.core.models import BasePage
from ifex.core.page_cache import true_until

from .digest import DigestIndexPage, DigestPage, DigestSend, DigestWeek  # noqa: F401 (models of this app)
from .downloads import signatures_download
from .feeds import NewsFeed
from .forms import NewsPageForm
from .listing import (
    NewsPageQuerySet,
    SignatoryQuerySet,
    StatementQuerySet,
    news_aside,
    signatories_shown,
)
from .signing import Signature  # noqa: F401 (a model of this app)
from .signing_panels import SigningLinkPanel, signing_state


class NewsPage(BasePage):
    """What articles and joint statements share."""

    # Required to publish (listings and link previews show it), not to save a draft: Wagtail
    # defers a required text field's check when a draft is saved.
    teaser = models.TextField(
        _("teaser"),
        max_length=400,
        help_text=_("One or two sentences for listings, search results and link previews."),
    )
    base_form_class = NewsPageForm

    date = models.DateField(_("publication date"), default=timezone.localdate)
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)
    reporting_organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("reporting organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Optional, unlike the issue asked: global pieces (the seed's lead article on the UN Plan of
    # Action) concern no one country.
    countries = ParentalManyToManyField(
        "core.Country", verbose_name=_("countries"), blank=True, related_name="+"
    )
    topics = ParentalManyToManyField(
        "core.Topic", verbose_name=_("topics"), blank=True, related_name="+"
    )

    content_panels = [
        *BasePage.content_panels,
        "date",
        FieldPanel("teaser"),
        *BasePage.hero_panels,
        "body",
        MultiFieldPanel(
            [
                FieldPanel("reporting_organisation"),
                AutocompletePanel("countries"),
                AutocompletePanel("topics"),
            ],
            heading=_("Where and what"),
        ),
    ]
    objects = PageManager.from_queryset(NewsPageQuerySet)()

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("countries", [index.SearchField("name")]),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]

    class Meta:
        abstract = True
        # Listings are newest first: read in that order, not sorted whole for each page.
        indexes = [models.Index(fields=["-date", "-page_ptr"], name="%(class)s_newest")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(news_aside(self, request))
        return context

    def alert_terms(self):
        return AlertTerms(
            countries=list(self.countries.select_related("region")), topics=list(self.topics.all())
        )


class ArticlePage(NewsPage):
    schema_type = "NewsArticle"
    parent_page_types = ["articles.ArticleIndexPage"]
    subpage_types = []

    class Meta(NewsPage.Meta):
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class JointStatementPage(RoutablePageMixin, NewsPage):
    schema_type = "Article"
    signed_text = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("signed text (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    signatures_open = models.BooleanField(
        _("open for signatures"),
        default=False,
        help_text=_(
            "Organisations sign through a form on the statement's page, once it is published; "
            "before that, through the members' link below."
        ),
    )
    signatures_close_at = models.DateTimeField(
        _("signatures close at"),
        null=True,
        blank=True,
        help_text=_("After this date and time, the form says signing has closed."),
    )

    content_panels = [
        *NewsPage.content_panels,
        FieldPanel("signed_text"),
        InlinePanel("signatories", heading=_("Signatories"), label=_("signatory")),
        MultiFieldPanel(
            [FieldPanel("signatures_open"), FieldPanel("signatures_close_at"), SigningLinkPanel()],
            heading=_("Signing online"),
        ),
    ]

    parent_page_types = ["articles.StatementIndexPage"]
    subpage_types = []

    objects = PageManager.from_queryset(StatementQuerySet)()

    class Meta(NewsPage.Meta):
        verbose_name = _("joint statement")
        verbose_name_plural = _("joint statements")

    def clean(self):
        super().clean()
        if self.signed_text and self.signed_text.file_extension.lower() != "pdf":
            raise ValidationError(
                {"signed_text": _("Choose the signed text as a PDF: readers are told it is one.")}
            )
        if self.signatures_open and not self.signatures_close_at:
            raise ValidationError(
                {"signatures_close_at": _("Give the date and time signing closes.")}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["signatories"] = signatories_shown(self)
        context["signing"] = signing_state(self)
        if context["signing"] and not context["signing"]["closed"]:
            true_until(request, self.signatures_close_at)  # it offers "Sign" until then
        return context

    def signing_closed(self, now=None) -> bool:
        closes = self.signatures_close_at
        return bool(closes and (now or timezone.now()) >= closes)

    @path("sign/", name="sign")
    def sign(self, request):
        from .signing_views import sign_statement

        return sign_statement(request, self)


class Signatory(Orderable):
    """One signature: an organisation from the directory, or a name and link for a non-member."""

    page = ParentalKey(JointStatementPage, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        help_text=_("For an organisation not in the directory."),
    )
    url = models.URLField(_("website"), blank=True)

    panels = ["organisation", "name", "url"]

    objects = SignatoryQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        if bool(self.organisation_id) == bool(self.name.strip()):
            raise ValidationError(
                _("Choose an organisation from the directory, or type a name: one of the two.")
            )

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.name

    @property
    def link(self) -> str:
        return self.organisation.website if self.organisation_id else self.url


class NewsIndexPage(RoutablePageMixin, BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, "intro"]
    listed_model = None
    max_count = 1
    query_parameters = (*TaxonomyFilterForm.base_fields, "page")

    class Meta:
        abstract = True

    def get_cached_paths(self):
        return ["/", "/feed/"]

    @path("feed/", name="feed")
    def feed(self, request):
        return NewsFeed(self)(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["listing"] = build_listing(
            request,
            self.listed_model.objects.for_cards().listed_under(self),
            listing_key=f"page:{self.pk}",
            years=years_with_pages(self.listed_model),
        )
        return context


class ArticleIndexPage(NewsIndexPage):
    subpage_types = ["articles.ArticlePage"]
    listed_model = ArticlePage
    template = "articles/news_index_page.html"

    class Meta:
        verbose_name = _("article index")


class StatementIndexPage(NewsIndexPage):
    subpage_types = ["articles.JointStatementPage"]
    listed_model = JointStatementPage
    template = "articles/news_index_page.html"

    def get_cached_paths(self):
        return [*super().get_cached_paths(), "/csv/", "/json/"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["downloads_of"] = _("the signatures of these statements")
        return context

    @path("csv/", name="signatures_csv")
    def signatures_csv(self, request):
        return signatures_download(request, self, "csv")

    @path("json/", name="signatures_json")
    def signatures_json(self, request):
        return signatures_download(request, self, "json")

    class Meta:
        verbose_name = _("joint statement index")
