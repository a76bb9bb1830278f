"""The edge cache: Varnish between nginx and the app servers (ifex/deploy/varnish.vcl), kept
true by Wagtail's frontend cache (`EDGE_CACHE_URL`).

A publish refreshes what changed in place: a GET that skips the kept copy and stores the new
one, so readers keep getting the old copy until the new one is ready and no crowd of them
reaches the app at once. What must leave is purged, never aged: an unpublished, deleted, moved
or newly private page, a page whose address changed (its old address may carry what the change
took out), or a figure taken down bans every page of the site from the edge cache, because
filtered listings, feeds and other pages' asides at addresses no one can list may show it too.
A refresh that does not come back as a page the edge keeps is a PURGE of that address.

Refreshes are the background worker's (`refresh_at_the_edge`, `manage.py db_worker --backend
background`): a publish returns at once, and readers keep the old copy for the seconds they take.
Bans are not: they are sent before the response of the change that needs them, and a ban the edge
does not take fails closed. It is owed (`EdgeBanOwed`, in the database every app server reads):
the edge's probe of `/healthz/edge` fails while one is, and the edge then serves no kept page,
passing every request to the app servers (whose own page cache follows the database); each probe
sends the ban again, and the edge serves from its cache once one is taken. The change's response
waits until every probe has been told (GUARD_WAIT_SECONDS), or the ban was taken meanwhile.

Everything runs once the change is committed: a refresh before it would store the old page.
"""

import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django_tasks import task
from wagtail import signals as wagtail_signals
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.models import PageViewRestriction

logger = logging.getLogger(__name__)

REFRESH_HEADER = "X-Edge-Refresh"
TIMEOUT_SECONDS = 5
# The edge's probe of the app servers (varnish.vcl, `owes_nothing`), answered by the health
# middleware before any host check: the probe names no host the site serves.
GUARD_PATH = "/healthz/edge"
# A ban sent again from the probe's request waits no longer than the probe does.
GUARD_BAN_TIMEOUT_SECONDS = 0.8
# How long the response of a change whose ban failed waits for the edge to pass: a probe that
# read the database just before the debt was written answers within its timeout (1 s), and the
# next one, a second later, reads the debt.
GUARD_WAIT_SECONDS = 2.5
BAN_ATTEMPTS = 2


class EdgeCacheBackend(HTTPBackend):
    def __init__(self, params):
        self.location = params["LOCATION"]  # before Wagtail's backend takes it out of params
        super().__init__(params)

    def purge_batch(self, urls):
        urls = sorted(set(urls))
        if urls:
            transaction.on_commit(lambda: queue_refresh(self.location, urls))

    def purge(self, url):
        self.purge_batch([url])

    def refresh_or_purge(self, urls):
        # The pages highest in the tree first: the language homes, then the sections, which
        # most readers arrive at.
        for url in sorted(set(urls), key=lambda url: (urlsplit(url).path.count("/"), url)):
            if not self.refresh(url):
                self.send("PURGE", url)

    def purge_everything(self, hostname: str) -> bool:
        """True once the edge took the ban."""
        return any(self.send("BAN", f"http://{hostname}/") for _ in range(BAN_ATTEMPTS))

    def ban_again(self, hostname: str) -> bool:
        return self.send("BAN", f"http://{hostname}/", timeout=GUARD_BAN_TIMEOUT_SECONDS)

    def refresh(self, url) -> bool:
        """True when the edge now keeps the page as the app renders it after the change."""
        try:
            with urllib.request.urlopen(
                self.request("GET", url, {REFRESH_HEADER: "1"}), timeout=TIMEOUT_SECONDS
            ) as response:
                response.read()
                return response.status == 200 and kept_by_the_edge(response.headers)
        except (urllib.error.URLError, OSError) as error:
            logger.info("edge cache: %s not refreshed (%s), purging it", url, error)
            return False

    def send(self, method, url, timeout=TIMEOUT_SECONDS) -> bool:
        """True when the edge did as asked."""
        try:
            with urllib.request.urlopen(self.request(method, url), timeout=timeout):
                return True
        except urllib.error.HTTPError as error:
            if error.code == 404 and method == "PURGE":
                return True  # the edge held nothing under that address
            logger.error("edge cache: %s %s failed: %s", method, url, error)
        except (urllib.error.URLError, OSError) as error:
            logger.error("edge cache: %s %s failed: %s", method, url, error)
        return False

    def request(self, method, url, headers=None):
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        address = urlunsplit(
            (self.cache_scheme, self.cache_netloc, parts.path, parts.query, parts.fragment)
        )
        return urllib.request.Request(
            address, headers={"Host": host, **(headers or {})}, method=method
        )


def kept_by_the_edge(headers) -> bool:
    """What the edge keeps (varnish.vcl, vcl_backend_response): an answer the app marked as
    shared that sets no cookie, fetched anew from the app."""
    cache_control = headers.get("Cache-Control", "")
    return (
        headers.get("X-Edge-Cache") == "MISS"
        and "public" in cache_control
        and "s-maxage" in cache_control
        and not headers.get("Set-Cookie")
    )


# Before the renditions queued by the same publish: readers wait for this one.
@task(backend="background", priority=50)
def refresh_at_the_edge(location: str, urls: list[str]):
    """The pages a publish changed, fetched anew into the edge (by the background worker)."""
    EdgeCacheBackend({"LOCATION": location}).refresh_or_purge(urls)


def queue_refresh(location, urls):
    try:
        refresh_at_the_edge.enqueue(location, urls)
    except Exception as error:  # the publish is done: its pages show within s-maxage
        logger.error("edge cache: refresh of %d pages not queued: %s", len(urls), error)


def edge_backends():
    return [backend for backend in get_backends().values() if isinstance(backend, EdgeCacheBackend)]


def purge_everything(**kwargs):
    backends = edge_backends()
    if not backends:
        return
    hostnames = {urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname}
    hostnames.update(site.hostname for site in site_records())
    transaction.on_commit(lambda: ban_everywhere(backends, sorted(hostnames)))


def ban_everywhere(backends, hostnames):
    """Every page of each host out of the edge before the change's response; a ban the edge
    did not take is owed, and the response waits until the edge knows it."""
    from .models import EdgeBanOwed

    owed = [
        hostname
        for hostname in hostnames
        if not all(backend.purge_everything(hostname) for backend in backends)
    ]
    if not owed:
        return
    logger.error("edge cache: bans not taken for %s: the edge passes until they are", owed)
    for hostname in owed:
        EdgeBanOwed.objects.update_or_create(
            hostname=hostname, defaults={"owed_since": timezone.now()}
        )
    deadline = time.monotonic() + GUARD_WAIT_SECONDS
    while time.monotonic() < deadline:
        if not EdgeBanOwed.objects.filter(hostname__in=owed).exists():
            return  # a probe's request sent the ban again, and the edge took it
        time.sleep(0.1)


def guard_answer() -> HttpResponse:
    """The edge's probe: 200 while no ban is owed (it serves its kept pages), 503 while one
    is (it passes every request to the app servers). A ban owed is sent again first."""
    from .models import EdgeBanOwed

    try:
        owed = list(EdgeBanOwed.objects.all())
        backends = edge_backends()
        still_owed = []
        for debt in owed:
            if backends and all(backend.ban_again(debt.hostname) for backend in backends):
                # Only the debt as read: a ban that failed since is owed anew.
                EdgeBanOwed.objects.filter(
                    hostname=debt.hostname, owed_since=debt.owed_since
                ).delete()
            else:
                still_owed.append(debt.hostname)
    except DatabaseError as error:
        logger.warning("edge cache: bans owed unreadable: %s", error)
        still_owed = ["unknown"]  # whether one is owed is unknown: the edge passes
    response = HttpResponse(
        "bans owed" if still_owed else "nothing owed",
        content_type="text/plain",
        status=503 if still_owed else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def site_records():
    from wagtail.models import Site

    return Site.objects.only("hostname")


def connect():
    """The changes after which a page may have to leave every address that shows it."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    for name, signal in (
        ("page_unpublished", wagtail_signals.page_unpublished),
        ("unpublished", wagtail_signals.unpublished),
        ("page_slug_changed", wagtail_signals.page_slug_changed),
        ("post_page_move", wagtail_signals.post_page_move),
    ):
        signal.connect(purge_everything, dispatch_uid=f"edge_cache_{name}")
    from django.db.models.signals import post_delete, post_save

    for model in (PageViewRestriction,):
        post_save.connect(purge_everything, sender=model, dispatch_uid="edge_cache_private")
        post_delete.connect(purge_everything, sender=model, dispatch_uid="edge_cache_public")
    from wagtail.models import Page

    post_delete.connect(purge_everything, sender=Page, dispatch_uid="edge_cache_deleted")
