from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.rich_text.editors.draftail.features import Feature
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import translations, two_factor_views
from .choosers import OncePerThingChooserViewSet
from .models import Country, Organisation, Region, Topic
from .new_pages import autosave_waits_for_a_title
from .review import after_review_in_editor
from .two_factor import require_2fa_permission


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "country", "is_member"]
    list_filter = ["is_member", "country__region"]
    search_fields = ["name"]
    ordering = ["name"]


class CountryViewSet(SnippetViewSet):
    model = Country
    chooser_viewset_class = OncePerThingChooserViewSet
    icon = "site"
    list_display = ["name", "iso_code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "iso_code"]


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    list_display = ["name", "slug"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    chooser_viewset_class = OncePerThingChooserViewSet
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (OrganisationViewSet, CountryViewSet, RegionViewSet, TopicViewSet)


register_snippet(DirectoryViewSetGroup)


@hooks.register("register_admin_urls", order=-1)
def translation_urls_with_rights():
    """Before wagtail-localize's own, at the same addresses: translating asks for the right to
    edit what is translated (ifex/core/translations.py)."""
    return [
        path(
            "localize/submit/page/<int:page_id>/",
            translations.SubmitPageTranslation.as_view(),
            name="translate_page_with_rights",
        ),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            translations.SubmitSnippetTranslation.as_view(),
            name="translate_snippet_with_rights",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            translations.UpdateTranslations.as_view(),
            name="update_translations_with_rights",
        ),
    ]


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", two_factor_views.setup, name="two_factor_setup"),
        path("two-factor/code/", two_factor_views.verify, name="two_factor_verify"),
        path("two-factor/enrol/<str:token>/", two_factor_views.enrol, name="two_factor_enrol"),
    ]


@hooks.register("register_permissions")
def two_factor_permission():
    return require_2fa_permission()


@hooks.register("register_account_menu_item")
def two_factor_account_link(request):
    return {
        "url": reverse("two_factor_setup"),
        "label": _("Two-factor sign-in"),
        "help_text": _("Ask for a code from an authenticator app at every sign-in."),
    }


hooks.register("after_edit_page", after_review_in_editor)
hooks.register("before_create_page", autosave_waits_for_a_title)


@hooks.register("insert_editor_js")
def keep_typed_text():
    return format_html('<script src="{}"></script>', static("js/admin/keep-typed-text.js"))


class AccessibleNameFeature(Feature):
    """Wagtail's rich text area in a block has no name for screen readers (axe:
    aria-input-field-name); Draftail's own ariaLabel option gives it one."""

    def construct_options(self, options):
        options["ariaLabel"] = str(_("Rich text"))


@hooks.register("register_rich_text_features")
def accessible_rich_text_name(features):
    features.register_editor_plugin("draftail", "named", AccessibleNameFeature())


@hooks.register("register_admin_viewset")
def subscriptions():
    from .subscription_admin import SubscriptionsGroup

    return SubscriptionsGroup()
