"""The cases in the admin: a listing staff search by the person's name, withheld or not; a
word to staff when withholding a name took old addresses down; the country names of exports;
importing an export."""

from django.contrib import messages
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.search import SearchArea
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permission_policies.base import BaseDjangoAuthPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, withheld
from .mapping_forms import COLUMN_FIELDS, ColumnMappingForm
from .models import CaseImport, CasePage, ColumnMapping, CountryNameMapping


class CaseListingView(IndexView):
    """Searched in the database, not in the search index: the index is what readers' search
    reads, and a withheld name is never put there."""

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            queryset = queryset.filter(
                Q(title__unaccent__icontains=word) | Q(person_name__unaccent__icontains=word)
            )
        return queryset if self.is_explicitly_ordered else queryset.order_by("title", "pk")


class CaseListingViewSet(PageListingViewSet):
    model = CasePage
    index_view_class = CaseListingView
    icon = "folder-inverse"
    menu_label = _("Cases")
    menu_order = 150
    add_to_admin_menu = True
    name = "case_listing"


case_listing = CaseListingViewSet()


@hooks.register("register_admin_viewset")
def register_case_listing():
    return case_listing


class CaseSearchArea(SearchArea):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_admin_search_area")
def register_case_search_area():
    # The admin's search finds pages by the search index: cases are also found by the name.
    return CaseSearchArea(
        _("Cases, by the person's name"),
        reverse(case_listing.get_url_name("index")),
        icon_name="folder-inverse",
        order=150,
    )


@hooks.register("before_edit_page")
def note_addresses_removed_from_here(request, page):
    withheld.start_collecting_removed_addresses()


@hooks.register("after_edit_page")
def tell_staff_about_removed_addresses(request, page):
    removed = withheld.collected_removed_addresses()
    if removed:
        messages.warning(
            request,
            ngettext(
                "The name is withheld: the old address %(addresses)s no longer leads to this case.",
                "The name is withheld: the old addresses %(addresses)s no longer lead to this "
                "case.",
                len(removed),
            )
            % {"addresses": ", ".join(removed)},
        )


class CountryNameMappingViewSet(SnippetViewSet):
    """Country names in an export that staff mapped once to one of the site's countries."""

    model = CountryNameMapping
    icon = "site"
    menu_label = _("Country names in exports")
    list_display = ["name", "source", "country"]
    add_to_admin_menu = False


register_snippet(CountryNameMappingViewSet)


class ImportersPolicy(BaseDjangoAuthPermissionPolicy):
    """Column mappings are kept by the staff who import cases. None is added here: a mapping
    is made from an uploaded file's header (Cases > Import cases), never typed."""

    def __init__(self, model):
        super().__init__(model, auth_model=CaseImport)

    def user_has_permission(self, user, action):
        return action != "add" and user.has_perm("cases.import_cases")

    def users_with_any_permission(self, actions):
        if not set(actions) - {"add"}:
            return self._get_users_with_any_permission_codenames([]).none()
        return self._get_users_with_any_permission_codenames(["import_cases"])


class ColumnMappingViewSet(SnippetViewSet):
    model = ColumnMapping
    icon = "table"
    menu_label = _("Column mappings")
    list_display = ["name", "source_name"]
    add_to_admin_menu = False
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ["name", "source_name", "source_url", *COLUMN_FIELDS]],
        base_form_class=ColumnMappingForm,
    )


register_permission_policy(ColumnMapping, ImportersPolicy(ColumnMapping))
register_snippet(ColumnMappingViewSet)


@hooks.register("register_admin_urls")
def case_import_urls():
    return [
        path("cases/import/", admin_views.upload, name="cases_import"),
        path("cases/import/<int:import_id>/", admin_views.review, name="cases_import_review"),
        path(
            "cases/import/<int:import_id>/cancel/",
            admin_views.cancel,
            name="cases_import_cancel",
        ),
        path(
            "cases/import/<int:import_id>/columns/",
            admin_views.map_columns,
            name="cases_import_map",
        ),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("cases.import_cases")


@hooks.register("register_admin_menu_item")
def case_import_menu_item():
    return ImportMenuItem(_("Import cases"), reverse("cases_import"), icon_name="upload", order=350)
