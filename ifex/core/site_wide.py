"""What every request reads about the site before its page (the site that answers it, Wagtail's
site root paths, the locales, the restricted paths), read in one query by a worker that keeps
none of it: one just started, or after a change to the sites, the locales or the language
homes. Each part is then kept by the worker (`kept_by_worker`) as its own reader keeps it,
under the same key and versions; a change to one part alone re-reads that part alone.

Another app adds what every request of its own needs (`read_with_the_site`) without the core
knowing it: the cases app, whose names are withheld."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Subquery
from django.db.models.functions import JSONObject
from django.http.request import split_domain_port
from wagtail.models import Locale, PageViewRestriction, Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
    SiteRootPath,
)

from .languages import LOCALE_IDS_KEY
from .page_cache import (
    keep_by_worker,
    keeps_by_worker,
    model_version_key,
    root_paths_homes,
    root_paths_versions,
    site_key,
    worker_versions,
)
from .pages import RESTRICTED_PATHS_KEY

# Other apps' parts: each its key, its version keys, a queryset of one `row` value per row, and
# how its kept value is made from the list of rows.
OTHER_PARTS: list[tuple] = []


def read_with_the_site(key: str, version_keys, rows, value) -> None:
    OTHER_PARTS.append((key, list(version_keys), rows, value))


def read_together(request):
    if keeps_by_worker("site_root_paths", root_paths_versions()):
        return
    parts = {
        site_key(request): [model_version_key(Site)],
        "site_root_paths": root_paths_versions(),
        LOCALE_IDS_KEY: [model_version_key(Locale)],
        RESTRICTED_PATHS_KEY: [model_version_key(PageViewRestriction)],
    }
    parts.update({key: version_keys for key, version_keys, _rows, _value in OTHER_PARTS})
    versions = {key: worker_versions(version_keys) for key, version_keys in parts.items()}
    sites = list(in_one_query())
    if not sites:
        return  # no site at all: each part is read (and found empty) by its own reader
    hostname = split_domain_port(request._get_raw_host())[0]
    values = {
        site_key(request): site_for_hostname(sites, hostname, request.get_port()),
        "site_root_paths": [
            SiteRootPath(site.id, url_path, site.root_url, language_code)
            for site in sites
            for url_path, language_code in site.homes or []
        ],
        LOCALE_IDS_KEY: {row["code"]: row["id"] for row in sites[0].locales},
        RESTRICTED_PATHS_KEY: sorted(set(sites[0].restricted_paths)),
    }
    for number, (key, _version_keys, _rows, value) in enumerate(OTHER_PARTS):
        values[key] = value(getattr(sites[0], f"part_{number}") or [])
    for key, value in values.items():
        keep_by_worker(key, value, versions[key])


def in_one_query():
    """Every site with its root page and its home's translations (in Wagtail's order for the
    root paths), each row also carrying the locales and the restricted paths."""
    locales = Locale.objects.order_by().values(row=JSONObject(code="language_code", id="id"))
    restricted = PageViewRestriction.objects.order_by().values("page__path")
    others = {
        f"part_{number}": ArraySubquery(rows().order_by().values("row"))
        for number, (_key, _version_keys, rows, _value) in enumerate(OTHER_PARTS)
    }
    return (
        Site.objects.select_related("root_page")
        .annotate(
            homes=Subquery(root_paths_homes()),
            locales=ArraySubquery(locales),
            restricted_paths=ArraySubquery(restricted),
            **others,
        )
        .order_by("-root_page__url_path", "-is_default_site", "hostname")
    )


def site_for_hostname(sites, hostname, port):
    """Wagtail's `get_site_for_hostname`, among sites already read. The port comes as the
    request has it, a string: the database compares it as a number."""
    try:
        port = int(port)
    except (TypeError, ValueError):
        port = None
    ranked = []
    for site in sorted(sites, key=lambda site: site.pk):
        if site.hostname == hostname and site.port == port:
            ranked.append((MATCH_HOSTNAME_PORT, site))
        elif site.hostname == hostname and site.is_default_site:
            ranked.append((MATCH_HOSTNAME_DEFAULT, site))
        elif site.is_default_site:
            ranked.append((MATCH_DEFAULT, site))
        elif site.hostname == hostname:
            ranked.append((MATCH_HOSTNAME, site))
    ranked.sort(key=lambda match: match[0])
    if not ranked:
        return None
    if len(ranked) == 1 or ranked[0][0] in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return ranked[0][1]
    if ranked[0][0] == MATCH_DEFAULT:
        return ranked[len(ranked) == 2][1]
    return None
