"""Filtering and paging for any listing of pages that carry countries, topics and a date.

Bad input never reaches the database as-is: an unknown filter value is a 404 (that listing does
not exist), and a page number out of range or not a number gives the nearest page.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.http import Http404, QueryDict
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .languages import active_locale_id, one_per_translation
from .models import Country, Region, Topic
from .page_cache import kept_until_saved, not_kept
from .shared_parts import kept_until_content_changes

PER_PAGE = 12


class FilterSelect(forms.Select):
    """Django's select, written out here rather than through a template per option: the
    country filter's two hundred options took a quarter of a listing's time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class KeptChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.kept_choices():
            yield self.choice(obj)


class KeptModelChoiceField(forms.ModelChoiceField):
    """A choice of countries, regions or topics read from the cache, not queried on every
    listing: kept until one of them is saved or deleted."""

    iterator = KeptChoiceIterator
    widget = FilterSelect

    def kept_choices(self) -> list:
        """One choice per country, region or topic, named in the reader's language."""
        model = self.queryset.model
        key = f"choices:{model._meta.label_lower}:{self.to_field_name}:{active_locale_id()}"
        return kept_until_saved(key, lambda: one_per_translation(self.queryset), model)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        name = self.to_field_name or "pk"
        for obj in self.kept_choices():
            if str(getattr(obj, name)) == str(value):
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class CountryChoiceField(KeptModelChoiceField):
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


class PlaceAndYearFilterForm(forms.Form):
    """Where and when: the filters every listing has; each optional. A subclass adds its own
    and says how they filter (`filter(queryset)`)."""

    country = CountryChoiceField(label=_("Country"), required=False)
    region = KeptModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All regions"),
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
        widget=FilterSelect,
    )

    def __init__(self, data, *, years=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]


class TaxonomyFilterForm(PlaceAndYearFilterForm):
    """The filters readers see above a listing of articles or statements."""

    topic = KeptModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    field_order = ["country", "region", "topic", "year"]

    def filter(self, queryset):
        """Pages tagged with the chosen country, region or topic in any of its languages."""
        data = self.cleaned_data
        if data.get("country"):
            queryset = queryset.filter(countries__translation_key=data["country"].translation_key)
        if data.get("region"):
            region_key = data["region"].translation_key
            queryset = queryset.filter(countries__region__translation_key=region_key)
        if data.get("topic"):
            queryset = queryset.filter(topics__translation_key=data["topic"].translation_key)
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


class UnreadableFilter(ValueError):
    """A filter's value holds a NUL character, which PostgreSQL refuses: no record has it."""


def bound_filter_form(form_class, query, *, years=()):
    """`form_class` bound to the filters in `query` (a request's GET): empty values dropped, a
    country code in either case; (form, params), the form not yet validated. Raises
    UnreadableFilter. Pages answer a bad value with a 404, the API with a 400."""
    params = QueryDict(mutable=True)
    for name in form_class.base_fields:
        value = query.get(name, "").strip()
        if "\x00" in value:
            raise UnreadableFilter(name)
        if value:
            params[name] = value.lower() if name == "country" else value
    return form_class(params, years=years), params


def filter_listing(request, queryset, *, years=(), form_class=TaxonomyFilterForm):
    """Apply the request's filters; an unknown value is a 404, never a 500 or an echo."""
    try:
        form, params = bound_filter_form(form_class, request.GET, years=years)
    except UnreadableFilter:
        raise Http404("Unknown filter value") from None
    if not form.is_valid():
        raise Http404("Unknown filter value")
    return form, params, form.filter(queryset)


class KeptCountPaginator(Paginator):
    """Django's paginator with its count kept until content changes, under `count_key`."""

    def __init__(self, object_list, per_page, *, count_key):
        super().__init__(object_list, per_page)
        self.count_key = count_key

    @cached_property
    def count(self):
        return kept_until_content_changes(self.count_key, lambda: Paginator.count.func(self))


class ListingPaginator(KeptCountPaginator):
    """For a listing in a fixed order, a page in the back half is also read from the end (the
    last of 10,000 articles is an OFFSET of 10, not of 9,990)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count // 2:
            return super().page(number)
        backwards = self.object_list.reverse()[self.count - top : self.count - bottom]
        return self._get_page(list(backwards)[::-1], number, self)


def years_with_pages(model) -> list[int]:
    """The years that have live, public pages of `model`, newest first, for a year filter."""
    return kept_until_content_changes(
        f"years:{model._meta.label_lower}",
        lambda: [day.year for day in model.objects.live().public().dates("date", "year", "DESC")],
    )


def build_listing(
    request,
    queryset,
    *,
    listing_key,
    years=(),
    per_page=PER_PAGE,
    form_class=TaxonomyFilterForm,
) -> Listing:
    """Filter by the request's query parameters and cut out the requested page. `listing_key`
    names the unfiltered listing (its count is kept under it and the filters); `form_class`,
    a form with a `filter(queryset)` method, says which filters there are."""
    form, params, filtered = filter_listing(request, queryset, years=years, form_class=form_class)
    paginator = ListingPaginator(
        filtered, per_page, count_key=f"count:{listing_key}?{params.urlencode()}"
    )
    page = paginator.get_page(requested_page_number(request, paginator))
    active = active_filters(form, params)
    return Listing(form=form, page=page, active_filters=active, query_string=params.urlencode())


def requested_page_number(request, paginator) -> int:
    """The page of `paginator` the request asks for, or the nearest; an address that asks for
    it otherwise than as its number (?page=02, ?page=x, past the last page) is not kept."""
    raw = request.GET.get("page")
    number = nearest_page_number(raw, paginator)
    if raw is not None and raw != str(number):
        not_kept(request)
    return number


def nearest_page_number(raw, paginator) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(paginator.num_pages, 1))


def chosen_filters(form) -> list[tuple[str, str, str]]:
    """(name, label, value in words) of each filter a valid form applies."""
    chosen = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not value:
            continue
        if type(field) is forms.ChoiceField:
            value = dict(field.choices).get(value, value)  # a status's words, not its key
        chosen.append((name, str(field.label), str(value)))
    return chosen


def active_filters(form, params) -> list[ActiveFilter]:
    shown = []
    for name, label, value in chosen_filters(form):
        remaining = {key: val for key, val in params.items() if key != name}
        shown.append(
            ActiveFilter(
                name=name,
                label=label,
                value=value,
                remove_url="?" + urlencode(remaining) if remaining else "?",
            )
        )
    return shown
