"""Joint statements in the open-data API: what the statements index lists, with the same
filters, each with its signatures in the order the statement shows them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from ifex.core.api import OpenDataViewSet, WithAbout, filter_parameters, language_parameter
from ifex.core.listing import TaxonomyFilterForm, years_with_pages
from ifex.core.public_text import reader_view

from .listing import signatures_published, with_signatures_published
from .models import JointStatementPage, Signatory, StatementIndexPage


class SignatorySerializer(serializers.ModelSerializer):
    """One signature as the statement shows it: listed by the editor (a Signatory) or made
    online and approved (a Signature, whose contact details are never read)."""

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
    signatories = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = JointStatementPage
        fields = ["id", "title", "date", "teaser", "countries", "signatories", "url"]

    def to_representation(self, statement):
        return super().to_representation(reader_view(statement))

    @extend_schema_field(SignatorySerializer(many=True))
    def get_signatories(self, statement):
        return SignatorySerializer(signatures_published(statement), many=True).data

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
        return with_signatures_published(JointStatementPage.objects.for_listing().in_language())

    def get_serializer_class(self):
        return StatementDetailSerializer if self.action == "retrieve" else StatementSerializer

    def filter_years(self):
        return years_with_pages(JointStatementPage)
