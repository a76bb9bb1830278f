from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ifex.core"
    label = "core"
    verbose_name = _("Site core")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
        from .search import register_search_type

        register_search_type("organisations", _("Organisations"), "core.Organisation")
