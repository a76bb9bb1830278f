"""Figures computed by the database from the published cases: how many cases (in a window of
years, in a country, of a role, from a source, of a motive class, a type of death, a status), or
how many ended in complete impunity out of those whose judicial status is known, as a ratio or
out of 10. A case translated into other languages counts once."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ifex.core.languages import name_in_readers_language
from ifex.core.shared_parts import kept_until_content_changes

from .choices import UNKNOWN_STATUSES, DeathType, Motive, Role, Status
from .sources import source_of

MEASURES = [
    ("count", gettext_lazy("How many cases")),
    ("impunity", gettext_lazy("Cases in complete impunity, out of those with a known status")),
    (
        "impunity_per_ten",
        gettext_lazy("Cases in complete impunity out of 10 of those with a known status"),
    ),
]

# Which motives count. CPJ's headline "journalists and media workers killed" counts the
# journalists whose motive is confirmed and the media workers (CPJ does not classify theirs).
MOTIVE_CLASSES = [
    ("confirmed", gettext_lazy("Motive confirmed")),
    ("confirmed-media-workers", gettext_lazy("Motive confirmed, and media workers")),
    ("unconfirmed", gettext_lazy("Motive unconfirmed")),
]
MOTIVES_OF_CLASS = {
    "confirmed": (Motive.CONFIRMED,),
    "confirmed-media-workers": (Motive.CONFIRMED, Motive.NOT_APPLICABLE),
    "unconfirmed": (Motive.UNCONFIRMED,),
}


@dataclass(frozen=True)
class CaseCount:
    measure: str
    since: int | None = None
    country: object = None
    role: str = ""
    until: int | None = None
    source: str = ""
    motives: str = ""
    death_type: str = ""
    status: str = ""

    @cached_property
    def counted_source(self):
        return source_of(self.source)

    @property
    def source_name(self):
        if self.counted_source is not None:
            return self.counted_source.shown_name
        return gettext_lazy("This site's case records")

    def numbers(self) -> dict:
        """Kept until content changes: a case published or unpublished counts on the next
        request, as it does on every page."""
        country_key = self.country.translation_key if self.country else ""
        key = ":".join(
            str(part)
            for part in (
                "case_counts",
                self.since,
                self.until,
                country_key,
                self.role,
                self.source,
                self.motives,
                self.death_type,
                self.status,
            )
        )
        return kept_until_content_changes(key, self.count_in_database)

    def count_in_database(self) -> dict:
        from .models import CasePage

        cases = CasePage.objects.live().public()
        if self.since:
            cases = cases.filter(attacked_on__year__gte=self.since)
        if self.until:
            cases = cases.filter(attacked_on__year__lte=self.until)
        if self.country:
            cases = cases.filter(country__translation_key=self.country.translation_key)
        if self.role:
            cases = cases.filter(role=self.role)
        if self.source:
            # The cases of this source's record: imported from it (translations included).
            imported = CasePage.objects.filter(imported__source=self.source)
            cases = cases.filter(translation_key__in=imported.values("translation_key"))
        if self.motives:
            cases = cases.filter(motive__in=MOTIVES_OF_CLASS[self.motives])
        if self.death_type:
            cases = cases.filter(type_of_death=self.death_type)
        if self.status:
            cases = cases.filter(status=self.status)
        one_per_case = "translation_key"
        return cases.aggregate(
            total=Count(one_per_case, distinct=True),
            impunity=Count(one_per_case, distinct=True, filter=Q(status=Status.COMPLETE_IMPUNITY)),
            known=Count(one_per_case, distinct=True, filter=~Q(status__in=UNKNOWN_STATUSES)),
            exported_on=Max("source_exported_on"),
        )

    def per_ten(self) -> int | None:
        """Rounded to the nearest whole number, a half up."""
        numbers = self.numbers()
        if not numbers["known"]:
            return None
        return (20 * numbers["impunity"] + numbers["known"]) // (2 * numbers["known"])

    def count(self) -> int | None:
        numbers = self.numbers()
        if self.measure == "impunity_per_ten":
            return self.per_ten()
        return numbers["impunity"] if self.measure == "impunity" else numbers["total"]

    def out_of(self) -> int | None:
        if self.measure == "impunity_per_ten":
            return 10 if self.numbers()["known"] else None
        return self.numbers()["known"] if self.measure == "impunity" else None

    def which_cases(self) -> str:
        which = [_("published cases on this site")]
        if self.counted_source is not None:
            which.append(_("from the record of %(source)s") % {"source": self.source_name})
        if self.role:
            which.append(_("of a %(role)s") % {"role": Role(self.role).label.lower()})
        if self.country:
            which.append(_("in %(country)s") % {"country": name_in_readers_language(self.country)})
        if self.since and self.until:
            years = {"since": self.since, "until": self.until}
            which.append(_("attacked from %(since)s to %(until)s") % years)
        elif self.since:
            which.append(_("attacked in %(year)s or since") % {"year": self.since})
        elif self.until:
            which.append(_("attacked in %(year)s or before") % {"year": self.until})
        if self.death_type:
            which.append(
                _("whose type of death is “%(type)s”")
                % {"type": DeathType(self.death_type).label.lower()}
            )
        if self.motives == "confirmed":
            which.append(_("whose motive is confirmed"))
        elif self.motives == "confirmed-media-workers":
            which.append(
                _(
                    "whose motive is confirmed, and of media workers (the source does not "
                    "classify their motive); cases of unconfirmed motive left out"
                )
            )
        elif self.motives == "unconfirmed":
            which.append(_("whose motive is unconfirmed"))
        if self.status:
            which.append(
                _("whose judicial status is “%(status)s”")
                % {"status": Status(self.status).label.lower()}
            )
        return " ".join(which)

    def method_note(self) -> str:
        """Exactly what was counted, in the reader's language."""
        cases = self.which_cases()
        numbers = self.numbers()
        if self.measure == "impunity_per_ten":
            note = _(
                "Counted by this site: of the %(cases)s whose judicial status is known (cases "
                "with no information, or not tracked by the source, left out), those in "
                "complete impunity: %(impunity)s of %(known)s, shown out of 10 rounded to the "
                "nearest whole number."
            ) % {"cases": cases, "impunity": numbers["impunity"], "known": numbers["known"]}
        elif self.measure == "impunity":
            note = _(
                "Counted by this site: of the %(cases)s whose judicial status is known (cases "
                "with no information left out), those in complete impunity."
            ) % {"cases": cases}
        else:
            note = _("Counted by this site: every one of the %(cases)s.") % {"cases": cases}
        if self.counted_source is not None and numbers["exported_on"]:
            note += " " + _("Source: %(source)s, export of %(date)s.") % {
                "source": self.source_name,
                "date": numbers["exported_on"].isoformat(),
            }
        return note
