"""The open-data API's addresses (/api/v1/), each app's records under it. Its own URL module so
that the OpenAPI schema describes this API alone, not the admin's internal one
(`ifex/core/api_schema.py`)."""

from django.urls import include, path

from articles.api import StatementViewSet
from campaigns.api import FigureViewSet, PublicationViewSet
from cases.api import CaseViewSet
from ifex.core.api import OpenDataRouter, OpenDataSchema

router = OpenDataRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("cases", CaseViewSet, basename="api-case")
router.register("figures", FigureViewSet, basename="api-figure")
router.register("figure-publications", PublicationViewSet, basename="api-publication")
router.register("statements", StatementViewSet, basename="api-statement")

urlpatterns = [
    path("api/v1/schema/", OpenDataSchema.as_view(), name="api-schema"),
    path("api/v1/", include(router.urls)),
]
