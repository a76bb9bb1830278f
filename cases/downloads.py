"""The cases as open data: CSV and JSON of exactly what the index lists for the same filters,
with the licence, how to cite it, and, for a filtered download, that it is not the whole set.
A withheld name is "Name withheld" here as on every public page."""

import csv
import io
import json

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ifex.core.languages import name_in_readers_language
from ifex.core.listing import chosen_filters, filter_listing
from ifex.core.models import SiteSettings

from .listing import CaseFilterForm, years_with_cases

COLUMNS = (
    "name",
    "role",
    "date_of_attack",
    "country",
    "country_code",
    "status",
    "status_code",
    "status_confirmed_on",
    "status_source",
    "status_source_url",
    "url",
)


def case_rows(request, cases) -> list[dict]:
    rows = []
    for case in cases:
        latest = case.status_history()[-1] if case.status_events.all() else None
        rows.append(
            {
                "name": str(case.public_name),
                "role": case.get_role_display(),
                "date_of_attack": case.attacked_on.isoformat(),
                "country": name_in_readers_language(case.country),
                "country_code": case.country.iso_code,
                "status": case.get_status_display(),
                "status_code": case.status,
                "status_confirmed_on": (
                    case.status_confirmed_on.isoformat() if case.status_confirmed_on else ""
                ),
                "status_source": latest.source_name if latest else "",
                "status_source_url": latest.source_url if latest else "",
                "url": request.build_absolute_uri(case.url),
            }
        )
    return rows


def provenance(request, index, form) -> dict:
    settings = SiteSettings.for_request(request)
    chosen = chosen_filters(form)
    filtered = _("Filtered: %(filters)s. Not the complete set of cases.") % {
        "filters": "; ".join(f"{label}: {value}" for _, label, value in chosen)
    }
    return {
        "title": f"{settings.organisation_name}: {index.title}",
        "source": request.build_absolute_uri(index.url),
        "licence": settings.data_licence,
        "licence_url": settings.data_licence_url,
        "citation": _("%(network)s, %(title)s, %(address)s, downloaded on %(date)s.")
        % {
            "network": settings.organisation_name,
            "title": index.title,
            "address": request.build_absolute_uri(request.get_full_path()),
            "date": timezone.localdate().isoformat(),
        },
        "filtered": bool(chosen),
        "filters": {label: value for _, label, value in chosen},
        "note": filtered if chosen else _("The complete set of published cases."),
    }


def cases_download(request, index, file_format: str) -> HttpResponse:
    form, _params, cases = filter_listing(
        request,
        index.cases().prefetch_related("status_events"),
        years=years_with_cases(),
        form_class=CaseFilterForm,
    )
    about = provenance(request, index, form)
    rows = case_rows(request, cases)
    name = "cases-filtered" if about["filtered"] else "cases"
    if file_format == "json":
        body = json.dumps(
            {**about, "count": len(rows), "cases": rows}, ensure_ascii=False, indent=1
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(as_csv(about, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def as_csv(about, rows) -> str:
    """Lines starting with # say what the file is (most tools skip them: pandas' comment="#");
    then one header line and a line per case."""
    out = io.StringIO()
    licence = _("Licence: %(licence)s %(address)s") % {
        "licence": about["licence"],
        "address": about["licence_url"],
    }
    cite = _("Cite as: %(citation)s") % {"citation": about["citation"]}
    for line in (about["title"], about["note"], licence, cite):
        out.write(f"# {line}\n")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: inert(value) for key, value in row.items()} for row in rows)
    return out.getvalue()


def inert(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
