"""How cases are listed and filtered: by country, region, year of the attack, role and status,
and by the source's own words for the motive and the type of death."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ifex.core.listing import FilterSelect, PlaceAndYearFilterForm
from ifex.core.pages import SitePageQuerySet, with_alias_locale
from ifex.core.shared_parts import kept_until_content_changes

from .choices import DeathType, Motive, Role, Status


class CaseQuerySet(SitePageQuerySet):
    def for_listing(self):
        """Live, public cases, the latest attack first, with their country in the same query,
        and for an alias (a case not yet translated) its original's language, marked on it."""
        return with_alias_locale(
            super().for_listing().select_related("country").order_by("-attacked_on", "-pk")
        )


def years_with_cases() -> list[int]:
    from .models import CasePage

    return kept_until_content_changes(
        "years:cases.casepage",
        lambda: [
            day.year
            for day in CasePage.objects.live().public().dates("attacked_on", "year", "DESC")
        ],
    )


class CaseFilterForm(PlaceAndYearFilterForm):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *Role.choices],
        widget=FilterSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Status.choices],
        widget=FilterSelect,
    )
    motive = forms.ChoiceField(
        label=_("Motive"),
        required=False,
        choices=[("", _("All motives")), *Motive.choices],
        widget=FilterSelect,
    )
    type_of_death = forms.ChoiceField(
        label=_("Type of death"),
        required=False,
        choices=[("", _("All types of death")), *DeathType.choices],
        widget=FilterSelect,
    )

    # The fields a case keeps the source's word in, each filtered on as it is.
    VOCABULARY = ("role", "status", "motive", "type_of_death")

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("country"):
            queryset = queryset.filter(country__translation_key=data["country"].translation_key)
        if data.get("region"):
            queryset = queryset.filter(
                country__region__translation_key=data["region"].translation_key
            )
        if data.get("year"):
            queryset = queryset.filter(attacked_on__year=data["year"])
        chosen = {name: data[name] for name in self.VOCABULARY if data.get(name)}
        return queryset.filter(**chosen)
