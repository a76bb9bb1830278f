"""The read-only open-data API (/api/v1/): what the downloads give, as JSON, a page of results
at a time, for newsrooms, researchers and partner sites. Django REST framework; its OpenAPI
schema (/api/v1/schema/) by drf-spectacular.

Anonymous and read-only: no session or password is read, so a signed-in editor's drafts can
never leave through it; each app's queryset is live, public pages only. Every client is
rate-limited by its address (as the proxy saw it); every response says what it is, its licence
and how to cite it (`about`, as in the downloads). `?language=fr` answers in French.
"""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.throttling import AnonRateThrottle

from .client_address import client_address
from .listing import UnreadableFilter, bound_filter_form, chosen_filters
from .open_data import provenance


class AboutSerializer(serializers.Serializer):
    """What a response is, where it comes from, its licence and how to cite it."""

    title = serializers.CharField()
    source = serializers.URLField(help_text=_("The public page this data is from."))
    licence = serializers.CharField()
    licence_url = serializers.URLField()
    citation = serializers.CharField()
    filtered = serializers.BooleanField(help_text=_("True when this is not the complete set."))
    filters = serializers.DictField(child=serializers.CharField())
    note = serializers.CharField()


class WithAbout(serializers.Serializer):
    """A single record's response carries its `about` too."""

    about = serializers.SerializerMethodField()

    @extend_schema_field(AboutSerializer)
    def get_about(self, record) -> dict:
        return self.context["view"].about(self.context["request"])


class OpenDataThrottle(AnonRateThrottle):
    """API_RATE_LIMIT requests per client address (the shared cache counts them, so every worker
    and server agrees)."""

    scope = "open_data"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_ident(self, request):
        return client_address(request)


class OpenDataPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "about": self.view.about(self.request),
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {"about": {"$ref": "#/components/schemas/About"}} | (
            paginated["properties"]
        )
        paginated["required"] = ["about", *paginated["required"]]
        return paginated


def language_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "language",
        str,
        enum=[code for code, _name in settings.LANGUAGES],
        description=str(_("The language of the records and their labels (default: English).")),
    )


def filter_parameters(form_class) -> list[OpenApiParameter]:
    """A listing's filters as the API's query parameters: the same names and values as the
    public page's filter form (?country=ph&year=2024)."""
    parameters = []
    for name, field in form_class.base_fields.items():
        # A fixed list's values are the enum; countries, regions and topics are rows in the
        # database (read at import they would be a query, and stale): described, not listed.
        fixed = type(field) is forms.ChoiceField
        parameters.append(
            OpenApiParameter(
                name,
                OpenApiTypes.INT if isinstance(field, forms.TypedChoiceField) else str,
                description=str(field.label),
                enum=[value for value, _label in field.choices if value] if fixed else None,
            )
        )
    return parameters


class OpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    """A listing and its records. A subclass names its `title`, its public page (the index
    page model, `source_index`, or its own `source_url()`), what the complete set is
    (`complete_note`), and optionally the public page's filter form (`filter_form_class`, with
    `filter_years()` for its year choices)."""

    authentication_classes = []
    throttle_classes = [OpenDataThrottle]
    renderer_classes = [JSONRenderer]
    pagination_class = OpenDataPagination
    title = ""
    complete_note = ""
    filter_form_class = None
    source_index = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = request.query_params.get("language") or settings.LANGUAGE_CODE
        if language not in dict(settings.LANGUAGES):
            raise ValidationError(
                {
                    "language": _("Unknown language: choose one of %(codes)s.")
                    % {"codes": ", ".join(code for code, _name in settings.LANGUAGES)}
                }
            )
        translation.activate(language)
        request._request.LANGUAGE_CODE = language

    def source_url(self) -> str:
        """The public page the records are listed on: `source_index`'s page in the reader's
        language (a subclass without one says its own)."""
        index = self.source_index.objects.live().in_language().first()
        return index.get_url(request=self.request._request) if index else reverse("api-root")

    def filter_years(self):
        return ()

    def filter_form(self):
        """The request's filters, checked: an unknown value is a 400 that names it."""
        if self.filter_form_class is None or self.action != "list":
            return None
        try:
            form, _params = bound_filter_form(
                self.filter_form_class, self.request.query_params, years=self.filter_years()
            )
        except UnreadableFilter:
            raise ValidationError(_("A filter's value holds a character no record has.")) from None
        if not form.is_valid():
            raise ValidationError(form.errors)
        return form

    def filter_queryset(self, queryset):
        form = self.filter_form()
        if form is None:
            return queryset
        self._filters = [(label, value) for _name, label, value in chosen_filters(form)]
        return form.filter(queryset)

    def about(self, request) -> dict:
        return provenance(
            request._request,
            str(self.title),
            self.source_url(),
            filters=getattr(self, "_filters", ()),
            complete_note=self.complete_note,
        )


class OpenDataRoot(APIRootView):
    """/api/v1/: what the API holds, and the schema that describes it."""

    authentication_classes = []
    throttle_classes = [OpenDataThrottle]
    renderer_classes = [JSONRenderer]

    def get(self, request, *args, **kwargs):
        links = super().get(request, *args, **kwargs).data
        about = provenance(
            request._request,
            str(_("Open data")),
            request.path,
            complete_note=_("The site's open data: cases, impunity figures, joint statements."),
        )
        schema = request.build_absolute_uri(reverse("api-schema"))
        return Response({"about": about, **links, "schema": schema})


class OpenDataRouter(DefaultRouter):
    APIRootView = OpenDataRoot


class OpenDataSchema(SpectacularAPIView):
    """The OpenAPI description of /api/v1/ (JSON with ?format=json, else YAML)."""

    authentication_classes = []
    throttle_classes = [OpenDataThrottle]

    def get_renderers(self):
        """A refused write is answered in JSON like the rest of the API, not as a schema."""
        if self.request.method not in ("GET", "HEAD"):
            return [JSONRenderer()]
        return super().get_renderers()
