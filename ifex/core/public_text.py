"""What readers may see of a page, as other apps know it: the cases app keeps a withheld name
out of every page about that person, without the core or the articles knowing that cases exist.

An app registers
- a check (`check_page`), run whenever a page is cleaned (the admin, a translation, an import,
  a shell): it raises Django's ValidationError, keyed by the fields at fault;
- a reader's view (`reader_view`): the page as readers get it, a copy with what they must not
  see taken out, or the page itself;
- a key (`reader_view_key`): what that view depends on beyond the page's own state, for what
  is kept of its rendering (cards): "" when nothing.

Every public rendering of a page shows its reader's view: the page itself (BasePage), its card,
a search result, a feed item, an API record.
"""

CHECKS = []
VIEWS = []


def register(*, check=None, view=None, key=None) -> None:
    if check is not None:
        CHECKS.append(check)
    if view is not None:
        VIEWS.append((view, key))


def check_page(page) -> None:
    for check in CHECKS:
        check(page)


def reader_view(page):
    for view, _key in VIEWS:
        page = view(page)
    return page


def reader_views(pages) -> list:
    return [reader_view(page) for page in pages]


def reader_view_key(page) -> str:
    return "".join(key(page) for _view, key in VIEWS if key is not None)
