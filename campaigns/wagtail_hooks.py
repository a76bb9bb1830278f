from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ImpunityFigure


class NeedsCheckingColumn(Column):
    """Words, not a tick: a green tick on a stale figure read as "all good"."""

    def get_value(self, instance):
        return _("Yes: check the source") if instance.is_stale else _("No")


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
        NeedsCheckingColumn("is_stale", label=_("Needs checking")),
        LiveStatusTagColumn(),
        UpdatedAtColumn(),
    ]
    search_fields = ["name", "sentence"]


register_snippet(ImpunityFigureViewSet)


class StaleFiguresPanel(Component):
    """On the admin dashboard: figures whose date is old enough that the source needs checking."""

    name = "stale_figures"
    order = 50
    template_name = "campaigns/admin/stale_figures_panel.html"

    def __init__(self, figures):
        self.figures = figures

    def get_context_data(self, parent_context=None):
        return {"figures": self.figures, "viewset": ImpunityFigureViewSet}


@hooks.register("construct_homepage_panels")
def add_stale_figures_panel(request, panels):
    if not request.user.has_perm("campaigns.change_impunityfigure"):
        return
    figures = list(ImpunityFigure.objects.stale().order_by("as_of"))
    if figures:
        panels.append(StaleFiguresPanel(figures))
