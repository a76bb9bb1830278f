"""Charts of the cases: one row per bar, its label written as text (it wraps, never clipped,
whatever its length or language), the bar drawn as SVG beside it, its number after it; a list
screen readers read as "Mexico, 3", and the full table of the numbers under each. With many
countries, the largest are drawn and the rest summed as "others"; the table keeps every one.
Right to left, the page's direction lays the row out, and the stylesheet turns the bar round.
No script, no inline style: the site's Content-Security-Policy stays as strict as it is."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F
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
    """One chart of `cases` (a queryset of case pages): by year, country or status."""
    [chart] = case_charts(cases, [key])
    return chart


def case_charts(cases, keys=tuple(CHARTS)) -> list[Chart]:
    """The charts `keys` of `cases`, from one query. A case translated into other languages
    counts once."""
    counted = counted_by(cases, keys)
    charts = []
    for key in keys:
        title = str(CHARTS[key])
        if key == "year":
            rows = [(str(year), n) for (year,), n in sorted(counted[key].items())]
            charts.append(Chart(key=key, title=title, rows=rows))
        elif key == "country":
            rows = [(name_in_readers_language(country), n) for country, n in counted[key].items()]
            # The largest first; equals by name, so that the same cases draw the same chart.
            rows.sort(key=lambda row: (-row[1], row[0]))
            charts.append(Chart(key=key, title=title, rows=rows, fold_after=LARGEST_SHOWN))
        else:
            by_status = {value: n for (value,), n in counted[key].items()}
            rows = [(str(label), by_status.get(value, 0)) for value, label in Status.choices]
            charts.append(Chart(key=key, title=title, rows=rows))
    return charts


# What each chart counts by: the columns of its group (a country with what names it).
GROUPED_BY = {
    "year": {"year": ExtractYear("attacked_on")},
    "country": {
        "country_id": F("country_id"),
        "country_name": F("country__name"),
        "country_locale_id": F("country__locale_id"),
        "country_translation_key": F("country__translation_key"),
    },
    "status": {"status": F("status")},
}


def counted_by(cases, keys) -> dict[str, dict]:
    """{key: {group: cases}} for each chart of `keys`, in one query (GROUPING SETS): each
    chart read the listing again, and at 20,000 cases each took 40 ms. A country's group is
    the country itself, named as `name_in_readers_language` reads it, without a query."""
    from ifex.core.models import Country

    counted = {key: {} for key in keys}
    columns = {f"{key}_{name}": value for key in keys for name, value in GROUPED_BY[key].items()}
    listed = cases.order_by().values(case_key=F("translation_key"), **columns)
    try:
        sql, params = listed.query.sql_with_params()
    except EmptyResultSet:
        return counted
    quote = connection.ops.quote_name
    sets = ", ".join(
        "({})".format(", ".join(quote(f"{key}_{name}") for name in GROUPED_BY[key])) for key in keys
    )
    shown = ", ".join(quote(column) for column in columns)
    query = (
        f"SELECT {shown}, GROUPING({shown}), COUNT(DISTINCT case_key) FROM ({sql}) AS listed "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    # GROUPING() sets a bit for each column left out of a row's group, the last column first.
    names = list(columns)
    for row in found:
        values, left_out, n = row[: len(names)], row[len(names)], row[-1]
        grouped = {
            column: value
            for position, (column, value) in enumerate(zip(names, values, strict=True))
            if not left_out & (1 << (len(names) - 1 - position))
        }
        key = next(key for key in keys if next(iter(grouped)).startswith(f"{key}_"))
        group = tuple(grouped.values())
        if key == "country":
            pk, name, locale_id, translation_key = group
            group = Country(id=pk, name=name, locale_id=locale_id, translation_key=translation_key)
        counted[key][group] = n
    return counted
