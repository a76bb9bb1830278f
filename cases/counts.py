"""Figures computed by the database from the published cases: how many cases (since a year,
in a country, of a role), or how many ended in complete impunity out of those whose judicial
status is known. A case translated into other languages counts once."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ifex.core.languages import name_in_readers_language
from ifex.core.page_cache import kept_until_content_changes

from .choices import UNKNOWN_STATUSES, Role, Status

MEASURES = [
    ("count", gettext_lazy("How many cases")),
    ("impunity", gettext_lazy("Cases in complete impunity, out of those with a known status")),
]


@dataclass(frozen=True)
class CaseCount:
    measure: str
    since: int | None = None
    country: object = None
    role: str = ""
    source_name = gettext_lazy("This site's case records")

    def numbers(self) -> dict:
        """Kept until content changes: a case published or unpublished counts on the next
        request, as it does on every page."""
        country_key = self.country.translation_key if self.country else ""
        key = f"case_counts:{self.since}:{country_key}:{self.role}"
        return kept_until_content_changes(key, self.count_in_database)

    def count_in_database(self) -> dict:
        from .models import CasePage

        cases = CasePage.objects.live().public()
        if self.since:
            cases = cases.filter(attacked_on__year__gte=self.since)
        if self.country:
            cases = cases.filter(country__translation_key=self.country.translation_key)
        if self.role:
            cases = cases.filter(role=self.role)
        one_per_case = "translation_key"
        return cases.aggregate(
            total=Count(one_per_case, distinct=True),
            impunity=Count(one_per_case, distinct=True, filter=Q(status=Status.COMPLETE_IMPUNITY)),
            known=Count(one_per_case, distinct=True, filter=~Q(status__in=UNKNOWN_STATUSES)),
        )

    def count(self) -> int:
        numbers = self.numbers()
        return numbers["impunity"] if self.measure == "impunity" else numbers["total"]

    def out_of(self) -> int | None:
        return self.numbers()["known"] if self.measure == "impunity" else None

    def method_note(self) -> str:
        """Exactly what was counted, in the reader's language."""
        which = [_("published cases on this site")]
        if self.role:
            which.append(_("of a %(role)s") % {"role": Role(self.role).label.lower()})
        if self.country:
            which.append(_("in %(country)s") % {"country": name_in_readers_language(self.country)})
        if self.since:
            which.append(_("attacked in %(year)s or since") % {"year": self.since})
        cases = " ".join(which)
        if self.measure == "impunity":
            return _(
                "Counted by this site: of the %(cases)s whose judicial status is known (cases "
                "with no information left out), those in complete impunity."
            ) % {"cases": cases}
        return _("Counted by this site: every one of the %(cases)s.") % {"cases": cases}
