"""The joint statements as open data: one row for each signature, with its statement, for the
statements the index lists with the same filters."""

from django.utils.translation import gettext as _

from ifex.core.listing import filter_listing, years_with_pages
from ifex.core.open_data import download, listing_provenance

from .listing import signatures_published, with_signatures_published

COLUMNS = ("statement", "date", "url", "signatory", "signatory_website", "member_of_the_network")


def signatures_download(request, index, file_format: str):
    model = index.listed_model
    form, _params, statements = filter_listing(
        request,
        with_signatures_published(model.objects.for_listing().descendant_of(index)),
        years=years_with_pages(model),
    )
    rows = [
        {
            "statement": statement.title,
            "date": statement.date.isoformat(),
            "url": request.build_absolute_uri(statement.url),
            "signatory": signature.display_name,
            "signatory_website": signature.link,
            "member_of_the_network": bool(
                signature.organisation_id and signature.organisation.is_member
            ),
        }
        for statement in statements
        for signature in signatures_published(statement)
    ]
    about = listing_provenance(
        request,
        index,
        form,
        complete_note=_("Every published joint statement, with each of its signatures."),
    )
    return download(
        about, rows, COLUMNS, name="statements", key="signatures", file_format=file_format
    )
