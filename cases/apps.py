from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from ifex.core.concerns import register_concern
        from ifex.core.search import register_search_type

        from .models import cases_concerning

        register_search_type("cases", _("Cases"), "cases.CasePage")
        register_concern(_("Cases this concerns"), cases_concerning)
