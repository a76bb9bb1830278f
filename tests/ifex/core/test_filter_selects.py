"""The listings' filter menus are written out in Python (ifex/core/listing.py FilterSelect), not
through Django's template per option: what readers get must be Django's select, option for
option, with the chosen value selected and every name escaped."""

import pytest
from django import forms
from django.http import QueryDict
from django.test.html import parse_html

from cases.listing import CaseFilterForm
from ifex.core.factories import CountryFactory, TopicFactory
from ifex.core.listing import TaxonomyFilterForm

pytestmark = pytest.mark.django_db


def as_django_draws_it(bound_field) -> str:
    widget = bound_field.field.widget
    django_widget = forms.Select(attrs=widget.attrs, choices=widget.choices)
    return bound_field.as_widget(widget=django_widget)


@pytest.mark.parametrize(
    ("form_class", "query"),
    [
        (TaxonomyFilterForm, "country=ci&topic=courts&year=2024"),
        (TaxonomyFilterForm, ""),
        (CaseFilterForm, "country=ci&status=complete-impunity&role=journalist"),
    ],
)
def test_filter_menus_are_django_s_selects(form_class, query):
    CountryFactory(iso_code="CI", name="Côte d'Ivoire <&>")
    TopicFactory(slug="courts", name='"Courts" & trials')
    form = form_class(QueryDict(query), years=[2025, 2024])
    assert form.is_valid(), form.errors
    selected = 0
    for field in form:
        drawn = str(field)
        assert parse_html(drawn) == parse_html(as_django_draws_it(field)), field.name
        selected += drawn.count(" selected")
    assert selected == len(form.fields)  # a chosen value, or the "All …" option
    assert "Côte d&#x27;Ivoire &lt;&amp;&gt;" in str(form["country"])
