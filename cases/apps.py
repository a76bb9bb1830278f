from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.signals import page_published

        from ifex.core import public_text
        from ifex.core.concerns import register_concern
        from ifex.core.page_cache import model_version_key
        from ifex.core.search import register_search_type
        from ifex.core.site_wide import read_with_the_site

        from . import withheld
        from .models import CasePage, cases_concerning, unpublish_hidden_case

        page_published.connect(unpublish_hidden_case, sender=CasePage)
        post_save.connect(withheld.case_saved, sender=CasePage)
        post_delete.connect(withheld.case_deleted, sender=CasePage)
        post_save.connect(withheld.redirect_saved, sender=Redirect)
        read_with_the_site(
            withheld.WITHHELD_NAMES_KEY,
            [model_version_key(CasePage)],
            withheld.withheld_name_rows,
            withheld.names_from_rows,
        )

        register_search_type("cases", _("Cases"), "cases.CasePage")
        register_concern(_("Cases this concerns"), cases_concerning)
        # A withheld name stays out of every page about the person, not only the case's own.
        public_text.register(
            check=withheld.refuse_names_in_page,
            view=withheld.reader_view,
            key=withheld.reader_view_key,
        )
