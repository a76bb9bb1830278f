from django import forms
from django.utils.translation import gettext_lazy as _

from .listing import CountryChoiceField, years_with_pages
from .search import SEARCH_TYPES, has_field


def years_with_content() -> list[int]:
    years = set()
    for search_type in SEARCH_TYPES.values():
        model = search_type.model
        if search_type.is_page and has_field(model, "date"):
            years.update(years_with_pages(model))
    return sorted(years, reverse=True)


class SearchForm(forms.Form):
    """The filters of the search page; the query itself is cleaned by `clean_query`."""

    type = forms.ChoiceField(label=_("Type"), required=False)
    country = CountryChoiceField(label=_("Country"), required=False)
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["type"].choices = [("", _("Everything"))] + [
            (search_type.key, search_type.label)
            for search_type in sorted(SEARCH_TYPES.values(), key=lambda t: not t.is_page)
        ]
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, year) for year in years_with_content()
        ]
