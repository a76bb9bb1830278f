"""The OpenAPI schema's generator, in a module of its own: drf-spectacular imports it from its
settings while its views are being imported."""

from drf_spectacular.generators import SchemaGenerator


class OpenDataSchemaGenerator(SchemaGenerator):
    """The schema of the open-data API alone (ifex/api_urls.py), wherever it is generated: the
    view, `manage.py spectacular`, and the deploy check, which then proves it generates cleanly
    (the admin's own internal API is not described)."""

    def __init__(self, *args, urlconf=None, **kwargs):
        super().__init__(*args, urlconf=urlconf or "ifex.api_urls", **kwargs)
