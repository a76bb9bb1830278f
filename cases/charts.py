"""Charts of the cases, drawn on the server as SVG: bars with their numbers written beside, a
title screen readers announce, and a table of the same numbers under each. No script, so the
site's Content-Security-Policy stays as strict as it is."""

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ifex.core.languages import name_in_readers_language

from .choices import Status

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_SPACE, WIDTH = 22, 8, 250, 300, 600


@dataclass(frozen=True)
class Bar:
    """One bar, its label on the side text starts from and its number past its end: labels on
    the left and bars growing rightwards, mirrored in a right-to-left language. The text
    anchors stay as they are: SVG reads "start" and "end" in the page's direction."""

    label: str
    count: int
    y: int
    width: int
    rtl: bool = False

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 6

    @property
    def x(self) -> int:
        return WIDTH - LABEL_WIDTH - self.width if self.rtl else LABEL_WIDTH

    @property
    def label_x(self) -> int:
        return WIDTH - LABEL_WIDTH + 8 if self.rtl else LABEL_WIDTH - 8

    @property
    def count_x(self) -> int:
        return self.x - 6 if self.rtl else LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    rows: list[tuple[str, int]]
    rtl: bool = False

    @property
    def bars(self) -> list[Bar]:
        largest = max((count for _label, count in self.rows), default=0) or 1
        return [
            Bar(
                label,
                count,
                index * (BAR_HEIGHT + GAP),
                round(BAR_SPACE * count / largest),
                self.rtl,
            )
            for index, (label, count) in enumerate(self.rows)
        ]

    @property
    def height(self) -> int:
        return max(len(self.rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT)

    bar_height = BAR_HEIGHT
    width = WIDTH


CHARTS = {
    "year": _("Cases by year of the attack"),
    "country": _("Cases by country"),
    "status": _("Cases by judicial status"),
}


def case_chart(cases, key: str) -> Chart:
    """One chart of `cases` (a queryset of case pages): by year, country or status. A case
    translated into other languages counts once."""
    from ifex.core.models import Country

    cases = cases.order_by()  # grouped by the chart's key alone, not by the listing's order
    one_per_case = Count("translation_key", distinct=True)
    if key == "year":
        by_year = cases.annotate(year=ExtractYear("attacked_on")).values("year")
        counted = by_year.annotate(n=one_per_case).order_by("year")
        rows = [(str(row["year"]), row["n"]) for row in counted]
    elif key == "country":
        counted = list(cases.values("country").annotate(n=one_per_case).order_by("-n"))
        countries = Country.objects.in_bulk([row["country"] for row in counted])
        rows = [(name_in_readers_language(countries[row["country"]]), row["n"]) for row in counted]
    else:
        counted = dict(cases.values_list("status").annotate(n=one_per_case))
        rows = [(str(label), counted.get(value, 0)) for value, label in Status.choices]
    return Chart(key=key, title=str(CHARTS[key]), rows=rows, rtl=translation.get_language_bidi())
