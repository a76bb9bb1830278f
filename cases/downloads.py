"""The cases as open data: CSV and JSON of exactly what the index lists for the same filters,
with the licence, how to cite it, and, for a filtered download, that it is not the whole set.
A withheld name is "Name withheld" here as on every public page, and is redacted from any text
that carries it (the case's public view)."""

from django.utils.translation import gettext as _

from ifex.core.languages import name_in_readers_language
from ifex.core.listing import filter_listing
from ifex.core.open_data import download, listing_provenance

from .listing import CaseFilterForm, years_with_cases
from .withheld import public_view

COLUMNS = (
    "name",
    "role",
    "employment",
    "employers",
    "date_of_attack",
    "date_precision",
    "country",
    "country_code",
    "locality",
    "type_of_death",
    "motive",
    "status",
    "status_code",
    "status_confirmed_on",
    "status_source",
    "status_source_url",
    "source",
    "source_url",
    "source_exported_on",
    "url",
)


# Cases read from the database and written at a time: a download of 20,000 cases never holds
# them all (their status events are read a batch at a time too).
BATCH = 500


def case_rows(request, cases):
    """A row for each case, made as it is read."""
    for case in map(public_view, cases):
        latest = case.public_history[-1] if case.public_history else None
        yield (
            {
                "name": str(case.public_name),
                "role": case.get_role_display(),
                "employment": case.get_employment_display(),
                "employers": "; ".join(case.employer_list),
                "date_of_attack": case.attacked_on_iso,
                "date_precision": case.date_precision,
                "country": name_in_readers_language(case.country),
                "country_code": case.country.iso_code,
                "locality": case.locality,
                "type_of_death": case.get_type_of_death_display(),
                "motive": case.get_motive_display(),
                "status": case.get_status_display(),
                "status_code": case.status,
                "status_confirmed_on": (
                    case.status_confirmed_on.isoformat() if case.status_confirmed_on else ""
                ),
                "status_source": latest.source_name if latest else "",
                "status_source_url": latest.source_url if latest else "",
                "source": case.source_name,
                "source_url": case.source_url,
                "source_exported_on": (
                    case.source_exported_on.isoformat() if case.source_exported_on else ""
                ),
                "url": request.build_absolute_uri(case.url),
            }
        )


def cases_download(request, index, file_format: str):
    form, _params, cases = filter_listing(
        request,
        index.cases().prefetch_related("status_events"),
        years=years_with_cases(),
        form_class=CaseFilterForm,
    )
    about = listing_provenance(
        request, index, form, complete_note=_("The complete set of published cases.")
    )
    count = cases.count() if file_format == "json" else None
    rows = case_rows(request, cases.iterator(chunk_size=BATCH))
    return download(
        about, rows, COLUMNS, name="cases", key="cases", file_format=file_format, count=count
    )
