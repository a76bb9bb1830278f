"""What other apps know a page is about: an article lists the cases it concerns, without the
articles app knowing that cases exist. An app registers a heading and a function that gives
the pages (or records with a `url` and a `title`) for a page."""

CONCERNS = []


def register_concern(heading, lookup) -> None:
    CONCERNS.append((heading, lookup))


def concerns_of(page) -> list[tuple[str, list]]:
    found = []
    for heading, lookup in CONCERNS:
        items = lookup(page)
        if items:
            found.append((heading, items))
    return found
