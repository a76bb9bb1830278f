"""Joint statements in the open-data API: what the statements index lists, with the same
filters, each with its signatures in the order the statement shows them."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from ifex.core.api import OpenDataViewSet, WithAbout, filter_parameters, language_parameter
from ifex.core.listing import TaxonomyFilterForm, years_with_pages
from ifex.core.public_text import reader_view

from .models import JointStatementPage, Signatory, StatementIndexPage


class SignatorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    website = serializers.CharField(source="link")
    member_of_the_network = serializers.SerializerMethodField()

    class Meta:
        model = Signatory
        fields = ["name", "website", "member_of_the_network"]

    def get_member_of_the_network(self, signature) -> bool:
        return bool(signature.organisation_id and signature.organisation.is_member)


class StatementSerializer(serializers.ModelSerializer):
    countries = serializers.ListField(
        source="country_names", child=serializers.CharField(), read_only=True
    )
    signatories = SignatorySerializer(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = JointStatementPage
        fields = ["id", "title", "date", "teaser", "countries", "signatories", "url"]

    def to_representation(self, statement):
        return super().to_representation(reader_view(statement))

    def get_url(self, statement) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(statement.get_url(request=request._request))


class StatementDetailSerializer(WithAbout, StatementSerializer):
    class Meta(StatementSerializer.Meta):
        fields = ["about", *StatementSerializer.Meta.fields]


@extend_schema_view(
    list=extend_schema(
        summary=_("Joint statements"),
        parameters=[language_parameter(), *filter_parameters(TaxonomyFilterForm)],
    ),
    retrieve=extend_schema(summary=_("One joint statement"), parameters=[language_parameter()]),
)
class StatementViewSet(OpenDataViewSet):
    """Published joint statements in the chosen language, newest first, with their signatures."""

    title = _("Joint statements")
    complete_note = _("Every published joint statement, with each of its signatures.")
    source_index = StatementIndexPage
    filter_form_class = TaxonomyFilterForm

    def get_queryset(self):
        signatures = Signatory.objects.select_related("organisation").order_by("sort_order", "pk")
        return (
            JointStatementPage.objects.for_listing()
            .in_language()
            .prefetch_related(Prefetch("signatories", signatures))
        )

    def get_serializer_class(self):
        return StatementDetailSerializer if self.action == "retrieve" else StatementSerializer

    def filter_years(self):
        return years_with_pages(JointStatementPage)
