"""The public record of each impunity figure: every value it was published with, and when.

Read from the site's own table (FigurePublication), written on every publish: a figure that is
unpublished or deleted stays on the record, shown as retired.
"""

from dataclasses import dataclass, field

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
    """Live figures first, then retired ones; each with its publications, oldest first.
    Two queries, however long the record."""
    live = {figure.pk: figure for figure in ImpunityFigure.objects.filter(live=True)}
    histories: dict[object, FigureHistory] = {}
    for publication in FigurePublication.objects.order_by("published_at", "pk"):
        key = publication.figure_id or ("deleted", publication.figure_name)
        if key not in histories:
            histories[key] = FigureHistory(live.get(publication.figure_id))
        histories[key].publications.append(publication)
    return sorted(
        histories.values(),
        key=lambda history: (history.retired, history.publications[0].published_at),
    )
