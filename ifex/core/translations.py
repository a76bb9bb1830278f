"""Translations are worked on by the same people, under the same rules, as their source: a page
made as a translation (by wagtail-localize, or Wagtail's copy for translation, with any parents
it needs) gets its source's group permissions and its review workflow. Without this, a French
statement index would let no editor add to it, and a translated statement would skip review.

What is pulled in the source language (English) leaves every language: unpublishing a page or a
snippet (an impunity figure) unpublishes its live translations, and the privacy set on a page is
set on its translations. Putting back is not passed on: an English page published again, or made
public again, leaves each translation as it is until staff publish or open it.

wagtail-localize's own views ask only for the right to translate at all: here they also ask for
the right to edit what is translated, and to publish what a sync would publish."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from wagtail.models import (
    GroupPagePermission,
    Page,
    PageViewRestriction,
    TranslatableMixin,
    WorkflowPage,
)
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.signals import page_unpublished, unpublished
from wagtail.snippets.permissions import get_permission_name
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params
from wagtail_localize.models import TranslationSource
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView,
    SubmitSnippetTranslationView,
)
from wagtail_localize.views.update_translations import UpdateTranslationsView


def share_rules_with_translation(sender, instance, created, raw=False, **kwargs):
    if raw or not created or not isinstance(instance, Page) or instance.is_root():
        return
    source = (
        Page.objects.filter(translation_key=instance.translation_key)
        .exclude(pk=instance.pk)
        .order_by("pk")
        .first()
    )
    if source is None:
        return
    for grant in GroupPagePermission.objects.filter(page=source):
        GroupPagePermission.objects.get_or_create(
            page=instance, group_id=grant.group_id, permission_id=grant.permission_id
        )
    for assigned in WorkflowPage.objects.filter(page=source):
        WorkflowPage.objects.get_or_create(page=instance, defaults={"workflow": assigned.workflow})


def in_source_language(instance) -> bool:
    return (
        isinstance(instance, TranslatableMixin)
        and instance.locale.language_code == settings.LANGUAGE_CODE
    )


def unpublish_translations(sender, instance, **kwargs):
    """Unpublished in English, by hand or on its expiry date: so are its live translations (each
    sends this signal again, and stops here, not being in the source language)."""
    if not in_source_language(instance):
        return
    for translation in instance.get_translations().filter(live=True):
        translation.unpublish()


def restriction_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        give_translations_the_privacy_of(instance.page)


def restriction_groups_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        give_translations_the_privacy_of(instance.page)


def give_translations_the_privacy_of(page):
    """The translations of an English page get exactly its view restrictions (type, password,
    groups). Called on each save of a restriction and each change of its groups; a restriction
    removed is not passed on (see the module's note)."""
    if not in_source_language(page):
        return
    restrictions = list(PageViewRestriction.objects.filter(page=page).prefetch_related("groups"))
    translations = Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk)
    with transaction.atomic():
        for translation in translations:
            PageViewRestriction.objects.filter(page=translation).delete()
            for restriction in restrictions:
                copy = PageViewRestriction.objects.create(
                    page=translation,
                    restriction_type=restriction.restriction_type,
                    password=restriction.password,
                )
                copy.groups.set(restriction.groups.all())


def connect():
    post_save.connect(share_rules_with_translation, dispatch_uid="share_rules_with_translation")
    page_unpublished.connect(unpublish_translations, dispatch_uid="unpublish_page_translations")
    unpublished.connect(unpublish_translations, dispatch_uid="unpublish_snippet_translations")
    post_save.connect(
        restriction_saved, sender=PageViewRestriction, dispatch_uid="privacy_of_translations"
    )
    m2m_changed.connect(
        restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="privacy_groups_of_translations",
    )


def may_edit(user, instance) -> bool:
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    return user.has_perm(get_permission_name("change", type(instance)))


def may_publish(user, instance) -> bool:
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_publish()
    return user.has_perm(get_permission_name("publish", type(instance)))


class SubmitPageTranslation(SubmitPageTranslationView):
    """wagtail-localize's "Translate this page", for those who may edit the page (and, with
    its subpages, each of them): it asks only for the right to translate at all."""

    def dispatch(self, request, *args, **kwargs):
        page = get_object_or_404(Page, id=kwargs["page_id"]).specific
        if not may_edit(request.user, page):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if form.cleaned_data["include_subtree"]:
            editable = PagePermissionPolicy().instances_user_has_permission_for(
                self.request.user, "change"
            )
            below = Page.objects.descendant_of(self.object)
            if below.exclude(pk__in=editable.values("pk")).exists():
                messages.error(
                    self.request,
                    _("You may not edit some of its subpages: translate those you may one by one."),
                )
                return self.render_to_response(self.get_context_data())
        return super().form_valid(form)


class SubmitSnippetTranslation(SubmitSnippetTranslationView):
    def dispatch(self, request, *args, **kwargs):
        model = get_snippet_model_from_url_params(kwargs["app_label"], kwargs["model_name"])
        if not request.user.has_perm(get_permission_name("change", model)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UpdateTranslations(UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages": for those who may edit the source; and
    "Publish immediately" only for those who may publish every translation (a French statement
    goes through review, as the English one does)."""

    def dispatch(self, request, *args, **kwargs):
        source = get_object_or_404(TranslationSource, id=kwargs["translation_source_id"])
        if not may_edit(request.user, source.get_source_instance()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if form.cleaned_data["publish_translations"]:
            translations = self.object.translations.filter(enabled=True)
            for translation in translations.select_related("target_locale"):
                target = translation.get_target_instance()
                if not may_publish(self.request.user, target):
                    messages.error(
                        self.request,
                        _(
                            "You may not publish the %(language)s translation: update it "
                            "as a draft, then submit it for review."
                        )
                        % {"language": translation.target_locale.get_display_name()},
                    )
                    return self.render_to_response(self.get_context_data())
        return super().form_valid(form)
