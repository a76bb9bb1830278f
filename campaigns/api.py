"""The impunity figures in the open-data API: each live figure as readers see it now, and the
public record of every value ever published (retired figures' too), with their provenance."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from ifex.core.api import OpenDataViewSet, WithAbout, language_parameter
from ifex.core.languages import active_language

from .models import FigurePublication, ImpunityFigure


class PublicationSerializer(serializers.ModelSerializer):
    value_as_shown = serializers.CharField(source="display_value")
    source = serializers.CharField(source="source_name")
    how_we_count = serializers.CharField(source="method_note")
    figure = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    retired = serializers.SerializerMethodField()
    correction = serializers.CharField(source="correction_note")

    class Meta:
        model = FigurePublication
        fields = [
            "id",
            "figure",
            "value_as_shown",
            "value",
            "out_of",
            "sentence",
            "source",
            "source_url",
            "as_of",
            "how_we_count",
            "published_at",
            "retired",
            "correction",
            "corrected_at",
        ]

    def get_retired(self, publication) -> bool:
        return publication.figure_id is None or not publication.figure.live


class FigureSerializer(serializers.ModelSerializer):
    value_as_shown = serializers.CharField(source="display_value")
    value = serializers.IntegerField(source="current_value", allow_null=True)
    out_of = serializers.IntegerField(source="current_out_of", allow_null=True)
    source = serializers.CharField(source="display_source_name")
    as_of = serializers.DateField(source="display_as_of", allow_null=True)
    how_we_count = serializers.CharField(source="display_method_note")
    counted_by_this_site = serializers.SerializerMethodField()
    history = PublicationSerializer(
        many=True, source="publications", help_text=_("Every value published, oldest first.")
    )
    widget_url = serializers.SerializerMethodField()

    class Meta:
        model = ImpunityFigure
        fields = [
            "id",
            "value_as_shown",
            "value",
            "out_of",
            "sentence",
            "source",
            "source_url",
            "as_of",
            "how_we_count",
            "counted_by_this_site",
            "history",
            "widget_url",
        ]

    def get_counted_by_this_site(self, figure) -> bool:
        return figure.live_source is not None

    def get_widget_url(self, figure) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(reverse("figure_widget", args=[figure.pk]))


class FigureDetailSerializer(WithAbout, FigureSerializer):
    class Meta(FigureSerializer.Meta):
        fields = ["about", *FigureSerializer.Meta.fields]


class PublicationDetailSerializer(WithAbout, PublicationSerializer):
    class Meta(PublicationSerializer.Meta):
        fields = ["about", *PublicationSerializer.Meta.fields]


class FigureRecordViewSet(OpenDataViewSet):
    def source_url(self) -> str:
        return reverse("figure_history")

    def publications(self):
        """The public record in the reader's language, oldest first."""
        return (
            FigurePublication.objects.filter(language=active_language())
            .select_related("figure")
            .order_by("published_at", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary=_("Impunity figures"), parameters=[language_parameter()]),
    retrieve=extend_schema(summary=_("One impunity figure"), parameters=[language_parameter()]),
)
class FigureViewSet(FigureRecordViewSet):
    """The live figures in the chosen language, as readers see them now, each with every value
    it was published with."""

    title = _("Impunity figures")
    complete_note = _("Every live figure, with every value it was published with.")

    def get_queryset(self):
        return (
            ImpunityFigure.objects.live_in_readers_language()
            .select_related("cases_country")
            .prefetch_related(
                # A figure's record is in its own language (a draft translation's fallback's too).
                Prefetch("publications", FigurePublication.objects.order_by("published_at", "pk"))
            )
            .order_by("pk")
        )

    def get_serializer_class(self):
        return FigureDetailSerializer if self.action == "retrieve" else FigureSerializer


@extend_schema_view(
    list=extend_schema(summary=_("The figures' public record"), parameters=[language_parameter()]),
    retrieve=extend_schema(summary=_("One published value"), parameters=[language_parameter()]),
)
class PublicationViewSet(FigureRecordViewSet):
    """Every value each figure was published with, retired figures' too, oldest first."""

    title = _("How we count")
    complete_note = _("Every value each figure was published with, oldest first.")

    def get_queryset(self):
        return self.publications()

    def get_serializer_class(self):
        return PublicationDetailSerializer if self.action == "retrieve" else PublicationSerializer
