"""Downloads of the site's records as open data, CSV or JSON: each says what it is, where it
comes from, its licence (a site setting) and how to cite it, and, when filtered, that it is
not the complete set."""

import csv
import io
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SiteSettings

FORMATS = ("csv", "json")


def provenance(request, title: str, source_url: str, *, filters=(), complete_note="") -> dict:
    """`filters`: (label, value) of each filter applied to what is downloaded."""
    settings = SiteSettings.for_request(request)
    filtered_note = _("Filtered: %(filters)s. Not the complete set.") % {
        "filters": "; ".join(f"{label}: {value}" for label, value in filters)
    }
    return {
        "title": f"{settings.organisation_name}: {title}",
        "source": request.build_absolute_uri(source_url),
        "licence": settings.data_licence,
        "licence_url": settings.data_licence_url,
        "citation": _("%(network)s, %(title)s, %(address)s, downloaded on %(date)s.")
        % {
            "network": settings.organisation_name,
            "title": title,
            "address": request.build_absolute_uri(request.get_full_path()),
            "date": timezone.localdate().isoformat(),
        },
        "filtered": bool(filters),
        "filters": dict(filters),
        "note": filtered_note if filters else str(complete_note),
    }


def listing_provenance(request, index, form, *, complete_note) -> dict:
    """For a download of what an index page lists with the request's filters (`form`)."""
    from .listing import chosen_filters

    filters = [(label, value) for _name, label, value in chosen_filters(form)]
    return provenance(request, index.title, index.url, filters=filters, complete_note=complete_note)


def download(about: dict, rows, columns, *, name: str, key: str, file_format: str, count=None):
    """The response: JSON with `about`, the count and the rows under `key`, or CSV. `rows` may be
    an iterator read as the file is written (then `count` says how many it yields): a large
    download never holds its records and the file at once. The file is answered whole, so the
    page cache and the edge keep it like a page."""
    if about["filtered"]:
        name = f"{name}-filtered"
    if file_format == "json":
        body = as_json({**about, "count": len(rows) if count is None else count}, key, rows)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(
            as_csv(about, rows, columns), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def as_json(head: dict, key: str, rows) -> str:
    """`head`'s items, then `key`: the rows, each written as it is read."""

    def dumped(value, indent=None) -> str:
        # Django's encoder writes a translated phrase (a lazy string) as the text it stands for.
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=indent)

    out = io.StringIO()
    out.write("{\n")
    for name, value in head.items():
        out.write(f" {dumped(name)}: {dumped(value)},\n")
    out.write(f" {dumped(key)}: [")
    for number, row in enumerate(rows):
        out.write(",\n  " if number else "\n  ")
        out.write(dumped(row))
    out.write("\n ]\n}\n")
    return out.getvalue()


def as_csv(about, rows, columns) -> str:
    """Lines starting with # say what the file is (most tools skip them: pandas' comment="#");
    then one header line and a line per record. Nothing in it is run by a spreadsheet: see
    `comment_line` and `inert`."""
    licence = _("Licence: %(licence)s %(address)s") % {
        "licence": about["licence"],
        "address": about["licence_url"],
    }
    cite = _("Cite as: %(citation)s") % {"citation": about["citation"]}
    return csv_with_comments((about["title"], about["note"], licence, cite), rows, columns)


def csv_with_comments(lines, rows, columns) -> str:
    """The one CSV writer: "#" lines first, then the header and the rows, all made inert."""
    out = io.StringIO()
    for line in lines:
        out.write(comment_line(line))
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: inert(value) for key, value in row.items()} for row in rows)
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet reads a "#" line as cells too, split at its commas.
FORMULA_AFTER_A_COMMA = re.compile(r"(,\s*)(?=[=+\-@])")
LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def comment_line(text) -> str:
    """One "#" line, whatever the text (an organisation's name, a filter's value): its line
    breaks and control characters become spaces, so it cannot start a line of its own; a double
    quote becomes a single one, so no cell is quoted; and no cell after a comma starts with a
    formula."""
    text = LINE_BREAKS_AND_CONTROLS.sub(" ", str(text)).replace('"', "'")
    return "# " + FORMULA_AFTER_A_COMMA.sub(r"\1'", text) + "\n"


def inert(value) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) is kept as
    text."""
    value = "" if value is None else str(value)
    return "'" + value if value.lstrip(" ").startswith(FORMULA_STARTS) else value
