"""The public record of each impunity figure: every value it was published with, and when."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from .models import ImpunityFigure

PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")


@dataclass
class FigureHistory:
    figure: ImpunityFigure
    publications: list[tuple[datetime, ImpunityFigure]] = field(default_factory=list)


def published_figures_history() -> list[FigureHistory]:
    """Each live figure with its published versions, oldest first, in two queries."""
    figures = list(ImpunityFigure.objects.filter(live=True).order_by("pk"))
    histories = {str(figure.pk): FigureHistory(figure) for figure in figures}
    entries = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ImpunityFigure),
            object_id__in=histories,
            action__in=PUBLISH_ACTIONS,
            revision__isnull=False,
        )
        .select_related("revision")
        .order_by("timestamp", "pk")
    )
    for entry in entries:
        histories[entry.object_id].publications.append(
            (entry.timestamp, entry.revision.as_object())
        )
    return list(histories.values())
