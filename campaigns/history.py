"""The public record of each impunity figure: every value it was published with, and when.

Read from the site's own table (FigurePublication), written on every publish: a figure that is
unpublished or deleted stays on the record, shown as retired.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from .models import FigurePublication, ImpunityFigure


@dataclass
class FigureHistory:
    figure: ImpunityFigure | None  # the live figure; None once it is retired
    publications: list[FigurePublication] = field(default_factory=list)

    @property
    def retired(self) -> bool:
        return self.figure is None

    @property
    def latest(self) -> FigurePublication:
        return self.publications[-1]

    @property
    def anchor(self) -> str:
        return f"figure-{self.latest.figure_id or 'retired-' + str(self.publications[0].pk)}"


def published_figures_history() -> list[FigureHistory]:
    """Live figures first, then retired ones; each with its publications, oldest first, in the
    reader's language. Two queries, however long the record."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    figures = ImpunityFigure.objects.filter(live=True, locale__language_code=language)
    live = {figure.pk: figure for figure in figures}
    histories: dict[object, FigureHistory] = {}
    record = FigurePublication.objects.filter(language=language)
    for publication in record.order_by("published_at", "pk"):
        key = publication.figure_id or ("deleted", publication.figure_name)
        if key not in histories:
            histories[key] = FigureHistory(live.get(publication.figure_id))
        histories[key].publications.append(publication)
    return sorted(
        histories.values(),
        key=lambda history: (history.retired, history.publications[0].published_at),
    )
