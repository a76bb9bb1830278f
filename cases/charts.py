"""Charts of the cases: one row per bar, its label written as text (it wraps, never clipped,
whatever its length or language), the bar drawn as SVG beside it, its number after it; a list
screen readers read as "Mexico, 3", and the full table of the numbers under each. With many
countries, the largest are drawn and the rest summed as "others"; the table keeps every one.
Right to left, the page's direction lays the row out, and the stylesheet turns the bar round.
No script, no inline style: the site's Content-Security-Policy stays as strict as it is."""

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ifex.core.languages import name_in_readers_language

from .choices import Status

# A chart of countries draws this many bars, then one for all the others.
LARGEST_SHOWN = 10


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    length: str  # in hundredths of the longest bar, as SVG reads a number whatever the language
    others: bool = False


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    rows: list[tuple[str, int]]  # every row, as the table shows them
    fold_after: int | None = None  # the rows drawn before the rest are summed as "others"

    @property
    def bars(self) -> list[Bar]:
        drawn = [(label, count, False) for label, count in self.rows]
        if self.fold_after is not None and len(self.rows) > self.fold_after + 1:
            rest = self.rows[self.fold_after :]
            others = ngettext(
                "The %(count)s other country", "The %(count)s other countries", len(rest)
            ) % {"count": len(rest)}
            drawn = [*drawn[: self.fold_after], (others, sum(n for _l, n in rest), True)]
        longest = max((count for _label, count, _others in drawn), default=0) or 1
        return [
            Bar(label, count, f"{100 * count / longest:.2f}", others)
            for label, count, others in drawn
        ]

    @property
    def folded(self) -> bool:
        return any(bar.others for bar in self.bars)


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
        # The largest first; equals by name, so that the same cases draw the same chart.
        rows.sort(key=lambda row: (-row[1], row[0]))
        return Chart(key=key, title=str(CHARTS[key]), rows=rows, fold_after=LARGEST_SHOWN)
    else:
        counted = dict(cases.values_list("status").annotate(n=one_per_case))
        rows = [(str(label), counted.get(value, 0)) for value, label in Status.choices]
    return Chart(key=key, title=str(CHARTS[key]), rows=rows)
