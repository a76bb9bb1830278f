"""Every publish of a figure goes into the public record (FigurePublication).

Recorded from Wagtail's own publish log entry (by hand or scheduled), which carries the moment,
the person and the revision that went live; Wagtail's `published` signal knows no user and also
fires when a publish is only scheduled.
"""

from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail_localize.fields import copy_synchronised_fields

from .models import FigurePublication, ImpunityFigure

PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")

# While a figure's translations are published with it: the moment of the source's publish, so
# each language's record has the same moment and a correction finds its rows in every language.
published_with_source: ContextVar = ContextVar("published_with_source", default=None)


def record_publication(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.action not in PUBLISH_ACTIONS or not instance.revision_id:
        return
    # Every admin action writes a log entry: tell figures apart without a query (cached types).
    if ContentType.objects.get_for_id(instance.content_type_id).model_class() is not ImpunityFigure:
        return
    figure = instance.revision.as_object()
    moment = published_with_source.get() or instance.timestamp
    FigurePublication.record(figure, moment, instance.user)
    if figure.locale.language_code == settings.LANGUAGE_CODE:
        token = published_with_source.set(moment)
        try:
            publish_with_translations(figure, instance.user)
        finally:
            published_with_source.reset(token)


def publish_with_translations(figure, user):
    """A figure has one value in every language: publishing it in English publishes its live
    translations with the same value, date, kind and source link (the fields wagtail-localize
    keeps in step), each in its own words. A translation not yet published is left alone."""
    translations = ImpunityFigure.objects.filter(translation_key=figure.translation_key, live=True)
    for translation in translations.exclude(pk=figure.pk):
        copy_synchronised_fields(figure, translation)
        translation.save_revision(user=user).publish(user=user)


def cases_changed(sender, instance=None, **kwargs):
    transaction.on_commit(record_changed_case_figures)


def record_changed_case_figures():
    """A figure computed from the cases changes when a case is published or unpublished, made
    private or public again (itself or a section above it), or moved: its public record gets
    the new value, as if staff had published it (by no one), so the record holds every value
    readers saw. Any change of privacy or place asks; only a changed value is written."""
    now = timezone.now()
    for figure in ImpunityFigure.objects.filter(kind=ImpunityFigure.Kind.CASES, live=True):
        last = FigurePublication.objects.filter(figure=figure).order_by("published_at", "pk").last()
        now_shown = (figure.current_value, figure.current_out_of)
        if last is None or (last.value, last.out_of) != now_shown:
            FigurePublication.record(figure, now)


def connect():
    from cases.importing import cases_imported
    from cases.models import CasePage

    post_save.connect(record_publication, sender=ModelLogEntry, dispatch_uid="figure_record")
    page_published.connect(cases_changed, sender=CasePage, dispatch_uid="figures_case_published")
    page_unpublished.connect(
        cases_changed, sender=CasePage, dispatch_uid="figures_case_unpublished"
    )
    # Privacy is set on a case or on any page above it: every change may change what counts.
    for signal in (post_save, post_delete):
        signal.connect(cases_changed, sender=PageViewRestriction, dispatch_uid="figures_privacy")
    post_page_move.connect(cases_changed, dispatch_uid="figures_case_moved")
    # Sent once the import committed: its record is written now.
    cases_imported.connect(
        lambda sender, **kwargs: record_changed_case_figures(),
        sender=CasePage,
        weak=False,
        dispatch_uid="figures_cases_imported",
    )
