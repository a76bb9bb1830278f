"""What pages share and keep until content changes (an address's route, a listing's count and
years, an article's aside, a search's candidates, the cards of a listing): kept in the shared
cache under the content version, and in each worker's memory beside it, so that a page the page
cache missed reads none of them from the cache again. On a server whose cores the database,
Redis and the workers share, each read from Redis cost a page about as much as a query.

A worker serves a part from its memory only under the content version as this very request
found it: the page cache's lookup reads the cache's copy of the version for every reader's
request (and the database when it differs), so a part is exactly as current as a cached page
would be. A request the page cache did not look up (signed-in staff, a form's POST) reads the
cache's copy once for all its parts. Every change readers see replaces the content version (a
saved site setting, country or image too: `page_cache.saved`), so the versions of the models a
card borrows are read anew with it. Outside a request (a mailing, a task) nothing is kept here.

Kept pickled and read afresh by each request, as from the cache, in the worker's one memory
(`page_cache.KEPT_BY_WORKER`, the least recently used going first past its bound).
"""

import contextlib
import threading

from django.core.cache import cache
from django.core.signals import request_finished, request_started

from .page_cache import (
    KEPT_BY_WORKER,
    VERSION_KEY,
    current_version,
    kept_in_cache,
    read_cache,
    this_request,
)

# Whether this request has read the cache's copy of the content version (the page cache's
# lookup did, or the first part asked for here).
version_checked = threading.local()


def forget_the_version_check(**kwargs):
    version_checked.done = False


class VersionCheckedMiddleware:
    """Right after the page cache's: a request the page cache looked up and missed has read the
    content version as the cache and the database have it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "page_cache_entry_candidate", None) is not None:
            version_checked.done = True
        return self.get_response(request)


def in_a_request() -> bool:
    return getattr(this_request, "kept", None) is not None


def checked_version(version_keys=()) -> tuple | None:
    """The content version (and `version_keys`') as current as this request can know them;
    None when they cannot be read (then nothing is served from memory)."""
    if not getattr(version_checked, "done", False):
        hint = read_cache(lambda: cache.get(VERSION_KEY), None)
        if current_version(VERSION_KEY, hint) is None:
            return None
        version_checked.done = True
    versions = tuple(current_version(key, None) for key in (VERSION_KEY, *version_keys))
    return None if None in versions else versions


def remembered(key: str, versions: tuple):
    """The value kept under `key` if it was read under `versions`, else a miss (KeyError)."""
    return KEPT_BY_WORKER.read(key, versions)


def remember(key: str, versions: tuple | None, value) -> None:
    """Keeps `value`, read under `versions`, in this worker's memory (in a request only)."""
    if versions is not None and in_a_request():
        KEPT_BY_WORKER.keep(key, versions, value)


def kept_until_content_changes(key: str, compute):
    """`compute()`, kept in the cache under the content version like a page, and in this
    worker's memory beside it; read once per request."""
    if not in_a_request():
        return kept_in_cache(key, compute, VERSION_KEY)
    memo = this_request.kept
    if key in memo:
        return memo[key]
    versions = checked_version()
    try:
        value = remembered(key, versions)
    except KeyError:
        value = kept_in_cache(key, compute, VERSION_KEY)
        if versions == checked_version():  # no change landed meanwhile
            remember(key, versions, value)
    memo[key] = value
    return value


def remembered_many(keys, version_keys) -> tuple[tuple | None, dict]:
    """The versions of `version_keys` as current as this request can know them (None outside
    a request, or when they cannot be read), and those of `keys` this worker kept under them."""
    if not in_a_request():
        return None, {}
    versions = checked_version(version_keys)
    if versions is None:
        return None, {}
    versions = versions[1:]
    found = {}
    for key in keys:
        with contextlib.suppress(KeyError):
            found[key] = remembered(key, versions)
    return versions, found


def connect():
    request_started.connect(forget_the_version_check, dispatch_uid="shared_parts_begin")
    request_finished.connect(forget_the_version_check, dispatch_uid="shared_parts_end")
