from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, LocaleColumn, UpdatedAtColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import FigurePublication, ImpunityFigure


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
        LocaleColumn(label=_("Language")),  # each figure has a row per language
        LiveStatusTagColumn(),
        UpdatedAtColumn(),
    ]
    search_fields = ["name", "sentence"]


register_snippet(ImpunityFigureViewSet)


class RecordPermissionPolicy(ModelPermissionPolicy):
    """The public record only grows: no one adds a row by hand or deletes one, superusers too.
    Rows are written on publish; staff with the right may add a correction note."""

    FORBIDDEN = {"add", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.FORBIDDEN and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class FigurePublicationViewSet(SnippetViewSet):
    model = FigurePublication
    icon = "history"
    menu_label = _("Public record of figures")
    menu_order = 201
    add_to_admin_menu = True
    list_display = [
        "figure_name",
        Column("language", label=_("Language")),
        Column("display_value", label=_("Value")),
        "as_of",
        "published_at",
        "correction_note",
    ]
    list_filter = ["figure_name", "language"]
    ordering = ["-published_at", "-pk"]


register_permission_policy(FigurePublication, RecordPermissionPolicy(FigurePublication))
register_snippet(FigurePublicationViewSet)


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
