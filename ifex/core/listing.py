"""Filtering and paging for any listing of pages that carry countries, topics and a date.

Bad input never reaches the database as-is: an unknown filter value is a 404 (that listing does
not exist), and a page number out of range or not a number gives the nearest page.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from .models import Country, Region, Topic

PER_PAGE = 12
FILTER_NAMES = ("country", "region", "topic", "year")


class CountryChoiceField(forms.ModelChoiceField):
    """Countries by their lower-case code, as URLs carry them (?country=ph), in either case."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("All countries"))
        super().__init__(queryset=Country.objects.all(), to_field_name="iso_code", **kwargs)

    def label_from_instance(self, obj):
        return obj.name

    def prepare_value(self, value):
        if isinstance(value, Country):
            return value.slug
        return value.lower() if isinstance(value, str) else value

    def to_python(self, value):
        return super().to_python(value.upper() if isinstance(value, str) else value)


class TaxonomyFilterForm(forms.Form):
    """The filters readers see above a listing; every field is optional."""

    country = CountryChoiceField(label=_("Country"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All regions"),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, data, *, years=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("country"):
            queryset = queryset.filter(countries=data["country"])
        if data.get("region"):
            queryset = queryset.filter(countries__region=data["region"])
        if data.get("topic"):
            queryset = queryset.filter(topics=data["topic"])
        if data.get("year"):
            queryset = queryset.filter(date__year=data["year"])
        if data.get("region"):
            queryset = queryset.distinct()
        return queryset


@dataclass(frozen=True)
class ActiveFilter:
    name: str
    label: str
    value: str
    remove_url: str


@dataclass
class Listing:
    form: TaxonomyFilterForm
    page: PaginatorPage
    active_filters: list[ActiveFilter]
    query_string: str  # the active filters, for page links and feeds

    @property
    def items(self):
        return self.page.object_list


def filter_listing(request, queryset, *, years=()):
    """Apply the request's filters; an unknown value is a 404, never a 500 or an echo."""
    params = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        value = request.GET.get(name, "").strip()
        if "\x00" in value:
            raise Http404("Unknown filter value")
        if value:
            params[name] = value.lower() if name == "country" else value
    form = TaxonomyFilterForm(params, years=years)
    if not form.is_valid():
        raise Http404("Unknown filter value")
    return form, params, form.filter(queryset)


def build_listing(request, queryset, *, years=(), per_page=PER_PAGE) -> Listing:
    """Filter by the request's query parameters and cut out the requested page."""
    form, params, filtered = filter_listing(request, queryset, years=years)
    paginator = Paginator(filtered, per_page)
    page = paginator.get_page(nearest_page_number(request.GET.get("page"), paginator))
    active = active_filters(form, params)
    return Listing(form=form, page=page, active_filters=active, query_string=params.urlencode())


def nearest_page_number(raw, paginator) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(paginator.num_pages, 1))


def active_filters(form, params) -> list[ActiveFilter]:
    shown = []
    for name in FILTER_NAMES:
        value = form.cleaned_data.get(name)
        if not value:
            continue
        remaining = {key: val for key, val in params.items() if key != name}
        shown.append(
            ActiveFilter(
                name=name,
                label=str(form.fields[name].label),
                value=str(value),
                remove_url="?" + urlencode(remaining) if remaining else "?",
            )
        )
    return shown
