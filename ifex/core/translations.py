"""Translations are worked on by the same people, under the same rules, as their source: a page
made as a translation (by wagtail-localize, or Wagtail's copy for translation, with any parents
it needs) gets its source's group permissions and its review workflow. Without this, a French
statement index would let no editor add to it, and a translated statement would skip review."""

from django.db.models.signals import post_save
from wagtail.models import GroupPagePermission, Page, WorkflowPage


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


def connect():
    post_save.connect(share_rules_with_translation, dispatch_uid="share_rules_with_translation")
