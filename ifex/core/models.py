"""Site-wide models: images, taxonomy (regions, countries, topics), the organisation directory,
and the abstract base page. Nothing here knows about articles, statements or campaigns."""

from dataclasses import dataclass

from django.conf import settings as django_settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import JSONObject
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin
from wagtail_localize.fields import SynchronizedField

from . import public_text
from .page_cache import VERSIONS_TABLE, kept_until_saved
from .page_forms import BasePageForm
from .pages import SitePageManager, route_in_one_step, view_restrictions
from .pickers import PickableByName


class SiteImage(AbstractImage):
    """Wagtail's image with a credit line, shown under every use of the image."""

    credit = models.CharField(_("credit"), max_length=255, blank=True)

    admin_form_fields = (*Image.admin_form_fields, "credit")


class SiteRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, related_name="renditions", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("image", "filter_spec", "focal_point_key"), name="unique_site_rendition"
            )
        ]

    def __setstate__(self, state):
        super().__setstate__(state)
        # Read back from the cache. Wagtail 8 marks a prefetched rendition so that it is not
        # written to the cache again, but not one it got from the cache itself: every page
        # view wrote all its renditions back (30 file writes for the home page, 70 ms).
        self._from_cache = True


def refuse_duplicate_in_locale(instance, field: str, message):
    """The admin's forms leave `locale` out, so Django skips the (field, locale) constraint and
    a duplicate would reach the database as an error: check it here, with a message."""
    locale_id = instance.locale_id or Locale.get_default().pk
    duplicates = (
        type(instance)
        .objects.filter(**{field: getattr(instance, field)}, locale_id=locale_id)
        .exclude(pk=instance.pk)
    )
    if duplicates.exists():
        raise ValidationError({field: message})


class Region(TranslatableMixin, models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = ["name", "slug", "sort_order"]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_region_slug_per_locale")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        refuse_duplicate_in_locale(self, "slug", _("Another region has this slug."))


class Country(PickableByName, TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100)
    iso_code = models.CharField(
        _("ISO 3166-1 alpha-2 code"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Two letters, such as PH or HT."))],
        help_text=_("Two letters, such as PH for the Philippines; stored in capitals."),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="countries"
    )

    panels = ["name", "iso_code", "region"]
    # The code is the same in every language: translators are offered the name only.
    override_translatable_fields = [SynchronizedField("iso_code", overridable=False)]
    # The admin's choosers filter by language, and the directory searches codes too.
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("iso_code"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code", "locale"], name="unique_country_code_per_locale"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.iso_code = self.iso_code.upper()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.iso_code = self.iso_code.upper()
        refuse_duplicate_in_locale(self, "iso_code", _("A country with this code exists already."))

    @property
    def slug(self):
        """The form used in URLs: ?country=ph."""
        return self.iso_code.lower()


class Topic(PickableByName, TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    panels = ["name", "slug", "description"]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_topic_slug_per_locale")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        refuse_duplicate_in_locale(self, "slug", _("Another topic has this slug."))


class OrganisationQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def members(self):
        return self.filter(is_member=True)

    def for_directory(self):
        return (
            self.members()
            .select_related("country__region", "logo")
            .order_by("country__region__sort_order", "country__name", "name")
        )


class Organisation(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        SiteImage,
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_member = models.BooleanField(
        _("member of the network"),
        default=False,
        help_text=_("Members are listed in the directory and counted in the network's figures."),
    )
    # Staff only: never in a page, the API or a download. Where the confirmation of a signature
    # made in the organisation's name goes, whatever address the signer typed.
    contact_email = models.EmailField(
        _("registered contact address (staff only)"),
        blank=True,
        help_text=_(
            "Confirmations of signatures made in this organisation's name go here, never to the "
            "address typed in the form. Never shown to the public."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    panels = ["name", "country", "website", "logo", "is_member", "contact_email"]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("is_member"),
        index.FilterField("country"),
        index.RelatedFields("country", [index.SearchField("name")]),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class ContentVersion(models.Model):
    """The page cache's versions (ifex/core/page_cache.py): each replaced, in the change's own
    transaction, by every change readers should see. Kept here, where every app server reads
    them, not only in the cache: a cache that cannot be written must not keep serving what a
    change replaced."""

    key = models.CharField(max_length=200, primary_key=True)
    version = models.CharField(max_length=32)

    class Meta:
        db_table = VERSIONS_TABLE

    def __str__(self):
        return f"{self.key}: {self.version}"


class EdgeBanOwed(models.Model):
    """A ban the edge cache did not take (ifex/core/edge_cache.py): while one is owed, the edge
    serves no kept page of the host (its probe of `/healthz/edge` fails), and each probe tries
    the ban again."""

    hostname = models.CharField(max_length=255, primary_key=True)
    owed_since = models.DateTimeField()

    def __str__(self):
        return self.hostname


class BasePage(Page):
    """Every page of the site: a teaser for listings and meta descriptions, and a hero image."""

    base_form_class = BasePageForm
    # The slug, on the Promote tab, is copied from the original: wagtail-localize's editor would
    # otherwise call the translation incomplete for want of it. Translators may still change it.
    override_translatable_fields = [SynchronizedField("slug")]
    # The query parameters the page reads (its listing's filters, `page`): the page cache keeps
    # it once per value of these, and it sees no other (ifex/core/page_cache.py).
    query_parameters: tuple[str, ...] = ()

    teaser = models.TextField(
        _("teaser"),
        max_length=400,
        blank=True,
        help_text=_("One or two sentences for listings, search results and link previews."),
    )
    hero_image = models.ForeignKey(
        SiteImage,
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(
        _("alt text"),
        max_length=255,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    hero_image_decorative = models.BooleanField(
        _("image is decorative"),
        default=False,
        help_text=_("Decorative images are hidden from screen readers and need no alt text."),
    )
    hero_caption = models.CharField(_("caption"), max_length=255, blank=True)

    hero_panels = [
        MultiFieldPanel(
            [
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
                FieldPanel("hero_image_decorative"),
                FieldPanel("hero_caption"),
            ],
            heading=_("Hero image"),
        )
    ]
    search_fields = [*Page.search_fields, index.SearchField("teaser")]

    objects = SitePageManager()

    class Meta:
        abstract = True

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        return route_in_one_step(self, request, path_components)

    def get_view_restrictions(self):
        return view_restrictions(self)

    def clean(self):
        super().clean()
        public_text.check_page(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page"] = context["self"] = public_text.reader_view(self)
        return context

    def get_indexed_instance(self):
        # The search index holds the page as readers get it.
        page = super().get_indexed_instance()
        return None if page is None else public_text.reader_view(page)

    @property
    def hero_alt_text(self) -> str:
        if self.hero_image_decorative or not self.hero_image:
            return ""
        return self.hero_image_alt or self.hero_image.description

    def get_sitemap_urls(self, request=None):
        """Absolute on the host the sitemap was asked from, whatever the Site record says."""
        urls = super().get_sitemap_urls(request)
        if request is not None:
            for entry in urls:
                entry["location"] = request.build_absolute_uri(self.url)
        return urls

    def alert_terms(self):
        """The countries and topics readers' alerts know this page by (ifex/core/alerts.py):
        none here; a page type with such tags says which."""
        from .alerts import AlertTerms

        return AlertTerms()

    def alert_entry(self):
        """How an alert mail lists the page: only what its public page shows."""
        from .alerts import AlertEntry

        view = public_text.reader_view(self)
        return AlertEntry(title=view.title, teaser=view.meta_description, url=self.full_url)

    @property
    def kind_label(self) -> str:
        """What a card calls the page: Article, Joint statement, Campaign page."""
        return capfirst(self._meta.verbose_name)

    @property
    def meta_description(self) -> str:
        return self.search_description or self.teaser


class SocialLinkBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("network"), max_length=50, help_text=_("Mastodon, Bluesky…"))
    url = blocks.URLBlock(label=_("address"))

    class Meta:
        icon = "link"
        label = _("social link")


# A fresh site's words: shown in the reader's language until staff write their own.
DEFAULT_TAGLINE = gettext_noop("No Impunity")
DEFAULT_SHORT_DESCRIPTION = gettext_noop(
    "IFEX is a global network of organisations defending and promoting freedom of expression."
)
# The settings' words that staff may give in each language (`SiteWords`).
TRANSLATED_WORDS = ("organisation_name", "tagline", "short_description", "footer_text")


@dataclass(frozen=True)
class ShownWords:
    """Words of the settings as a reader sees them, and the language they are in where it is
    not the reader's (the English, until staff give them in that language)."""

    text: str
    language: str = ""

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

    @property
    def lang_attrs(self) -> str:
        """` lang="en" dir="auto"` where the words are not in the reader's language."""
        return format_html(' lang="{}" dir="auto"', self.language) if self.language else ""


@dataclass(frozen=True)
class SiteWordsShown:
    organisation_name: ShownWords
    tagline: ShownWords
    short_description: ShownWords
    footer: ShownWords


class SiteSettingsForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        given = set()
        for form in self.formsets["translations"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            locale = form.cleaned_data.get("locale")
            if locale is None:
                continue
            if locale.language_code == django_settings.LANGUAGE_CODE:
                form.add_error("locale", _("The words in English are the fields above."))
            elif locale.pk in given:
                form.add_error(
                    "locale",
                    _("%(language)s is given twice: keep one.")
                    % {"language": locale.get_display_name()},
                )
            given.add(locale.pk)
        return cleaned


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting, ClusterableModel):
    """The words and links every page shows, which editors change without a deploy; the words
    in each language (`SiteWords`), read with the settings in one query."""

    base_form_class = SiteSettingsForm

    organisation_name = models.CharField(
        _("organisation name"), max_length=100, default="IFEX",
        help_text=_("Shown in the header, after each page title and in feeds."),
    )  # fmt: skip
    tagline = models.CharField(_("tagline"), max_length=100, default=DEFAULT_TAGLINE, blank=True)
    short_description = models.TextField(
        _("short description"),
        max_length=300,
        default=DEFAULT_SHORT_DESCRIPTION,
        help_text=_("What the network is, in a sentence: for search engines and shared links."),
    )
    footer_text = models.TextField(
        _("footer text"), blank=True, help_text=_("Shown at the foot of every page.")
    )
    social_links = StreamField(
        [("link", SocialLinkBlock())], blank=True, verbose_name=_("social links")
    )
    default_share_image = models.ForeignKey(
        "core.SiteImage",
        verbose_name=_("default share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when a page without its own image is shared. 1200 × 630 is best."),
    )

    data_licence = models.CharField(
        _("licence of the open data"),
        max_length=100,
        default="CC BY 4.0",
        help_text=_("Named on every download and API answer, with its link."),
    )
    data_licence_url = models.URLField(
        _("licence link"), default="https://creativecommons.org/licenses/by/4.0/"
    )

    select_related = ["site", "default_share_image"]
    panels = [
        MultiFieldPanel(
            ["organisation_name", "tagline", "short_description"], heading=_("The network")
        ),
        "footer_text",
        InlinePanel(
            "translations",
            heading=_("In other languages"),
            label=_("Words in another language"),
            help_text=_(
                "The name, tagline, description and footer as readers of that language see "
                "them. A field left blank shows the English, marked as English."
            ),
        ),
        "social_links",
        "default_share_image",
        MultiFieldPanel(["data_licence", "data_licence_url"], heading=_("Open data")),
    ]

    class Meta:
        verbose_name = _("site settings")

    @classmethod
    def for_site(cls, site):
        """Read on every page, with its words in every language: kept in the cache until the
        settings or their words are saved."""
        if site is None:
            return super().for_site(site)
        return kept_until_saved(f"site-settings:{site.pk}", lambda: cls.read_for(site), cls)

    @classmethod
    def read_for(cls, site):
        words = SiteWords.objects.filter(settings=models.OuterRef("pk")).values(
            row=JSONObject(language="locale__language_code", **{f: f for f in TRANSLATED_WORDS})
        )
        found = (
            cls.objects.select_related(*cls.select_related)
            .annotate(words_rows=ArraySubquery(words))
            .filter(site=site)
            .first()
        )
        return found or super().for_site(site)

    def words_in(self, language: str) -> SiteWordsShown:
        """The settings' words for a reader of `language`: staff's words in that language where
        given, else a fresh site's words translated, else the English, marked as English."""
        rows = getattr(self, "words_rows", None)
        if rows is None:
            rows = list(
                self.translations.values(
                    *TRANSLATED_WORDS, language=models.F("locale__language_code")
                )
            )
        given = next((row for row in rows if row["language"] == language), {})
        english = django_settings.LANGUAGE_CODE

        def shown(field, default=""):
            if given.get(field):
                return ShownWords(given[field])
            value = getattr(self, field)
            if language == english:
                return ShownWords(value)
            if value and value == default:
                with translation.override(language):
                    return ShownWords(translation.gettext(default))
            return ShownWords(value, english)

        description = shown("short_description", DEFAULT_SHORT_DESCRIPTION)
        footer = shown("footer_text")
        return SiteWordsShown(
            organisation_name=shown("organisation_name"),
            tagline=shown("tagline", DEFAULT_TAGLINE),
            short_description=description,
            footer=footer if footer else description,
        )

    @property
    def words(self) -> SiteWordsShown:
        """The settings' words in the reader's language (the one active)."""
        return self.words_in(translation.get_language() or django_settings.LANGUAGE_CODE)

    @property
    def footer(self) -> str:
        return self.footer_text or self.short_description


def other_languages():
    return ~models.Q(language_code=django_settings.LANGUAGE_CODE)


class SiteWords(models.Model):
    """The site settings' words in one language other than English; a blank field leaves the
    English (`SiteSettings.words_in`)."""

    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="translations")
    locale = models.ForeignKey(
        Locale,
        verbose_name=_("language"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=other_languages,
    )
    organisation_name = models.CharField(_("organisation name"), max_length=100, blank=True)
    tagline = models.CharField(_("tagline"), max_length=100, blank=True)
    short_description = models.TextField(_("short description"), max_length=300, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)

    panels = ["locale", "organisation_name", "tagline", "short_description", "footer_text"]

    class Meta:
        verbose_name = _("words in another language")
        verbose_name_plural = _("words in other languages")
        constraints = [
            models.UniqueConstraint(
                fields=["settings", "locale"], name="unique_site_words_per_language"
            )
        ]

    def __str__(self):
        return self.locale.get_display_name()


# Subscribers and mailings live in their own module; imported here so Django finds them.
from .subscriptions import Delivery, Mailing, Publication, Subscriber  # noqa: E402, F401
