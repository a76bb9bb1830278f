"""Cases behind the numbers: one record for each person attacked for what they said, with the
judicial status of the case, dated and sourced, as the monitoring databases keep them (CPJ's
impunity statuses, UNESCO's "no information received so far").

A case is a page, like the Press Freedom Tracker's incidents: drafts, revisions, scheduling,
translation and history come from Wagtail. Its status is a series of dated events; the latest
is the case's status now, kept on the page so listings filter on it.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from ifex.core.alerts import AlertEntry, AlertTerms
from ifex.core.listing import build_listing
from ifex.core.models import BasePage
from ifex.core.pages import specific_pages
from ifex.core.shared_parts import kept_until_content_changes

from . import withheld
from .charts import case_charts
from .choices import DatePrecision, DeathType, Employment, Motive, Role, Status
from .forms import CasePageForm
from .listing import CaseFilterForm, CaseQuerySet, years_with_cases


class CasePage(BasePage):
    base_form_class = CasePageForm

    person_name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("The person's name, as staff know it. Shown to readers unless withheld."),
    )
    name_withheld = models.BooleanField(
        _("withhold the name from the public"),
        default=False,
        help_text=_(
            "For a living person at risk: readers see “Name withheld”; staff still see the name."
        ),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    employment = models.CharField(
        _("employment"), max_length=20, choices=Employment.choices, blank=True
    )
    employers = models.TextField(
        _("employers"), blank=True, help_text=_("The media they worked for, one per line.")
    )
    attacked_on = models.DateField(
        _("date of the attack"),
        help_text=_(
            "When only the year or the month is known, its first day, with the precision below: "
            "readers then see the year or the month alone."
        ),
    )
    date_precision = models.CharField(
        _("the date is known to the"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    locality = models.CharField(_("place"), max_length=255, blank=True)
    type_of_death = models.CharField(
        _("type of death"), max_length=30, choices=DeathType.choices, blank=True
    )
    motive = models.CharField(_("motive"), max_length=20, choices=Motive.choices, blank=True)
    # Provenance, shown to readers: whose record this is and as of which export.
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    source_exported_on = models.DateField(_("source export of"), null=True, blank=True)
    hidden = models.BooleanField(
        _("hide this case from the public"),
        default=False,
        help_text=_("Publishing a hidden case takes it off the site; the reason stays here."),
    )
    hidden_reason = models.TextField(_("why it is hidden"), blank=True)
    summary = RichTextField(
        _("what happened"), features=["bold", "italic", "link", "ol", "ul"], blank=True
    )
    # The latest status event's, kept here by save() so listings filter and count on it.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NO_INFORMATION
    )
    status_confirmed_on = models.DateField(_("status last confirmed"), null=True, blank=True)

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("person_name"), FieldPanel("name_withheld")], heading=_("The person")
        ),
        FieldPanel("role"),
        FieldPanel("employment"),
        FieldPanel("employers"),
        MultiFieldPanel(
            [FieldPanel("attacked_on"), FieldPanel("date_precision")], heading=_("Date")
        ),
        FieldPanel("country"),
        FieldPanel("locality"),
        FieldPanel("type_of_death"),
        FieldPanel("motive"),
        MultiFieldPanel(
            [FieldPanel("source_name"), FieldPanel("source_url"), FieldPanel("source_exported_on")],
            heading=_("Source of the record"),
        ),
        MultiFieldPanel(
            [FieldPanel("hidden"), FieldPanel("hidden_reason")], heading=_("Hidden from the public")
        ),
        FieldPanel("teaser"),
        FieldPanel("summary"),
        InlinePanel(
            "status_events",
            heading=_("Judicial status, dated"),
            label=_("status"),
            min_num=1,
            help_text=_("Each time the status is confirmed or changes: the latest one is shown."),
        ),
        InlinePanel("reports", heading=_("Articles and joint statements about the case")),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        # Readers look a case up by the media the person worked for, or the place.
        index.SearchField("employers"),
        index.SearchField("locality"),
        index.FilterField("status"),
        index.RelatedFields("country", [index.SearchField("name")]),
    ]

    # The person is the same in every language: translators neither rename nor reveal them, and
    # the address (which may carry the name until it is withheld) follows the original's.
    override_translatable_fields = [
        SynchronizedField("slug", overridable=False),
        SynchronizedField("person_name", overridable=False),
        SynchronizedField("name_withheld", overridable=False),
    ]

    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types = []
    objects = PageManager.from_queryset(CaseQuerySet)()
    listing_date_field = "attacked_on"  # the year filter of search

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["-attacked_on", "-page_ptr"], name="case_newest")]

    def alert_terms(self):
        return AlertTerms() if self.hidden else AlertTerms(countries=[self.country])

    def alert_entry(self):
        """Its public view: a withheld name never reaches a reader's mail."""
        view = withheld.public_view(self)
        return AlertEntry(title=view.title, teaser=view.meta_description, url=self.full_url)

    @property
    def public_name(self) -> str:
        return _("Name withheld") if self.name_withheld else self.person_name

    @property
    def kind_label(self):
        return _("Case")

    @property
    def date(self):
        """The date listings and search results show: none rather than an invented day."""
        return self.attacked_on if self.date_precision == DatePrecision.DAY else None

    @property
    def attacked_on_iso(self) -> str:
        """ISO 8601 to the precision known: "2006", "2006-05" or "2006-05-03"."""
        length = {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7}.get(self.date_precision, 10)
        return self.attacked_on.isoformat()[:length]

    @property
    def employer_list(self) -> list[str]:
        return [line.strip() for line in self.employers.splitlines() if line.strip()]

    def status_history(self) -> list:
        """Oldest first, as readers follow a case; of one day's events, one being added now
        (not saved yet) is the latest."""
        return sorted(
            self.status_events.all(),
            key=lambda event: (event.confirmed_on, event.pk is None, event.pk or 0),
        )

    def save(self, *args, **kwargs):
        history = self.status_history()
        if history:
            self.status, self.status_confirmed_on = history[-1].status, history[-1].confirmed_on
        lifting = withheld.follow_the_translations(self)
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "name_withheld" in update_fields:
            withheld.withhold_in_every_language(self, lifting)

    def clean(self):
        super().clean()
        if self.hidden and not self.hidden_reason.strip():
            raise ValidationError(
                {"hidden_reason": _("Say why the case is hidden: the reason stays in the record.")}
            )
        self.refuse_the_name_in_public_text()

    def refuse_the_name_in_public_text(self):
        """On every save (Wagtail's pages clean themselves before saving: the admin,
        wagtail-localize's translations, an import, a shell all pass here)."""
        name = withheld.withheld_name_of(self)
        if not name:
            return
        message = _("The name is withheld: take it out of this field, readers would see it here.")
        elsewhere = []  # fields the admin form does not show, and status rows
        errors = {}
        for field in withheld.case_fields_carrying(name, self):
            if field == "hero_image":
                elsewhere.append(
                    _(
                        "The name is withheld: the image's file name, title, description or "
                        "credit names the person. Choose another image."
                    )
                )
            elif field in withheld.IMAGE_TEXT_FIELDS:
                elsewhere.append(_("The name is withheld: take it out of the image's caption."))
            else:
                errors[field] = message
        elsewhere += [
            _(
                "The name is withheld: the address of “%(title)s”, a page about this case, "
                "names the person. Change that page's slug first."
            )
            % {"title": title}
            for title in withheld.addresses_naming_pages_about(name, self)
        ]
        # The admin form checks the rows it sends itself: here the page still has the saved ones.
        if not getattr(self, "rows_checked", False):
            elsewhere += [
                _("The name is withheld: take it out of the status of %(date)s.")
                % {"date": event.confirmed_on}
                for event in self.status_history()
                if withheld.event_fields_carrying(name, event)
            ]
            elsewhere += [
                _("The name is withheld: “%(title)s” names the person, take it out of the reports.")
                % {"title": report.page.title}
                for report in self.reports.all()
                if withheld.page_carrying(name, report.page)
            ]
        if elsewhere:
            errors[NON_FIELD_ERRORS] = elsewhere
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Readers see the case's public view: a withheld name redacted wherever it got in.
        view = withheld.public_view(self)
        context["page"] = context["self"] = view
        context["history"] = view.public_history
        reports = self.reports.select_related("page").order_by("sort_order", "pk")
        pages = specific_pages([report.page for report in reports])
        context["reports"] = withheld.public_reports(view, pages)
        return context


def unpublish_hidden_case(sender, instance, **kwargs):
    """A hidden case published is taken off the site at once, its reason kept on the page."""
    if instance.hidden and instance.live:
        instance.unpublish(log_action=True)


class CaseStatusEvent(Orderable):
    """The case's judicial status on a date, and who said so."""

    case = ParentalKey(CasePage, on_delete=models.CASCADE, related_name="status_events")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    confirmed_on = models.DateField(_("confirmed on"))
    source_name = models.CharField(_("source"), max_length=255)
    source_url = models.URLField(_("source link"), blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = ["status", "confirmed_on", "source_name", "source_url", "note"]

    class Meta(Orderable.Meta):
        verbose_name = _("status event")
        verbose_name_plural = _("status events")


class CaseReport(Orderable):
    """An article or joint statement about the case."""

    case = ParentalKey(CasePage, on_delete=models.CASCADE, related_name="reports")
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="case_reports"
    )

    panels = [PageChooserPanel("page", ["articles.ArticlePage", "articles.JointStatementPage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("report")
        verbose_name_plural = _("reports")


class ImportedCase(models.Model):
    """How a case came from a source's export, kept apart from the page's content so that no
    revision published later rolls it back: the identity the importer knows it by, the values it
    last imported (a field that differs from them now was edited by staff), and whether the
    latest export still lists it."""

    case = models.OneToOneField(
        CasePage, verbose_name=_("case"), on_delete=models.CASCADE, related_name="imported"
    )
    source = models.CharField(_("source"), max_length=20)
    # cases/importing.py explains both: the exact identity, and the looser group (name, year,
    # country) a corrected record is still recognised by.
    key = models.CharField(_("identity"), max_length=64)
    group = models.CharField(_("group"), max_length=64, db_index=True)
    imported_values = models.JSONField(_("values last imported"), default=dict)
    first_export_on = models.DateField(_("first imported from the export of"))
    last_export_on = models.DateField(_("last listed in the export of"))
    missing_from_export_on = models.DateField(
        _("flagged for review: missing from the export of"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("imported case")
        verbose_name_plural = _("imported cases")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="unique_imported_case_key")
        ]

    def __str__(self):
        return f"{self.source}: {self.case_id}"


class CountryNameMapping(models.Model):
    """A country name in a source's export that staff mapped to one of the site's countries,
    once: the importer keeps using it, and never guesses one."""

    source = models.CharField(_("source"), max_length=20)
    name = models.CharField(_("name in the export"), max_length=255)
    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.CASCADE, related_name="+"
    )

    panels = ["source", "name", "country"]

    class Meta:
        verbose_name = _("country name in an export")
        verbose_name_plural = _("country names in exports")
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="unique_country_name_mapping")
        ]

    def __str__(self):
        return f"{self.name} ({self.source}) → {self.country}"


class ColumnMapping(models.Model):
    """A monitor's CSV whose columns staff mapped to the case fields, once, under a name: the
    importer reads each of its exports with it (cases/importing.py, "Mapped sources"). The
    columns are chosen from the header of the file it was made from, never typed."""

    # (this model's field, the case field it feeds, required)
    COLUMNS = (
        ("identifier_column", "identifier", False),
        ("name_column", "person_name", True),
        ("date_column", "attacked_on", True),
        ("country_column", "country", True),
        ("locality_column", "locality", False),
        ("role_column", "role", True),
        ("employment_column", "employment", False),
        ("employers_column", "employers", False),
        ("type_of_death_column", "type_of_death", False),
        ("motive_column", "motive", False),
        ("status_column", "status", False),
        ("link_column", "source_url", False),
    )

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("How staff choose it when importing.")
    )
    source_name = models.CharField(
        _("source"),
        max_length=255,
        help_text=_("The monitor whose record this is, as readers see it on each case."),
    )
    source_url = models.URLField(
        _("link to the source's database"),
        help_text=_("Shown on each case, unless the file has a link to the case's own record."),
    )
    header = models.JSONField(_("columns of the file it was made from"), default=list)
    identifier_column = models.CharField(
        _("identifier"),
        max_length=255,
        blank=True,
        help_text=_("A column the source keeps the same for a case from one export to the next."),
    )
    name_column = models.CharField(_("name"), max_length=255, blank=True)
    date_column = models.CharField(
        _("date of the attack"),
        max_length=255,
        blank=True,
        help_text=_("The year (2006), the month (2006-05) or the day (2006-05-14)."),
    )
    country_column = models.CharField(
        _("country"),
        max_length=255,
        blank=True,
        help_text=_("The country's name or its ISO code."),
    )
    locality_column = models.CharField(_("place"), max_length=255, blank=True)
    role_column = models.CharField(_("role"), max_length=255, blank=True)
    employment_column = models.CharField(_("employment"), max_length=255, blank=True)
    employers_column = models.CharField(
        _("employers"),
        max_length=255,
        blank=True,
        help_text=_("Several in one cell are separated by commas or semicolons."),
    )
    type_of_death_column = models.CharField(_("type of death"), max_length=255, blank=True)
    motive_column = models.CharField(_("motive"), max_length=255, blank=True)
    status_column = models.CharField(
        _("judicial status"),
        max_length=255,
        blank=True,
        help_text=_("An empty cell, or no column, means “No information”."),
    )
    link_column = models.CharField(_("link to the case's record"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self):
        return self.name

    @property
    def source_key(self) -> str:
        return f"mapping-{self.pk}"

    def columns(self) -> dict:
        """The case fields this mapping feeds, each with its column in the file."""
        return {
            case_field: getattr(self, field_name)
            for field_name, case_field, _required in self.COLUMNS
            if getattr(self, field_name)
        }

    def clean(self):
        unmapped = {
            field_name: _("The importer needs the %(field)s: choose the column that holds it.")
            % {"field": self._meta.get_field(field_name).verbose_name}
            for field_name, _case_field, required in self.COLUMNS
            if required and not getattr(self, field_name)
        }
        if unmapped:
            raise ValidationError(unmapped)


class CaseImport(models.Model):
    """One upload of an export in the admin: the file, the review staff confirmed, and the
    background write's progress and summary."""

    class State(models.TextChoices):
        MAPPING = "mapping", _("Uploaded, waiting for its columns to be mapped")
        REVIEWED = "reviewed", _("Reviewed, waiting for confirmation")
        QUEUED = "queued", _("Confirmed, waiting for the worker")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=20)
    file_name = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(_("file contents"))
    exported_on = models.DateField(_("export of"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    review_counts = models.JSONField(_("review"), default=dict)
    review_lines = models.JSONField(_("review, line by line"), default=list)
    done = models.PositiveIntegerField(_("written"), default=0)
    total = models.PositiveIntegerField(_("to write"), default=0)
    summary = models.JSONField(_("summary"), default=dict)
    error = models.TextField(_("why it failed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")
        permissions = [("import_cases", _("Can import cases from a monitor's export"))]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


def reported_page_ids() -> frozenset:
    """The pages some case lists as being about it: most articles are about no case, and need
    not ask for theirs. Kept until content changes (a case's reports change when it is
    published), as the menu is."""
    return kept_until_content_changes(
        "cases:reported_pages",
        lambda: frozenset(
            CaseReport.objects.filter(case__live=True).values_list("page_id", flat=True)
        ),
    )


def cases_concerning(page) -> list:
    """The live cases an article or statement is about, in its language, newest first."""
    if page.pk not in reported_page_ids():
        return []
    cases = (
        CasePage.objects.live()
        .public()
        .filter(reports__page=page)
        .select_related("country")
        .order_by("-attacked_on", "-pk")
        .distinct()
    )
    return [withheld.reader_view(case) for case in cases]


class CaseIndexPage(RoutablePageMixin, BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, "intro"]
    subpage_types = ["cases.CasePage"]
    max_count = 1
    query_parameters = (*CaseFilterForm.base_fields, "page")

    class Meta:
        verbose_name = _("case index")

    def get_cached_paths(self):
        return ["/", "/csv/", "/json/"]

    def cases(self):
        return CasePage.objects.for_listing().listed_under(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["listing"] = build_listing(
            request,
            self.cases(),
            listing_key=f"page:{self.pk}",
            years=years_with_cases(),
            per_page=50,
            form_class=CaseFilterForm,
        )
        shown = context["listing"].page
        shown.object_list = [withheld.reader_view(case) for case in shown.object_list]
        filtered = shown.paginator.object_list
        context["charts"] = case_charts(filtered)
        return context

    @path("csv/", name="cases_csv")
    def cases_csv(self, request):
        from .downloads import cases_download

        return cases_download(request, self, "csv")

    @path("json/", name="cases_json")
    def cases_json(self, request):
        from .downloads import cases_download

        return cases_download(request, self, "json")
