from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CountryNameMapping


class CountryNameMappingViewSet(SnippetViewSet):
    """Country names in an export that staff mapped once to one of the site's countries."""

    model = CountryNameMapping
    icon = "site"
    menu_label = _("Country names in exports")
    list_display = ["name", "source", "country"]
    add_to_admin_menu = False


register_snippet(CountryNameMappingViewSet)
