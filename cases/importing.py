"""Importing a monitor's export of cases (CPJ's database of killed journalists and media workers):
every row read and checked, and the whole file compared with the site's cases, before anything is
written. The command and the admin both show this review, then write it.

Identity. CPJ's export has no id column, so a case is known by what identifies the person:
- its group: the name, the year and the country, as the export writes them (letter case and
  spacing aside);
- its key: the group with the employers, the place, the role, the employment and the type of
  death, then the row's rank among rows identical in all of these (1 for the first).
A row is the case with its key. Failing that, a row is the case of its group when exactly one
row and one case of that group are left unmatched: a record CPJ corrected (a place, an employer)
stays the same case. Two people with the same name, year and country (two "Maher", killed in
Baghdad in 2006, both media workers at Al-Shaabiya) stay two cases: their rows are identical, so
the rank tells them apart, and since identical rows are interchangeable, which of them is first
does not matter. If a later export drops one of them, the last is flagged as missing.
A case no longer in an export is flagged for staff to review; the importer never deletes one.

Withheld names. A person whose name staff withheld must not be named again by the next export.
A new row is "held" when it may be a withheld case of the same source: the case shares its year
and country and either an employer or the place, or a name close to the withheld one (each part
of the shorter name found as a whole word in the other, accents and hyphens folded: "Ndengi-
Kavula" is "Ndengi Kavula"), or it is the case that went missing in this same import (CPJ
corrected the name, so the record no longer matches); a close name with the year or the country
alone is held too (the name and the year corrected at once). A held row is written as a draft,
the name withheld, under the withheld case's neutral title, and the review says "held for
review: may be the withheld case #N": staff decide, nothing is published. For a withheld case
itself, a value from the source that would show the name (a place, an employer) is a conflict,
never written; the review never prints a withheld name.

History. The values each import wrote are kept (ImportedCase.imported_values). A field whose
value on the site differs from them was edited by staff: a new value from the source is then
reported as a conflict and not written. A new judicial status becomes a new dated status event,
sourced to the export; the earlier events stay.
"""

import csv
import datetime
import functools
import hashlib
import io
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pycountry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail.search.backends import get_search_backend

from ifex.core.models import Country
from ifex.core.page_cache import content_changed

from .aliases import alias_in_every_language
from .choices import DatePrecision, DeathType, Employment, Motive, Role, Status
from .countries import REGION_OF, iso_code_for, site_country
from .models import CaseIndexPage, CasePage, CaseStatusEvent, ImportedCase
from .sources import SOURCES, Source
from .withheld import PARTICLES, WithheldName, case_fields_carrying, fold, withheld_name_of

# The fields an import writes, in the order a review lists them.
FIELDS = (
    "person_name",
    "role",
    "employment",
    "employers",
    "attacked_on",
    "date_precision",
    "country",
    "locality",
    "type_of_death",
    "motive",
    "status",
    "source_url",
)
FIELD_LABELS = {
    "person_name": gettext_lazy("name"),
    "role": gettext_lazy("role"),
    "employment": gettext_lazy("employment"),
    "employers": gettext_lazy("employers"),
    "attacked_on": gettext_lazy("date of the attack"),
    "date_precision": gettext_lazy("the date is known to the"),
    "country": gettext_lazy("country"),
    "locality": gettext_lazy("place"),
    "type_of_death": gettext_lazy("type of death"),
    "motive": gettext_lazy("motive"),
    "status": gettext_lazy("status"),
    "source_url": gettext_lazy("source link"),
}
BATCH = 500
INDEX_BATCH = 2_000
# Sent once an import is written (after it commits): figures computed from the cases change
# without a publish of each case added.
cases_imported = Signal()


class ImportRefused(Exception):
    """The whole file cannot be read as this source's export: one clear sentence why."""


class RowRefused(Exception):
    """One row cannot be imported: one clear line why."""


@dataclass
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict  # field: text, as ImportedCase.imported_values keeps them
    group: str
    detail: str
    key: str = ""
    country_name: str = ""  # as the export writes it: the name of a country the site adds
    held_for: CasePage | None = None  # the withheld case this row may be


@dataclass
class Rejected:
    number: int
    reason: str


@dataclass
class FieldChange:
    field: str
    old: str
    new: str
    shows_withheld_name: bool = False  # a conflict: the value would name a withheld person

    @property
    def label(self) -> str:
        return str(FIELD_LABELS[self.field])

    @property
    def old_shown(self) -> str:
        return shown(self.field, self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.field, self.new)


# The fields whose values are codes: the review shows readers' words for them, in staff's
# language ("Full justice", not "full-justice").
VOCABULARIES = {
    "role": Role,
    "employment": Employment,
    "date_precision": DatePrecision,
    "type_of_death": DeathType,
    "motive": Motive,
    "status": Status,
}


def shown(field_name: str, value: str) -> str:
    if field_name in VOCABULARIES and value in VOCABULARIES[field_name].values:
        return str(VOCABULARIES[field_name](value).label)
    if field_name == "country" and value:
        country = Country.objects.filter(iso_code=value, locale=Locale.get_default()).first()
        return country.name if country else value
    return value


@dataclass
class Update:
    imported: ImportedCase
    row: Row
    changes: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    back_in_export: bool = False


@dataclass(frozen=True, slots=True)
class KnownCase:
    """What the review needs of each case the source's earlier exports made: little, as a
    newer export of the real record lists thousands (see `review`)."""

    pk: int
    case_id: int
    key: str
    group: str
    missing_from_export_on: datetime.date | None


@dataclass
class Review:
    """What importing a file would do. It holds the file, not its rows: the rows to write are
    read again from it (`rows`), so that the memory an import takes does not grow with the file.
    Updates (a case the file changes, or one with a conflict) are held whole."""

    source: Source
    exported_on: datetime.date
    data: bytes = b""
    read: object = None  # read(data): each row of the file in turn, or its rejection
    rows_read: int = 0
    new: list = field(default_factory=list)  # the new rows' numbers, in the file's order
    held: dict = field(default_factory=dict)  # new row's number: the withheld case it may be
    changed: list = field(default_factory=list)  # Update
    unchanged: int = 0
    # Unchanged cases whose import record needs more than the export's date: Update.
    unchanged_to_remember: list = field(default_factory=list)
    seen_again: list = field(default_factory=list)  # ImportedCase pks: a newer export's date
    rejected: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # KnownCase newly absent from the export

    def rows(self) -> Iterator[Row]:
        """The file's rows the review kept, read again."""
        return (row for row in self.read(self.data) if isinstance(row, Row))

    def counts(self) -> dict:
        return {
            "read": self.rows_read,
            "added": len(self.new),
            "held": len(self.held),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "conflicts": len(self.conflicts),
            "missing": len(self.missing),
        }

    @property
    def conflicts(self) -> list:
        updates = self.changed + self.unchanged_to_remember
        return [update for update in updates if update.conflicts]

    def summary_lines(self) -> list[str]:
        lines = [
            _("Rows read: %(n)s") % {"n": self.rows_read},
            _("Added: %(n)s") % {"n": len(self.new)},
            _("Changed: %(n)s") % {"n": len(self.changed)},
            _("Unchanged: %(n)s") % {"n": self.unchanged},
            _("Rejected: %(n)s") % {"n": len(self.rejected)},
            _("Held for review (drafts, name withheld): %(n)s") % {"n": len(self.held)},
        ]
        lines += [
            _("Row %(number)s rejected: %(reason)s") % {"number": r.number, "reason": r.reason}
            for r in self.rejected
        ]
        lines += [
            _("Row %(number)s held for review: may be the withheld case #%(case)s")
            % {"number": number, "case": case.pk}
            for number, case in sorted(self.held.items())
        ]
        conflicts = len(self.conflicts)
        lines.append(_("Conflicts with staff edits (not written): %(n)s") % {"n": conflicts})
        lines.append(
            _("Missing from this export, flagged for review: %(n)s") % {"n": len(self.missing)}
        )
        return lines

    def detail_lines(self) -> list[str]:
        """Each change and conflict, field by field."""
        lines = []
        for update in self.changed:
            name = case_label(update.imported.case)
            for change in update.changes:
                lines.append(
                    _("Row %(number)s, %(name)s: %(field)s “%(old)s” → “%(new)s”")
                    % {
                        "number": update.row.number,
                        "name": name,
                        "field": change.label,
                        "old": change.old_shown,
                        "new": change.new_shown,
                    }
                )
            if update.back_in_export:
                lines.append(
                    _("Row %(number)s, %(name)s: back in the export, no longer flagged")
                    % {"number": update.row.number, "name": name}
                )
        for update in self.conflicts:
            for conflict in update.conflicts:
                if conflict.shows_withheld_name:
                    lines.append(
                        _(
                            "Row %(number)s, %(name)s: %(field)s would show the withheld name: "
                            "not written"
                        )
                        % {
                            "number": update.row.number,
                            "name": case_label(update.imported.case),
                            "field": conflict.label,
                        }
                    )
                    continue
                lines.append(
                    _(
                        "Row %(number)s, %(name)s: %(field)s edited by staff (“%(old)s”); "
                        "the source now says “%(new)s”: not written"
                    )
                    % {
                        "number": update.row.number,
                        "name": case_label(update.imported.case),
                        "field": conflict.label,
                        "old": conflict.old_shown,
                        "new": conflict.new_shown,
                    }
                )
        for start in range(0, len(self.missing), BATCH):
            ids = [known.case_id for known in self.missing[start : start + BATCH]]
            cases = CasePage.objects.filter(pk__in=ids).only("person_name", "name_withheld")
            labels = {case.pk: case_label(case) for case in cases}
            lines += [
                _("%(name)s: not in this export, flagged for review") % {"name": labels[case_id]}
                for case_id in ids
            ]
        return lines


def case_label(case: CasePage) -> str:
    """How the review names a case: never by a withheld name (the review is kept and logged)."""
    if case.name_withheld:
        return _("withheld case #%(case)s") % {"case": case.pk}
    return case.person_name


# Reading CPJ's export ------------------------------------------------------------------------

CPJ_COLUMNS = (
    "year",
    "fullName",
    "gender",
    "type",
    "typeOfDeath",
    "employedAs",
    "organizations",
    "country",
    "location",
    "motiveConfirmed",
    "impunityMurder",
)
CPJ_ROLES = {"Journalist": Role.JOURNALIST, "Media Worker": Role.MEDIA_WORKER}
CPJ_MOTIVES = {
    "Confirmed": Motive.CONFIRMED,
    "Unconfirmed": Motive.UNCONFIRMED,
    "N/A": Motive.NOT_APPLICABLE,
}
# "N/A": CPJ classifies the type of death only when the motive is confirmed.
CPJ_DEATHS = {
    "Murder": DeathType.MURDER,
    "Crossfire": DeathType.CROSSFIRE,
    "Dangerous Assignment": DeathType.DANGEROUS_ASSIGNMENT,
    "Unknown": DeathType.UNKNOWN,
    "N/A": "",
    "": "",
}
CPJ_STATUSES = {
    "Complete Impunity": Status.COMPLETE_IMPUNITY,
    "Partial Impunity": Status.PARTIAL_JUSTICE,
    "Full Justice": Status.FULL_JUSTICE,
    "": Status.NOT_TRACKED,
}
CPJ_EMPLOYMENT = {"Staff": Employment.STAFF, "Freelance": Employment.FREELANCE, "": ""}


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def one_of(choices: dict, value: str, column: str):
    if value not in choices:
        raise RowRefused(
            _("“%(value)s” in %(column)s is not one of CPJ's values (%(known)s)")
            % {
                "value": value,
                "column": column,
                "known": ", ".join(f"“{known}”" for known in choices if known),
            }
        )
    return choices[value]


def country_code(name: str, country_codes, source_key: str = "") -> str:
    """The ISO code of a country named `name` in a file, or the row refused with what staff do.
    (CPJ's names need no source: its mappings are the site's first and only built-in one.)"""
    code = country_codes(name)
    if code is not None:
        return code
    if not source_key:
        raise RowRefused(
            _(
                "the country “%(name)s” is not a name this site can map to a country: staff "
                "map it once in Cases › Country names in exports"
            )
            % {"name": name}
        )
    raise RowRefused(
        _(
            "the country “%(name)s” is not a name this site can map to a country: staff "
            "map it once in Cases › Country names in exports, for the source “%(source)s”"
        )
        % {"name": name, "source": source_key}
    )


def cpj_row(cells: dict, today: datetime.date, country_codes) -> Row:
    cells = {column: (value or "").strip() for column, value in cells.items() if column}
    name = cells["fullName"]
    if not name:
        others = [value for column, value in cells.items() if value and column != "gender"]
        if not others and cells["gender"].isdigit():
            raise RowRefused(
                _("a summary row, not a person: empty but for the number %(number)s in gender")
                % {"number": cells["gender"]}
            )
        raise RowRefused(_("no name (fullName is empty)"))
    year = cells["year"]
    if not re.fullmatch(r"\d{4}", year) or not 1900 <= int(year) <= today.year:
        raise RowRefused(_("“%(year)s” in year is not a year") % {"year": year})
    country_name = cells["country"]
    if not country_name:
        raise RowRefused(_("no country"))
    code = country_code(country_name, country_codes)
    values = {
        "person_name": name,
        "role": one_of(CPJ_ROLES, cells["type"], "type"),
        "employment": one_of(CPJ_EMPLOYMENT, cells["employedAs"], "employedAs"),
        "employers": "\n".join(
            employer.strip() for employer in cells["organizations"].split(",") if employer.strip()
        ),
        "attacked_on": datetime.date(int(year), 1, 1).isoformat(),
        "date_precision": DatePrecision.YEAR.value,
        "country": code,
        "locality": cells["location"] or cells.get("locality", ""),
        "type_of_death": one_of(CPJ_DEATHS, cells["typeOfDeath"], "typeOfDeath"),
        "motive": one_of(CPJ_MOTIVES, cells["motiveConfirmed"], "motiveConfirmed"),
        "status": one_of(CPJ_STATUSES, cells["impunityMurder"], "impunityMurder"),
        "source_url": SOURCES["cpj"].url,
    }
    values = {key: str(value) for key, value in values.items()}
    group = digest(normalised(name), year, normalised(country_name))
    detail = digest(
        group,
        *(normalised(cells[column]) for column in ("organizations", "location", "type")),
        *(normalised(cells[column]) for column in ("employedAs", "typeOfDeath")),
    )
    return Row(number=0, values=values, group=group, detail=detail, country_name=country_name)


def text_of(data: bytes):
    """The file's text, decoded as it is read: never held whole (see `review`)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def read_cpj(data: bytes) -> Iterator[Row | Rejected]:
    reader = csv.DictReader(text_of(data))
    missing = [column for column in CPJ_COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        raise ImportRefused(
            _("This is not a CPJ export: it has no column %(columns)s.")
            % {"columns": ", ".join(f"“{column}”" for column in missing)}
        )
    today = timezone.localdate()
    country_codes = functools.cache(lambda name: iso_code_for("cpj", name))
    yield from read_rows(reader, lambda cells, number: cpj_row(cells, today, country_codes))


def read_rows(reader, make_row) -> Iterator[Row | Rejected]:
    """Each row of `reader` in turn, made by `make_row(cells, number)` with its key (its
    identity, ranked among the rows of the same identity before it), or rejected with the
    reason it raised. The same file read again gives the same rows, keys and rejections."""
    rank = defaultdict(int)
    for read, cells in enumerate(reader, start=1):
        number = read + 1  # the header is line 1, as staff see the file
        if None in cells:
            yield Rejected(number, _("more cells than the header has columns"))
            continue
        with_nul = [column for column, value in cells.items() if "\x00" in (value or "")]
        if with_nul:
            # PostgreSQL stores no NUL in text: not in a case, nor in the reason quoting it.
            yield Rejected(
                number,
                _("“%(column)s” holds a NUL character (byte 0), which the database cannot store")
                % {"column": with_nul[0]},
            )
            continue
        try:
            row = make_row(cells, number)
        except RowRefused as refusal:
            # One line, whatever the cell it quotes holds (a quoted cell may span lines).
            yield Rejected(number, " ".join(str(refusal).split()))
            continue
        try:
            storable(row)
        except RowRefused as refusal:
            yield Rejected(number, str(refusal))
            continue
        row.number = number
        rank[row.detail] += 1
        row.key = digest(row.detail, str(rank[row.detail]))
        yield row


def storable(row: Row):
    """RowRefused unless each value the write stores fits its column (`read_rows` refuses a NUL
    character before). Checked in the review, so that a confirmed import does not fail half-way."""
    values = {**row.values, "country_name": row.country_name}
    for name, value in values.items():
        label = FIELD_LABELS.get(name, FIELD_LABELS["country"])
        limit = STORED_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            raise RowRefused(
                _("%(field)s is %(length)s characters long: the site keeps at most %(limit)s")
                % {"field": label, "length": len(value), "limit": limit}
            )


# The longest value each column the write stores keeps: the case's, and the country's name for a
# country the import adds.
STORED_LENGTHS = {
    **{
        name: CasePage._meta.get_field(name).max_length
        for name in FIELDS
        if name != "country" and CasePage._meta.get_field(name).max_length
    },
    "country_name": Country._meta.get_field("name").max_length,
}


READERS = {"cpj": read_cpj}


# Reading a CSV through a column mapping staff saved ------------------------------------------
#
# Mapped sources. A ColumnMapping names, for each case field, the column of the file that feeds
# it. Its cases are the source "mapping-<id>" (the mapping's, renamed or not).
# - Dates: 2006 (the year), 2006-05 (the month) or 2006-05-14 (the day).
# - Countries: a name as ISO writes it, an ISO code (MX, MEX), the site's name for the country,
#   or a name staff mapped once for this source in Cases > Country names in exports.
# - Fields with a vocabulary (role, employment, type of death, motive, status): the site's code
#   ("partial-justice") or the label readers see, in any of the site's languages ("Partial
#   justice", "Justice partielle"), letter case aside. Anything else rejects the row, with the
#   value, its column and the values accepted. An empty status is "No information".
# - Several employers in one cell are separated by commas or semicolons.
# Identity: with an identifier column, a case is its identifier (a second row with the same
# identifier is rejected). Without one, it is derived as for CPJ: the name, the year and the
# country as written, with the employers, the place, the role, the employment and the type of
# death, then the rank among identical rows.

MAPPED_DEFAULTS = {
    "employment": "",
    "type_of_death": "",
    "motive": "",
    "status": Status.NO_INFORMATION.value,
}


@functools.cache
def vocabulary_words(field_name: str) -> dict:
    """Each way a value of this field may be written (its code, its label in each of the
    site's languages), normalised, to its code."""
    from django.conf import settings
    from django.utils import translation

    choices = VOCABULARIES[field_name]
    words = {normalised(code): code for code in choices.values}
    for code, _label in settings.WAGTAIL_CONTENT_LANGUAGES:
        with translation.override(code):
            words |= {normalised(str(choice.label)): choice.value for choice in choices}
    return words


def vocabulary_value(field_name: str, text: str, column: str) -> str:
    if not text:
        if field_name == "role":
            raise RowRefused(_("no role (column “%(column)s” is empty)") % {"column": column})
        return MAPPED_DEFAULTS[field_name]
    words = vocabulary_words(field_name)
    if normalised(text) not in words:
        raise RowRefused(
            _("“%(value)s” in column “%(column)s” is not a %(field)s this site knows (%(known)s)")
            % {
                "value": text,
                "column": column,
                "field": FIELD_LABELS[field_name],
                "known": ", ".join(f"“{choice.label}”" for choice in VOCABULARIES[field_name]),
            }
        )
    return words[normalised(text)]


def mapped_date(text: str, column: str, today: datetime.date) -> tuple[datetime.date, str]:
    refused = RowRefused(
        _("“%(value)s” in column “%(column)s” is not a date: write 2006, 2006-05 or 2006-05-14")
        % {"value": text, "column": column}
    )
    try:
        if re.fullmatch(r"\d{4}", text):
            when, precision = datetime.date(int(text), 1, 1), DatePrecision.YEAR
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            when = datetime.date(int(text[:4]), int(text[5:]), 1)
            precision = DatePrecision.MONTH
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            when, precision = datetime.date.fromisoformat(text), DatePrecision.DAY
        else:
            raise refused
    except ValueError:
        raise refused from None
    if when.year < 1900 or when > today:
        raise refused
    return when, precision.value


def mapped_country_code(source_key: str, name: str) -> str | None:
    code = iso_code_for(source_key, name)
    if code:
        return code
    for field_name in ("alpha_2", "alpha_3"):
        found = pycountry.countries.get(**{field_name: name.upper()})
        if found:
            return found.alpha_2
    site = Country.objects.filter(name__iexact=name, locale=Locale.get_default()).first()
    return site.iso_code if site else None


def mapped_row(cells: dict, columns: dict, source_key: str, today, country_codes) -> Row:
    cells = {column: (value or "").strip() for column, value in cells.items() if column}

    def cell(field_name: str) -> str:
        return cells[columns[field_name]] if field_name in columns else ""

    name = cell("person_name")
    if not name:
        raise RowRefused(
            _("no name (column “%(column)s” is empty)") % {"column": columns["person_name"]}
        )
    if not cell("attacked_on"):
        raise RowRefused(
            _("no date (column “%(column)s” is empty)") % {"column": columns["attacked_on"]}
        )
    when, precision = mapped_date(cell("attacked_on"), columns["attacked_on"], today)
    country_name = cell("country")
    if not country_name:
        raise RowRefused(_("no country"))
    code = country_code(country_name, country_codes, source_key)
    link = cell("source_url")
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise RowRefused(
                _("“%(value)s” in column “%(column)s” is not a web address")
                % {"value": link, "column": columns["source_url"]}
            ) from None
    values = {
        "person_name": name,
        "employers": "\n".join(
            part.strip() for part in re.split(r"[,;]", cell("employers")) if part.strip()
        ),
        "attacked_on": when.isoformat(),
        "date_precision": precision,
        "country": code,
        "locality": cell("locality"),
        "source_url": link,
    }
    for field_name in ("role", "employment", "type_of_death", "motive", "status"):
        values[field_name] = vocabulary_value(
            field_name, cell(field_name), columns.get(field_name, "")
        )
    values = {key: str(value) for key, value in values.items()}
    identifier = cell("identifier")
    if "identifier" in columns:
        if not identifier:
            raise RowRefused(
                _("no identifier (column “%(column)s” is empty)")
                % {"column": columns["identifier"]}
            )
        group = detail = digest("identifier", normalised(identifier))
    else:
        group = digest(normalised(name), when.isoformat()[:4], normalised(country_name))
        detail = digest(
            group,
            *(
                normalised(cell(field_name))
                for field_name in ("employers", "locality", "role", "employment", "type_of_death")
            ),
        )
    return Row(number=0, values=values, group=group, detail=detail, country_name=country_name)


def read_mapped(data: bytes, mapping) -> Iterator[Row | Rejected]:
    reader = csv.DictReader(text_of(data))
    header = reader.fieldnames or ()
    columns = mapping.columns()
    missing = [
        (column, field_name) for field_name, column in columns.items() if column not in header
    ]
    if missing:
        raise ImportRefused(
            _("The file has no column %(columns)s, which the mapping “%(mapping)s” reads.")
            % {
                "columns": ", ".join(
                    _("“%(column)s” (for the %(field)s)")
                    % {"column": column, "field": FIELD_LABELS.get(field_name, field_name)}
                    for column, field_name in missing
                ),
                "mapping": mapping.name,
            }
        )
    today = timezone.localdate()
    country_codes = functools.cache(lambda name: mapped_country_code(mapping.source_key, name))
    identifiers = {}

    def make_row(cells, number):
        row = mapped_row(cells, columns, mapping.source_key, today, country_codes)
        if "identifier" in columns and row.group in identifiers:
            raise RowRefused(
                _("its identifier is also row %(number)s's") % {"number": identifiers[row.group]}
            )
        identifiers[row.group] = number
        return row

    yield from read_rows(reader, make_row)


def source_and_reader(source_key: str):
    """The source an import's cases are sourced to, and how its file is read."""
    from .models import ColumnMapping

    if source_key in SOURCES:
        return SOURCES[source_key], READERS[source_key]
    mapping = None
    if source_key.startswith("mapping-") and source_key[len("mapping-") :].isdigit():
        mapping = ColumnMapping.objects.filter(pk=int(source_key[len("mapping-") :])).first()
    if mapping is None:
        raise ImportRefused(_("The column mapping for this import no longer exists."))
    source = Source(key=mapping.source_key, name=mapping.source_name, url=mapping.source_url)
    return source, functools.partial(read_mapped, mapping=mapping)


def decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _("The file is not UTF-8 text (byte %(at)s): export it again as CSV in UTF-8.")
            % {"at": error.start}
        ) from error


# The review ----------------------------------------------------------------------------------


# The case's columns a review compares with a row (`compared`), read without loading the cases.
COMPARED_COLUMNS = (*(name for name in FIELDS if name != "country"), "country__iso_code")


def current_values(case: CasePage) -> dict:
    values = {name: str(getattr(case, name) or "") for name in FIELDS if name != "country"}
    values["attacked_on"] = case.attacked_on.isoformat()
    values["country"] = case.country.iso_code
    return values


def compared(columns: dict) -> dict:
    """`current_values` of a case read as `COMPARED_COLUMNS`."""
    values = {name: str(columns[name] or "") for name in FIELDS if name != "country"}
    values["attacked_on"] = columns["attacked_on"].isoformat()
    values["country"] = columns["country__iso_code"]
    return values


def review(data: bytes, source_key: str, exported_on: datetime.date) -> Review:
    """What importing this file would do, without writing anything.

    Memory stays flat however long the file: the file is read as it goes, three times (here to
    match each row with a case, here again to compare the matched ones, then in `write` for the
    new ones), and only what identifies a row (its number, key and group) is held between."""
    source, read = source_and_reader(source_key)
    decoded(data)  # a file that is not UTF-8 is refused before a row is read
    result = Review(source=source, exported_on=exported_on, data=data, read=read)
    locale = Locale.get_default()
    known_codes = set(Country.objects.filter(locale=locale).values_list("iso_code", flat=True))
    identities = []  # (number, key, group) of each row kept
    for item in read(data):
        result.rows_read += 1
        if isinstance(item, Rejected):
            result.rejected.append(item)
        elif item.values["country"] not in known_codes and item.values["country"] not in REGION_OF:
            result.rejected.append(
                Rejected(
                    item.number,
                    _("the country code %(code)s has no region on this site")
                    % {"code": item.values["country"]},
                )
            )
        else:
            identities.append((item.number, item.key, item.group))
    result.rejected.sort(key=lambda rejection: rejection.number)
    if not result.rows_read:
        raise ImportRefused(
            _(
                "The file has no data row, only its header: an empty or cut-short export would "
                "flag every case as missing. Export it again."
            )
        )

    existing = {
        known.key: known
        for known in (
            KnownCase(*columns)
            for columns in ImportedCase.objects.filter(source=source.key).values_list(
                "pk", "case_id", "key", "group", "missing_from_export_on"
            )
        )
    }
    matched = {}  # KnownCase pk: (KnownCase, row number)
    unmatched = []
    for number, key, group in identities:
        if key in existing and existing[key].pk not in matched:
            matched[existing[key].pk] = (existing[key], number)
        else:
            unmatched.append((number, group))
    del identities
    left_cases = defaultdict(list)
    for known in existing.values():
        if known.pk not in matched:
            left_cases[known.group].append(known)
    left_rows = defaultdict(list)
    for number, group in unmatched:
        left_rows[group].append(number)
    for group, numbers in left_rows.items():
        if len(numbers) == 1 and len(left_cases.get(group, ())) == 1:
            known = left_cases.pop(group)[0]
            matched[known.pk] = (known, numbers[0])
        else:
            result.new.extend(numbers)
    result.new.sort()
    result.missing = [
        known
        for group_cases in left_cases.values()
        for known in group_cases
        if known.missing_from_export_on is None
    ]
    known_of_row = {number: known for known, number in matched.values()}
    del matched, existing, left_cases, left_rows, unmatched

    withheld = withheld_cases(source.key, result.missing)
    new = set(result.new)
    pairs = []
    for row in result.rows():
        if row.number in known_of_row:
            pairs.append((known_of_row[row.number], row))
            if len(pairs) == BATCH:
                compare(result, pairs)
                pairs = []
        elif withheld and row.number in new:
            held_for = may_be_withheld(row, withheld)
            if held_for is not None:
                result.held[row.number] = held_for
    compare(result, pairs)
    return result


def compare(result: Review, pairs: list):
    """Each row of `pairs` against its case: a change, a conflict with a staff edit, or nothing
    to write but the import record (its date, a key corrected)."""
    if not pairs:
        return
    cases = {
        columns["id"]: columns
        for columns in CasePage.objects.filter(
            pk__in=[known.case_id for known, _row in pairs]
        ).values("id", "name_withheld", *COMPARED_COLUMNS)
    }
    records = dict(
        ImportedCase.objects.filter(pk__in=[known.pk for known, _row in pairs]).values_list(
            "pk", "imported_values"
        )
    )
    kept = []
    for known, row in pairs:
        update = Update(imported=known, row=row)
        now, last = compared(cases[known.case_id]), records[known.pk]
        for name in FIELDS:
            new, old = row.values[name], now[name]
            if new == old:
                continue
            edited_by_staff = name in last and last[name] != old
            target = update.conflicts if edited_by_staff else update.changes
            target.append(FieldChange(name, old, new))
        update.back_in_export = known.missing_from_export_on is not None
        same_record = (known.key, known.group, last) == (row.key, row.group, row.values)
        if update.changes or update.conflicts or update.back_in_export or not same_record:
            kept.append(update)
        else:
            result.unchanged += 1
            result.seen_again.append(known.pk)
    # What is kept is written or shown: the import record and the case, whole.
    whole = ImportedCase.objects.select_related("case", "case__country").in_bulk(
        [update.imported.pk for update in kept]
    )
    for update in kept:
        update.imported = whole[update.imported.pk]
        keep_the_withheld_name_out(update.imported.case, update)
        if update.changes or update.back_in_export:
            result.changed.append(update)
        else:
            result.unchanged += 1
            result.unchanged_to_remember.append(update)


def name_parts(name: str) -> set[str]:
    """The parts of a name that tell it apart, accents, case and hyphens folded."""
    return {
        part
        for part in re.findall(r"\w+", fold(name or ""))
        if part not in PARTICLES and not part.isdigit()
    }


def names_close(one: str, other: str) -> bool:
    one, other = name_parts(one), name_parts(other)
    shorter, longer = sorted((one, other), key=len)
    return bool(shorter) and shorter <= longer


def may_be(row: Row, imported: ImportedCase, went_missing: bool) -> bool:
    case = imported.case
    same_year = row.values["attacked_on"][:4] == str(case.attacked_on.year)
    same_country = row.values["country"] == case.country.iso_code
    close = any(
        names_close(row.values["person_name"], name)
        for name in (case.person_name, imported.imported_values.get("person_name", ""))
    )
    if close and (same_year or same_country):
        return True
    if not (same_year and same_country):
        return False
    employers = {normalised(line) for line in row.values["employers"].splitlines() if line.strip()}
    shared_employer = bool(employers & {normalised(line) for line in case.employer_list})
    place = normalised(row.values["locality"])
    return went_missing or shared_employer or bool(place and place == normalised(case.locality))


def withheld_cases(source_key: str, missing: list) -> list[tuple[ImportedCase, bool]]:
    """The source's cases whose name is withheld, each with whether it went missing in this
    import, the likeliest first (see the module's words)."""
    went_missing = {known.pk for known in missing}
    withheld = [
        (imported, imported.pk in went_missing)
        for imported in ImportedCase.objects.filter(
            source=source_key, case__name_withheld=True
        ).select_related("case", "case__country")
    ]
    withheld.sort(key=lambda pair: (not pair[1], pair[0].case_id))
    return withheld


def may_be_withheld(row: Row, withheld: list) -> CasePage | None:
    """The withheld case a new row may be, if any: the row is then held (see the module's
    words)."""
    for imported, went_missing in withheld:
        if may_be(row, imported, went_missing):
            return imported.case
    return None


def keep_the_withheld_name_out(case: CasePage, update: Update):
    """For a case whose name is withheld: each change that would show the name (the name as it
    is, or as the source now spells it) becomes a conflict, not written."""
    if not case.name_withheld:
        return
    spellings = [case.person_name]
    spellings += [change.new for change in update.changes if change.field == "person_name"]
    name = WithheldName(*spellings)
    if not name:
        return
    trial = CasePage(
        title="",
        slug="",
        **{change.field: change.new for change in update.changes if change.field in SHOWN},
    )
    carrying = set(case_fields_carrying(name, trial))
    for change in list(update.changes):
        if change.field in carrying:
            update.changes.remove(change)
            change.shows_withheld_name = True
            update.conflicts.append(change)


# The imported fields readers see as they are (the name shows only when not withheld).
SHOWN = ("employers", "locality")


# Writing -------------------------------------------------------------------------------------


def status_source_name(review: Review) -> str:
    return _("%(source)s, export of %(date)s") % {
        "source": review.source.name,
        "date": review.exported_on.isoformat(),
    }


def write(review: Review, progress=None) -> dict:
    """Writes what the review showed: new cases as published pages with their first revision,
    changes as a new revision published, missing cases flagged. `progress(done, total)` is
    called along the way.

    Each batch of new cases, and each changed case, is written in a transaction of its own, so
    that readers and the progress shown see it as it goes. Should the write stop half-way, the
    same file imported again writes the rest: what was written is then unchanged."""
    total = len(review.new) + len(review.changed) + review.unchanged
    done = 0
    locale = Locale.get_default()
    countries = {}

    def country_of(row: Row):
        code = row.values["country"]
        if code not in countries:
            countries[code] = site_country(code, row.country_name or code, locale)
        return countries[code]

    index = CaseIndexPage.objects.filter(locale=locale).first()
    if index is None:
        raise ImportRefused(_("The site has no case index to add the cases under."))
    added = []
    new = set(review.new)
    batch = []
    for row in review.rows():
        if row.number not in new:
            continue
        row.held_for = review.held.get(row.number)
        country_of(row)
        batch.append(row)
        if len(batch) == BATCH or len(batch) == len(new) - done:
            with transaction.atomic():
                written = add_cases(review, index, batch, countries)
                # Readers of every language see them at once, as English until translated.
                added += written + alias_in_every_language(written)
            done += len(batch)
            batch = []
            if progress:
                progress(done, total)
    for update in review.changed:
        if any(change.field == "country" for change in update.changes):
            country_of(update.row)
        with transaction.atomic():
            change_case(review, update, countries)
        done += 1
        if progress:
            progress(done, total)
    for update in review.unchanged_to_remember:
        remember(review, update)
    for start in range(0, len(review.seen_again), 5_000):
        ImportedCase.objects.filter(
            pk__in=review.seen_again[start : start + 5_000],
            last_export_on__lt=review.exported_on,
        ).update(last_export_on=review.exported_on)
    done += review.unchanged
    ImportedCase.objects.filter(pk__in=[known.pk for known in review.missing]).update(
        missing_from_export_on=review.exported_on
    )
    index_for_search(added)
    if progress:
        progress(done, total)
    if review.new or review.changed:
        content_changed()
        transaction.on_commit(lambda: cases_imported.send(sender=CasePage))
    if review.new:
        analyse_what_was_filled()
    return {
        "added": len(review.new),
        "held": len(review.held),
        "changed": len(review.changed),
        "unchanged": review.unchanged,
        "rejected": len(review.rejected),
        "missing": len(review.missing),
    }


def index_for_search(case_ids: list[int]):
    """A batch at a time: 20,000 cases in four languages loaded at once took a gigabyte. Each
    call also averages the titles of the whole index once, hence batches this large."""
    backend = get_search_backend()
    for start in range(0, len(case_ids), INDEX_BATCH):
        batch = case_ids[start : start + INDEX_BATCH]
        backend.add_bulk(
            CasePage, list(CasePage.objects.filter(pk__in=batch).select_related("country"))
        )


def analyse_what_was_filled():
    """Hundreds of new rows and no statistics for them: until autovacuum came by, PostgreSQL
    planned the first readers' queries (the case index, a search) for the tables as they were.
    A bulk write analyses what it filled."""
    from wagtail.search.models import IndexEntry

    tables = [model._meta.db_table for model in (Page, CasePage, ImportedCase, IndexEntry)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def remember(review: Review, update: Update):
    """What this import saw of a case: its key (a corrected record's changes), the values now
    the source's, and that the export lists it. Conflicting fields keep their last import's."""
    imported = update.imported
    values = dict(update.row.values)
    for conflict in update.conflicts:
        if conflict.field in imported.imported_values:
            values[conflict.field] = imported.imported_values[conflict.field]
    fresh = {
        "key": update.row.key,
        "group": update.row.group,
        "imported_values": values,
        "last_export_on": max(imported.last_export_on, review.exported_on),
        "missing_from_export_on": None,
    }
    if any(getattr(imported, name) != value for name, value in fresh.items()):
        ImportedCase.objects.filter(pk=imported.pk).update(**fresh)


def neutral_title(row: Row) -> str:
    """A held row's title: the withheld case's, unless it carries either spelling of the name."""
    name = WithheldName(row.values["person_name"], row.held_for.person_name)
    title = row.held_for.title
    return _("Name withheld") if name.in_text(title) or not title.strip() else title


def slug_for(row: Row, taken: set) -> str:
    year = row.values["attacked_on"][:4]
    if row.held_for is not None:
        name = WithheldName(row.values["person_name"], row.held_for.person_name)
        base = row.held_for.slug
        if name.in_address(base) or not base:
            base = slugify(f"{_('Name withheld')} {year}")
        base = base[:70]
    else:
        base = slugify(f"{row.values['person_name']} {year}")[:70] or "case"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def add_cases(review: Review, index: CaseIndexPage, rows: list, countries: dict) -> list[int]:
    """Pages added to the tree in bulk (one at a time, `add_child` re-reads and re-writes the
    parent each time), each published with its first revision and logged, as a publish does."""
    now = timezone.now()
    index.refresh_from_db()
    case_type = ContentType.objects.get_for_model(CasePage)
    last = index.get_last_child()
    start = index._str2int(last.path[-index.steplen :]) + 1 if last else 1
    taken = set(Page.objects.child_of(index).values_list("slug", flat=True))
    pages = []
    for offset, row in enumerate(rows):
        slug = slug_for(row, taken)
        held = row.held_for is not None
        title = neutral_title(row) if held else row.values["person_name"]
        pages.append(
            Page(
                path=index._get_path(index.path, index.depth + 1, start + offset),
                depth=index.depth + 1,
                numchild=0,
                translation_key=uuid.uuid4(),
                locale_id=index.locale_id,
                # A row held for review is a draft: staff decide whether it is the withheld case.
                live=not held,
                has_unpublished_changes=held,
                first_published_at=None if held else now,
                last_published_at=None if held else now,
                latest_revision_created_at=now,
                title=title,
                draft_title=title,
                slug=slug,
                content_type=case_type,
                url_path=f"{index.url_path}{slug}/",
            )
        )
    created = Page.objects.bulk_create(pages)
    insert_case_rows(review, created, rows, countries)
    CaseStatusEvent.objects.bulk_create(
        [
            CaseStatusEvent(
                case_id=page.pk,
                status=row.values["status"],
                confirmed_on=review.exported_on,
                source_name=status_source_name(review),
                source_url=review.source.url,
                sort_order=0,
            )
            for page, row in zip(created, rows, strict=True)
        ]
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + len(created))
    cases = list(
        CasePage.objects.filter(pk__in=[page.pk for page in created])
        .select_related("country")
        .prefetch_related("status_events", "reports", "wagtail_admin_comments")
    )
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=case_type,
                base_content_type=ContentType.objects.get_for_model(Page),
                object_id=str(case.pk),
                created_at=now,
                content=case.serializable_data(),
                object_str=case.title,
            )
            for case in cases
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailcore_page SET latest_revision_id = revision.id, "
            "live_revision_id = CASE WHEN live THEN revision.id END "
            "FROM unnest(%s, %s) AS revision(page_id, id) "
            "WHERE wagtailcore_page.id = revision.page_id",
            [[case.pk for case in cases], [revision.pk for revision in revisions]],
        )
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=case_type,
                page_id=case.pk,
                label=case.title,
                action="wagtail.publish" if case.live else "wagtail.create",
                revision=revision,
                timestamp=now,
                data={"imported_from": status_source_name(review)},
            )
            for case, revision in zip(cases, revisions, strict=True)
        ]
    )
    ImportedCase.objects.bulk_create(
        [
            ImportedCase(
                case_id=page.pk,
                source=review.source.key,
                key=row.key,
                group=row.group,
                imported_values=row.values,
                first_export_on=review.exported_on,
                last_export_on=review.exported_on,
            )
            for page, row in zip(created, rows, strict=True)
        ]
    )
    return [case.pk for case in cases]


def insert_case_rows(review: Review, pages: list, rows: list, countries: dict):
    """The cases' own table, one batched INSERT (Django's bulk_create refuses a page type)."""
    fields = [f for f in CasePage._meta.local_concrete_fields if f.name != "page_ptr"]
    columns = ["page_ptr_id", *(f.column for f in fields)]
    values = []
    for page, row in zip(pages, rows, strict=True):
        case = CasePage(
            **{
                k: v
                for k, v in row.values.items()
                if k not in ("country", "attacked_on", "source_url")
            },
            country=countries[row.values["country"]],
            attacked_on=datetime.date.fromisoformat(row.values["attacked_on"]),
            source_name=review.source.name,
            source_url=row.values.get("source_url") or review.source.url,
            source_exported_on=review.exported_on,
            name_withheld=row.held_for is not None,
        )
        prepared = [f.get_db_prep_save(f.pre_save(case, True), connection) for f in fields]
        values.append([page.pk, *prepared])
    quote = connection.ops.quote_name
    insert = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(CasePage._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(insert, values)


def change_case(review: Review, update: Update, countries: dict):
    """The changes as a new revision, published if the case is (a case staff hid or
    unpublished stays so); a new status as a new dated event, the earlier ones kept."""
    case = CasePage.objects.get(pk=update.imported.case_id).get_latest_revision_as_object()
    # The review made these conflicts; the case may have been withheld since (the admin writes
    # later, in the background).
    keep_the_withheld_name_out(case, update)
    for change in update.changes:
        if change.field == "country":
            case.country = countries[change.new]
        elif change.field == "attacked_on":
            case.attacked_on = datetime.date.fromisoformat(change.new)
        elif change.field == "status":
            case.status_events.add(
                CaseStatusEvent(
                    status=change.new,
                    confirmed_on=review.exported_on,
                    source_name=status_source_name(review),
                    source_url=review.source.url,
                )
            )
        else:
            if (
                change.field == "person_name"
                and case.title == change.old
                and not withheld_name_of(case)
            ):
                case.title = case.draft_title = change.new
            setattr(case, change.field, change.new)
    if update.changes:
        case.source_exported_on = review.exported_on
        revision = case.save_revision(log_action=True, clean=False)
        if case.live:
            revision.publish(log_action=True)
    remember(review, update)
