"""The cases in the open-data API: what the case index lists, with the same filters, and each
case's dated status history and the articles and statements about it. A withheld name is
"Name withheld" here as on every public page; the name staff keep is never serialised, and
is redacted from any text that carries it (the case's public view)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from ifex.core.api import OpenDataViewSet, WithAbout, filter_parameters, language_parameter
from ifex.core.languages import name_in_readers_language
from ifex.core.pages import under_restriction

from .choices import DatePrecision, DeathType, Employment, Motive, Role, Status
from .listing import CaseFilterForm, years_with_cases
from .models import CaseIndexPage, CasePage, CaseReport, CaseStatusEvent
from .withheld import public_report_rows, public_view


class StatusEventSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    source = serializers.CharField(source="source_name")

    class Meta:
        model = CaseStatusEvent
        fields = ["status", "status_label", "confirmed_on", "source", "source_url", "note"]


class ReportSerializer(serializers.Serializer):
    title = serializers.CharField(source="page.title")
    url = serializers.SerializerMethodField()

    def get_url(self, report) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(report.page.get_url(request=request._request))


class CaseSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="public_name")
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display")
    date_of_attack = serializers.CharField(
        source="attacked_on_iso",
        help_text=_("ISO 8601 to the precision known: “2006”, “2006-05” or “2006-05-03”."),
    )
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    employment = serializers.ChoiceField(choices=Employment.choices, allow_blank=True)
    employers = serializers.ListField(child=serializers.CharField(), source="employer_list")
    locality = serializers.CharField()
    type_of_death = serializers.ChoiceField(choices=DeathType.choices, allow_blank=True)
    motive = serializers.ChoiceField(choices=Motive.choices, allow_blank=True)
    source = serializers.SerializerMethodField(
        help_text=_("Whose record the case comes from: its name, link and export date.")
    )
    country = serializers.SerializerMethodField()
    country_code = serializers.CharField(source="country.iso_code")
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    status_history = StatusEventSerializer(many=True, source="public_history")
    reports = ReportSerializer(
        many=True, source="reports_shown", help_text=_("Articles and statements about the case.")
    )
    summary = serializers.SerializerMethodField(help_text=_("What happened, as HTML."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = CasePage
        fields = [
            "id",
            "name",
            "name_withheld",
            "role",
            "role_label",
            "employment",
            "employers",
            "date_of_attack",
            "date_precision",
            "country",
            "country_code",
            "locality",
            "type_of_death",
            "motive",
            "status",
            "status_label",
            "status_confirmed_on",
            "status_history",
            "summary",
            "reports",
            "source",
            "url",
        ]

    def to_representation(self, case):
        # The case's public view: a withheld name redacted wherever it got in.
        view = public_view(case)
        # None whose text (title, address, teaser, body) names the person.
        view.reports_shown = public_report_rows(view, case.reports.all())
        return super().to_representation(view)

    def get_source(self, case) -> dict | None:
        if not case.source_name:
            return None
        exported_on = case.source_exported_on
        return {
            "name": case.source_name,
            "url": case.source_url,
            "exported_on": exported_on.isoformat() if exported_on else None,
        }

    def get_country(self, case) -> str:
        return name_in_readers_language(case.country)

    def get_summary(self, case) -> str:
        return expand_db_html(case.summary)

    def get_url(self, case) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(case.get_url(request=request._request))


class CaseDetailSerializer(WithAbout, CaseSerializer):
    class Meta(CaseSerializer.Meta):
        fields = ["about", *CaseSerializer.Meta.fields]


@extend_schema_view(
    list=extend_schema(
        summary=_("Cases"),
        parameters=[language_parameter(), *filter_parameters(CaseFilterForm)],
    ),
    retrieve=extend_schema(summary=_("One case"), parameters=[language_parameter()]),
)
class CaseViewSet(OpenDataViewSet):
    """Published cases in the chosen language, the latest attack first."""

    title = _("Cases")
    complete_note = _("The complete set of published cases.")
    source_index = CaseIndexPage
    filter_form_class = CaseFilterForm

    def get_queryset(self):
        public_reports = (
            CaseReport.objects.filter(page__live=True)
            .exclude(under_restriction("page__path"))
            .select_related("page")
            .order_by("sort_order", "pk")
        )
        return (
            CasePage.objects.for_listing()
            .in_language()
            .prefetch_related(
                Prefetch("status_events", CaseStatusEvent.objects.order_by("confirmed_on", "pk")),
                Prefetch("reports", public_reports),
            )
        )

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def filter_years(self):
        return years_with_cases()
