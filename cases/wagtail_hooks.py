from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import CountryNameMapping


class CountryNameMappingViewSet(SnippetViewSet):
    """Country names in an export that staff mapped once to one of the site's countries."""

    model = CountryNameMapping
    icon = "site"
    menu_label = _("Country names in exports")
    list_display = ["name", "source", "country"]
    add_to_admin_menu = False


register_snippet(CountryNameMappingViewSet)


@hooks.register("register_admin_urls")
def case_import_urls():
    return [
        path("cases/import/", admin_views.upload, name="cases_import"),
        path("cases/import/<int:import_id>/", admin_views.review, name="cases_import_review"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("cases.import_cases")


@hooks.register("register_admin_menu_item")
def case_import_menu_item():
    return ImportMenuItem(_("Import cases"), reverse("cases_import"), icon_name="upload", order=350)
