import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PublishingPanel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from cases.choices import DeathType, Role, Status
from cases.counts import MEASURES as CASE_MEASURES
from cases.counts import MOTIVE_CLASSES, CaseCount
from cases.sources import counted_source_choices
from ifex.core.languages import active_locale_id
from ifex.core.models import BasePage, Organisation

from .blocks import CampaignStreamBlock
from .forms import KIND_RULES_ATTRS, ImpunityFigureForm, kind_field_panels
from .live_counts import LIVE_COUNTS, live_count_choices
from .permissions import HomePagePermissionTester


def stale_before():
    return timezone.localdate() - datetime.timedelta(days=settings.FIGURE_STALE_AFTER_DAYS)


class WithStatsWidgets:
    """A page whose stats blocks other sites may frame (`stats_widget`)."""

    def cached_paths(self) -> list[str]:
        """The widgets of its stats blocks, in the page's language: a CDN purges them with it."""
        with translation.override(self.locale.language_code):
            return [
                reverse("stats_widget", args=[self.pk, block.id])
                for block in self.body
                if block.block_type == "stats"
            ]


class HomePage(WithStatsWidgets, BasePage):
    body = StreamField(CampaignStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*BasePage.content_panels, "teaser", *BasePage.hero_panels, "body"]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "articles.ArticleIndexPage",
        "articles.StatementIndexPage",
        "campaigns.CampaignIndexPage",
        "campaigns.MemberDirectoryPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        permissions = [("edit_home_page", _("Can edit and publish the home page (only)"))]

    def permissions_for_user(self, user):
        return HomePagePermissionTester(user, self)


class CampaignIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, "intro"]
    parent_page_types = ["campaigns.HomePage"]
    subpage_types = ["campaigns.CampaignPage"]
    max_count = 1

    class Meta:
        verbose_name = _("campaign index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["campaigns"] = CampaignPage.objects.for_cards().child_of(self)
        return context


class CampaignPage(WithStatsWidgets, BasePage):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(CampaignStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        "teaser",
        "intro",
        *BasePage.hero_panels,
        "body",
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign page")


class MemberDirectoryPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, "intro"]
    parent_page_types = ["campaigns.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("member directory")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members"] = Organisation.objects.for_directory()
        return context


class ImpunityFigureQuerySet(models.QuerySet):
    def stale(self):
        """Figures whose date is old, in the source language only: translations share it."""
        source_language = self.filter(locale__language_code=settings.LANGUAGE_CODE)
        return source_language.exclude(kind=ImpunityFigure.Kind.LIVE).filter(
            as_of__lt=stale_before()
        )

    def live_in_readers_language(self):
        """Each live figure once: its published translation in the reader's language, else the
        source language's (as stats blocks show a figure whose translation is a draft)."""
        translated = self.filter(live=True, locale_id=active_locale_id())
        untranslated = self.filter(live=True, locale__language_code=settings.LANGUAGE_CODE).exclude(
            translation_key__in=translated.values("translation_key")
        )
        return self.filter(Q(pk__in=translated.values("pk")) | Q(pk__in=untranslated.values("pk")))


class ImpunityFigure(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    models.Model,
):
    """One figure of the stats block, with its sentence, source and date.

    One snippet per figure (not one set of figures) so that each figure has its own drafts,
    history, lock and schedule: staff update the death toll without touching the ratio.
    """

    class Kind(models.TextChoices):
        COUNT = "count", _("A number, such as 1,700")
        RATIO = "ratio", _("A ratio, such as 9 out of 10")
        LIVE = "live", _("A live count the site keeps itself")
        CASES = "cases", _("Computed from the site's cases")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("For the admin only, such as 'Journalists killed'.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNT)
    value = models.PositiveIntegerField(
        _("value"),
        null=True,
        blank=True,
        help_text=_("The number; for a ratio, the first number (the 9 of '9 out of 10')."),
    )
    out_of = models.PositiveIntegerField(
        _("out of"), null=True, blank=True, help_text=_("For a ratio: the 10 of '9 out of 10'.")
    )
    live_count = models.CharField(
        _("live count"), max_length=50, choices=live_count_choices(), blank=True
    )
    cases_measure = models.CharField(
        _("what to count"), max_length=20, choices=CASE_MEASURES, blank=True
    )
    cases_since = models.PositiveSmallIntegerField(
        _("attacked in or since"),
        null=True,
        blank=True,
        help_text=_("A year, such as 2006; empty counts every case."),
    )
    cases_country = models.ForeignKey(
        "core.Country",
        verbose_name=_("only in this country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cases_role = models.CharField(
        _("only of this role"), max_length=20, choices=Role.choices, blank=True
    )
    cases_until = models.PositiveSmallIntegerField(
        _("attacked in or before"),
        null=True,
        blank=True,
        help_text=_("A year, such as 2022: with the year above, a window of years."),
    )
    # A built-in source's key or a column mapping's ("mapping-<id>"): the choices are the sources
    # the site's cases come from, which staff add (cases.sources.counted_source_choices).
    cases_source = models.CharField(_("only from this source's record"), max_length=20, blank=True)
    cases_motives = models.CharField(
        _("only of these motives"), max_length=30, choices=MOTIVE_CLASSES, blank=True
    )
    cases_death_type = models.CharField(
        _("only of this type of death"), max_length=30, choices=DeathType.choices, blank=True
    )
    cases_status = models.CharField(
        _("only with this judicial status"), max_length=20, choices=Status.choices, blank=True
    )
    sentence = models.CharField(
        _("sentence"),
        max_length=255,
        help_text=_(
            "The words after the number, such as "
            "'journalists and media workers have been killed since 2006.'"
        ),
    )
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    method_note = models.TextField(
        _("how we count"), blank=True, help_text=_("Optional: how the figure is counted.")
    )

    objects = ImpunityFigureQuerySet.as_manager()
    base_form_class = ImpunityFigureForm

    # The fields each kind uses: the form shows only these and empties the others.
    FIELDS_BY_KIND = {
        "value": (Kind.COUNT, Kind.RATIO),
        "out_of": (Kind.RATIO,),
        "live_count": (Kind.LIVE,),
        "cases_measure": (Kind.CASES,),
        "cases_since": (Kind.CASES,),
        "cases_country": (Kind.CASES,),
        "cases_role": (Kind.CASES,),
        "cases_until": (Kind.CASES,),
        "cases_source": (Kind.CASES,),
        "cases_motives": (Kind.CASES,),
        "cases_death_type": (Kind.CASES,),
        "cases_status": (Kind.CASES,),
    }

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("kind"), *kind_field_panels(FIELDS_BY_KIND)],
            heading=_("Value"),
            attrs=KIND_RULES_ATTRS,
        ),
        FieldPanel("sentence"),
        MultiFieldPanel(
            [
                FieldPanel("source_name"),
                FieldPanel("source_url"),
                FieldPanel("as_of"),
                FieldPanel("method_note"),
            ],
            heading=_("Source"),
        ),
        PublishingPanel(),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("sentence")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("impunity figure")
        verbose_name_plural = _("impunity figures")

    def __str__(self):
        return self.name

    def clean(self):
        """What no version may say, draft or not. What a published figure must have (value,
        source, date) is checked at publish by ImpunityFigureForm."""
        super().clean()
        errors = {}
        if (
            self.kind == self.Kind.RATIO
            and self.value is not None
            and self.out_of
            and self.value > self.out_of
        ):
            errors["value"] = _("The first number of a ratio cannot exceed the second.")
        if self.as_of and self.as_of > timezone.localdate():
            errors["as_of"] = _(
                "The “as of” date cannot be in the future: give the date the figure was true on."
            )
        if self.cases_source and self.cases_source not in dict(counted_source_choices()):
            errors["cases_source"] = _(
                "The site has no cases from this source: choose one the cases come from."
            )
        if errors:
            raise ValidationError(errors)

    @cached_property
    def live_source(self):
        """What the site counts itself for this figure, if anything: it is never stale."""
        if self.kind == self.Kind.LIVE:
            return LIVE_COUNTS.get(self.live_count)
        if self.kind == self.Kind.CASES and self.cases_measure:
            return CaseCount(
                self.cases_measure,
                since=self.cases_since,
                country=self.cases_country,
                role=self.cases_role,
                until=self.cases_until,
                source=self.cases_source,
                motives=self.cases_motives,
                death_type=self.cases_death_type,
                status=self.cases_status,
            )
        return None

    @cached_property
    def current_value(self) -> int | None:
        return self.live_source.count() if self.live_source else self.value

    @cached_property
    def current_out_of(self) -> int | None:
        if self.kind == self.Kind.CASES:
            return self.live_source.out_of() if self.live_source else None
        return self.out_of if self.kind == self.Kind.RATIO else None

    @property
    def display_value(self) -> str:
        value = self.current_value
        if value is None:
            return ""
        formatted = number_format(value, force_grouping=True)
        if self.current_out_of is not None:
            return _("%(value)s out of %(out_of)s") % {
                "value": formatted,
                "out_of": number_format(self.current_out_of, force_grouping=True),
            }
        return formatted

    @property
    def display_method_note(self) -> str:
        """Staff's note; for a figure computed from the cases, exactly what was counted."""
        if self.kind == self.Kind.CASES and self.live_source:
            return self.live_source.method_note()
        return self.method_note

    @property
    def display_source_name(self) -> str:
        return self.source_name or (self.live_source.source_name if self.live_source else "")

    @property
    def display_as_of(self):
        """A live count is true today; any other figure on the date staff gave."""
        return timezone.localdate() if self.live_source else self.as_of

    @property
    def is_stale(self) -> bool:
        """True when the figure's date is older than staff want: time to check the source."""
        if self.live_source or not self.as_of:
            return False
        return self.as_of < stale_before()

    def get_preview_template(self, request, mode_name):
        return "campaigns/previews/impunity_figure.html"

    def cached_paths(self) -> list[str]:
        """Beyond the pages that show it: the public history of every figure, its downloads and
        the figure's widget (a CDN purges them)."""
        return [
            reverse("figure_history"),
            *(reverse(f"figure_history_{file_format}") for file_format in ("csv", "json")),
            reverse("figure_widget", args=[self.pk]),
        ]


class PublicRecordIsAppendOnly(PermissionDenied):
    @classmethod
    def deleting(cls):
        return cls(_("The figures' public record is append-only: no row of it can be deleted."))

    @classmethod
    def changing(cls):
        return cls(
            _(
                "The figures' public record is append-only: a published value cannot change; "
                "mark it as corrected instead."
            )
        )


class FigurePublicationQuerySet(models.QuerySet):
    """Rows are added, never deleted; of a row, only its correction changes (and its links to a
    figure or a user, which are emptied when those are deleted). The database refuses the same
    (migration 0021), for code that goes around these methods."""

    CHANGEABLE = {"correction_note", "corrected_at", "figure", "figure_id"}
    CHANGEABLE |= {"published_by", "published_by_id"}

    def delete(self):
        raise PublicRecordIsAppendOnly.deleting()

    delete.queryset_only = True

    def update(self, **changes):
        if set(changes) - self.CHANGEABLE:
            raise PublicRecordIsAppendOnly.changing()
        return super().update(**changes)


class FigurePublication(models.Model):
    """One value a figure was published with: the site's public record, kept in its own table.

    Written on every publish (by hand, or scheduled); never changed or deleted afterwards, so
    unpublishing or deleting a figure, or purging old revisions, takes nothing out of the record.
    """

    figure = models.ForeignKey(
        ImpunityFigure,
        verbose_name=_("figure"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="publications",
    )
    figure_name = models.CharField(_("figure name"), max_length=100)
    # The record in each language: a translation is published with its source (same value,
    # same moment), in its own words.
    language = models.CharField(_("language"), max_length=8, default="en", db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ImpunityFigure.Kind.choices)
    value = models.PositiveIntegerField(_("value"), null=True, blank=True)
    out_of = models.PositiveIntegerField(_("out of"), null=True, blank=True)
    display_value = models.CharField(_("value as shown"), max_length=100, blank=True)
    sentence = models.CharField(_("sentence"), max_length=255)
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    method_note = models.TextField(_("how we count"), blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by_name = models.CharField(_("published by (name)"), max_length=150, blank=True)
    correction_note = models.CharField(
        _("correction"),
        max_length=255,
        blank=True,
        help_text=_(
            "If this published value was wrong, say so for readers, such as "
            "'Corrected: the date was wrong.' The value stays on the public record, marked."
        ),
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    objects = FigurePublicationQuerySet.as_manager()

    panels = ["correction_note"]

    class Meta:
        ordering = ["published_at", "pk"]
        # Named as the admin's menu names it.
        verbose_name = _("entry of the public record")
        verbose_name_plural = _("public record of figures")

    def __str__(self):
        return f"{self.figure_name}: {self.display_value} ({self.published_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.correction_note and not self.corrected_at:
            self.corrected_at = timezone.now()
        if self.pk is not None and self.figure_id is not None:
            # A wrong value was wrong in every language: the same publish's rows carry the note.
            self.in_other_languages().update(
                correction_note=self.correction_note, corrected_at=self.corrected_at
            )
        super().save(*args, **kwargs)

    def in_other_languages(self):
        """This publish's rows in the other languages (its figure's translations, same moment)."""
        return FigurePublication.objects.filter(
            published_at=self.published_at,
            figure__translation_key=self.figure.translation_key,
        ).exclude(pk=self.pk)

    def delete(self, *args, **kwargs):
        raise PublicRecordIsAppendOnly.deleting()

    @classmethod
    def record(cls, figure: ImpunityFigure, published_at, user=None) -> "FigurePublication":
        """The figure as readers see it now. A live count is recorded as counted live; a
        figure computed from the cases with the value it has at that moment."""
        language = figure.locale.language_code
        live = figure.kind == ImpunityFigure.Kind.LIVE
        with translation.override(language):  # "9 sur 10" and "1 700" in the French record
            display_value = "" if live else figure.display_value
            method_note = figure.display_method_note
            source_name = str(figure.display_source_name)
        return cls.objects.create(
            figure_id=figure.pk,
            figure_name=figure.name,
            language=language,
            kind=figure.kind,
            value=None if live else figure.current_value,
            out_of=figure.current_out_of,
            display_value=display_value,
            sentence=figure.sentence,
            source_name=source_name,
            source_url=figure.source_url,
            as_of=figure.display_as_of if not live else figure.as_of,
            method_note=method_note,
            published_at=published_at,
            published_by=user,
            published_by_name=user.get_username() if user else "",
        )

    @property
    def is_live_count(self) -> bool:
        return self.kind == ImpunityFigure.Kind.LIVE
