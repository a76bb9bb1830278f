"""The edge cache: Varnish between nginx and the app servers (ifex/deploy/varnish.vcl), kept
true by Wagtail's frontend cache (`EDGE_CACHE_URL`).

A publish refreshes what changed in place: a GET that skips the kept copy and stores the new
one, so readers keep getting the old copy until the new one is ready and no crowd of them
reaches the app at once. What must leave is purged, never aged: an unpublished, deleted, moved
or newly private page, a page whose address changed (its old address may carry what the change
took out), or a figure taken down bans every page of the site from the edge cache, because
filtered listings, feeds and other pages' asides at addresses no one can list may show it too.
A refresh that does not come back as a page the edge keeps is a PURGE of that address.

Everything runs once the change is committed: a refresh before it would store the old page.
"""

import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from wagtail import signals as wagtail_signals
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.models import PageViewRestriction

logger = logging.getLogger(__name__)

REFRESH_HEADER = "X-Edge-Refresh"
TIMEOUT_SECONDS = 5


class EdgeCacheBackend(HTTPBackend):
    def purge_batch(self, urls):
        urls = list(urls)
        transaction.on_commit(lambda: self.refresh_or_purge(urls))

    def purge(self, url):
        self.purge_batch([url])

    def refresh_or_purge(self, urls):
        for url in urls:
            if not self.refresh(url):
                self.send("PURGE", url)

    def purge_everything(self, hostname: str):
        self.send("BAN", f"http://{hostname}/")

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

    def send(self, method, url):
        try:
            with urllib.request.urlopen(self.request(method, url), timeout=TIMEOUT_SECONDS):
                pass
        except urllib.error.HTTPError as error:
            if error.code != 404:  # 404: the edge held nothing under that address
                logger.error("edge cache: %s %s failed: %s", method, url, error)
        except (urllib.error.URLError, OSError) as error:
            logger.error("edge cache: %s %s failed: %s", method, url, error)

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


def edge_backends():
    return [backend for backend in get_backends().values() if isinstance(backend, EdgeCacheBackend)]


def purge_everything(**kwargs):
    backends = edge_backends()
    if not backends:
        return
    hostnames = {urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname}
    hostnames.update(site.hostname for site in site_records())

    def purge():
        for backend in backends:
            for hostname in hostnames:
                backend.purge_everything(hostname)

    transaction.on_commit(purge)


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
