from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ImpunityFigure


class ImpunityFigureViewSet(SnippetViewSet):
    model = ImpunityFigure
    icon = "table"
    menu_label = _("Impunity figures")
    menu_order = 200
    add_to_admin_menu = True
    list_display = [
        "name",
        Column("display_value", label=_("Value")),
        "as_of",
        LiveStatusTagColumn(),
        UpdatedAtColumn(),
    ]
    search_fields = ["name", "sentence"]


register_snippet(ImpunityFigureViewSet)
