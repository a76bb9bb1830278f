"""The monitors whose exports the site imports: the name readers see, and the link to the
source's database. No model imported at the top, so that figures (campaigns) can use them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Source:
    key: str
    name: str  # as each case keeps it (CasePage.source_name, its status events)
    url: str
    # The name in the reader's or the staff's language, where the source has one.
    translated_name: str = ""

    @property
    def shown_name(self) -> str:
        return str(self.translated_name or self.name)


SOURCES = {
    "cpj": Source(
        key="cpj",
        name="Committee to Protect Journalists",
        url="https://cpj.org/data/killed/",
        translated_name=gettext_lazy("Committee to Protect Journalists"),
    ),
}


def source_choices():
    """The sources built into the importer, named in the active language."""
    return [(source.key, source.shown_name) for source in SOURCES.values()]


def source_of(key: str) -> Source | None:
    """The source cases imported under `key` come from: built in, a column mapping's (as staff
    named it), or a mapping since deleted (named as its cases keep it)."""
    from .models import CasePage, ColumnMapping

    if not key:
        return None
    if key in SOURCES:
        return SOURCES[key]
    mapping = None
    if key.startswith("mapping-") and key[len("mapping-") :].isdigit():
        mapping = ColumnMapping.objects.filter(pk=int(key[len("mapping-") :])).first()
    if mapping is not None:
        return Source(key=key, name=mapping.source_name, url=mapping.source_url)
    case = CasePage.objects.filter(imported__source=key).order_by("-source_exported_on").first()
    if case is None:
        return None
    return Source(key=key, name=case.source_name, url=case.source_url)


def counted_source_choices() -> list[tuple[str, str]]:
    """Every source the site's cases come from, or will once imported: each built-in source,
    each column mapping, and each source of imported cases whose mapping was deleted since."""
    from .models import ColumnMapping, ImportedCase

    choices = source_choices()
    choices += [
        (mapping.source_key, mapping.source_name)
        for mapping in ColumnMapping.objects.order_by("source_name", "pk")
    ]
    known = {key for key, _name in choices}
    others = (
        ImportedCase.objects.exclude(source__in=known)
        .values_list("source", flat=True)
        .distinct()
        .order_by("source")
    )
    for key in others:
        source = source_of(key)
        if source is not None:
            choices.append((key, source.shown_name))
    return choices
