"""The monitors whose exports the site imports: the name readers see, and the link to the
source's database. No model here, so that figures (campaigns) can offer them as choices."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    url: str


SOURCES = {
    "cpj": Source(
        key="cpj",
        name="Committee to Protect Journalists",
        url="https://cpj.org/data/killed/",
    ),
}


def source_choices():
    return [(source.key, source.name) for source in SOURCES.values()]
