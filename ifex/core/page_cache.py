"""The page cache: anonymous readers get public pages from the shared cache, kept true by a
site-wide content version that every publish, unpublish, move, delete and snippet change replaces.

Which views may be cached is said once, in ifex/urls.py (`decorate_urlpatterns` with
`public_page`): the admin, documents, media and password forms are never among them. A response
is kept only when it went to a request without a session (no one signed in, no page password
given), set no cookie, used no CSRF token and is an ordinary 200. A cached entry carries the
content version it was rendered under, read before rendering: a publish that lands while a page
renders leaves that render unused, never stale. Dates shown "as of today" are safe too: the key
holds the day, and the scheme (http or https, as Django sees it behind the proxy).

A page is kept once per value of the query parameters it reads, and only those: each view says
which (`reads_query`, or a page model's `query_parameters`), and sees no other. An address with
any other parameter (`?utm_source=`, a random cache-buster) is the same entry.

The versions live in the database (`ContentVersion`), replaced in the same transaction as the
change: every app server reads them there, so a publish on one stops every other serving what it
replaced, whether or not the cache could be written. Each worker reads them at most once every
PAGE_CACHE_VERSION_CHECK_SECONDS, and at once when the copy in the cache (written on every
change, a hint) differs from what it knows. A cache that cannot be written (a full disk, a
read-only folder, a Redis that refuses writes or is down) costs speed, never a stale page: its
old entries carry versions the database has retired.

No herd after a publish: the changes one transaction makes are one new version (a figure
published with its three translations is one change, not eight), and while one request renders a
changed page the readers arriving meanwhile get the version before (`X-Page-Cache: stale`, never
kept by another cache), for at most PAGE_CACHE_RENDER_SECONDS. Never after something was taken
away: any change but a publish (an unpublish, a page made private, moved or deleted, a snippet
saved or deleted) also replaces REMOVALS_KEY, and an entry rendered before that is no page's
version before.

The cache is Django's (`CACHES`): Redis when several app servers share it. When it fails, pages
are rendered as if nothing were cached (ifex/core/cache.py keeps its errors out of requests).
"""

import functools
import hashlib
import logging
import math
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import JSONBAgg
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONArray
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.middleware.security import SecurityMiddleware
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language_from_path
from wagtail import signals as wagtail_signals
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import (
    DraftStateMixin,
    Locale,
    Page,
    PageViewRestriction,
    ReferenceIndex,
    Site,
)
from wagtail.models.sites import (
    SITE_ROOT_PATHS_CACHE_KEY,
    SITE_ROOT_PATHS_CACHE_VERSION,
    SiteRootPath,
)

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
# Replaced with VERSION_KEY by every change but a publish: pages rendered before it are never
# served as the version before (`stale`).
REMOVALS_KEY = "pagecache:removals"
CACHE_STATUS_HEADER = "X-Page-Cache"


def public_page(view):
    """Marks a view whose answers to anonymous readers are the same for all of them: the page
    cache may keep them and a CDN may hold them (`s-maxage`); signed-in staff get `private`.
    The headers are set by the middleware, once the answer is rendered (a template may yet ask
    for a CSRF token)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.public_page = True
    return wrapped


# A view marked with this reads the parameters its page declares (Wagtail's serve: which page
# answers is known only once the address is routed).
PAGE_DECLARES = object()


def reads_query(*names):
    """Declares the query parameters a public view reads: the page cache keeps one entry per
    value of these, and the view sees no other parameter."""

    def declare(view):
        @functools.wraps(view)
        def reading(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        reading.query_parameters = PAGE_DECLARES if names == (PAGE_DECLARES,) else names
        return reading

    return declare


def query_read(query: QueryDict, names) -> str:
    """The parameters `names` of `query`, in one order: what the key and the view see."""
    return urlencode(
        [(name, value) for name in sorted(set(names)) for value in query.getlist(name)]
    )


def read_only(request, names):
    """From here on, the view sees only the parameters `names` (a cacheable request): what it
    renders depends on nothing the cache key leaves out, not even in a link that repeats the
    address (the language switcher, a download's citation)."""
    if getattr(request, "page_cache_entry", None) is None:
        return
    names = tuple(names)
    kept = query_read(request.GET, names)
    request.page_cache_reads = names
    request.META["QUERY_STRING"] = kept
    request.GET = QueryDict(kept)


def true_until(request, moment) -> None:
    """What this request answers stops being true at `moment` (a form that closes then): no
    cache, ours or a CDN's, keeps the answer past it."""
    current = getattr(request, "page_cache_true_until", None)
    if moment is not None and (current is None or moment < current):
        request.page_cache_true_until = moment


def bounded(request, seconds: int) -> int:
    until = getattr(request, "page_cache_true_until", None)
    if until is None:
        return seconds
    left = math.floor((until - timezone.now()).total_seconds())  # gone at or before it
    return max(0, min(seconds, left))


def set_cache_headers(request, response):
    if reader_may_share(request, response):
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=bounded(request, settings.CACHE_CONTROL_MAX_AGE),
        )
    elif not response.has_header("Cache-Control"):
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)


def in_one_piece(response):
    """A feed is written in thousands of small pieces, and gunicorn sends each piece in a call
    of its own, every time the page is served from the cache: one piece, one call."""
    if not response.streaming and (not hasattr(response, "render") or response.is_rendered):
        response.content = response.content


def is_anonymous(request) -> bool:
    """No session: not signed in and no page password given. Known without a query."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def not_kept(request) -> None:
    """The view shows under this address what it shows under another (a page number written
    otherwise, a search's spaces): answered, not kept, so a cache-buster in a parameter the
    page reads makes no new entry."""
    request.page_cache_not_kept = True


def reader_may_share(request, response) -> bool:
    return (
        not getattr(request, "page_cache_not_kept", False)
        and is_anonymous(request)
        and not getattr(request, "is_preview", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A form with a CSRF token belongs to the reader it was made for.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def lifetime(request) -> int:
    if request.resolver_match.url_name == "search":
        return bounded(request, settings.PAGE_CACHE_SEARCH_SECONDS)
    return bounded(request, settings.PAGE_CACHE_SECONDS)


def page_key(request, reads) -> str:
    today = timezone.localdate().isoformat()
    # As LocaleMiddleware will choose it (the lookup comes before it runs): the address's
    # prefix, or English without one, whatever the browser's Accept-Language says.
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    query = query_read(request.GET, reads)
    identity = "|".join((request.scheme, request.get_host(), language, request.path, query, today))
    return PAGE_KEY_PREFIX + hashlib.sha256(identity.encode()).hexdigest()


# An entry is (content version, parameters read, answer, removals version), the answer being
# (status line, headers, body) as `stored_answer` makes it. ("pagecache:page:" held a pickled
# HttpResponse: an entry of an older release is never read as one of these.)
PAGE_KEY_PREFIX = "pagecache:answer:"


def stored_answer(response) -> tuple[str, list[tuple[str, str]], bytes]:
    """What the cache keeps of a response: its status line, its headers as a hit carries them
    (those of the middleware below, not yet SecurityMiddleware's: settings a new release brings
    apply to pages kept by the one before), and its bytes. A hit is sent as it is, with no
    response object made and none unpickled."""
    headers = [(name, value) for name, value in response.items() if name != CACHE_STATUS_HEADER]
    headers.append((CACHE_STATUS_HEADER, "hit"))
    return f"{response.status_code} {response.reason_phrase}", headers, response.content


def as_response(answer) -> HttpResponse:
    status, headers, body = answer
    response = HttpResponse(body, status=int(status.split(" ", 1)[0]))
    for name, value in headers:
        response[name] = value
    return response


NEVER_CACHED_PREFIXES = ("/admin/", "/documents/", "/_util/")

# The query parameters the view at an address reads, as this worker last found them (a page
# is stored with them): the first lookup of an address in a worker assumes none, and learns.
PARAMETERS_READ: dict[tuple[str, str], tuple] = {}
PARAMETERS_READ_KEPT = 10_000


class PageCacheMiddleware:
    """Listed right after WhiteNoise: a cached page is answered before sessions, CSRF, users and
    URL resolution are even looked at, with the headers the middleware below gave it when it was
    stored. Only what a `public_page` view answered is ever stored (`process_view` says so), so
    whatever is found under a key is a public page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cached = self.cached_answer(request)
        if cached is not None:
            return cached
        try:
            response = self.get_response(request)
            if getattr(request, "public_view", False):
                set_cache_headers(request, response)
                in_one_piece(response)
            version = getattr(request, "page_cache_entry", None)
            if version and request.method == "GET" and reader_may_share(request, response):
                self.store(version, request, response)
        finally:
            claim = getattr(request, "page_cache_rendering", None)
            if claim:  # stored, or not to be: the next reader renders it
                read_cache(lambda: cache.delete(claim), None)
        return response

    def cached_answer(self, request):
        if not may_be_answered_from_the_cache(request):
            return None
        found = look_up(request)
        if found is None:
            return None
        version, key, reads, cached = found
        if is_current(cached, version, reads):
            return hit(cached)
        if cached and cached[1] == reads and may_serve_as_the_version_before(cached):
            claim = f"{key}:rendering:{version}"
            if not claim_rendering(claim):
                return the_version_before(as_response(cached[2]))
            request.page_cache_rendering = claim
        request.page_cache_entry_candidate = version
        return None

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.public_view = getattr(view_func, "public_page", False)
        candidate = getattr(request, "page_cache_entry_candidate", None)
        if candidate and request.public_view:
            request.page_cache_entry = candidate
            request._wagtail_site = site_for(request)  # Wagtail's own per-request memo
            request._wagtail_cached_site_root_paths = site_root_paths()  # and for page URLs
            reads = getattr(view_func, "query_parameters", ())
            if reads is not PAGE_DECLARES:
                read_only(request, reads)
        return None

    def store(self, version, request, response):
        response[CACHE_STATUS_HEADER] = "miss"
        reads = getattr(request, "page_cache_reads", None)
        seconds = lifetime(request)
        if reads is None or not seconds:
            return  # a lifetime of 0 turns the page cache off
        if hasattr(response, "render") and not response.is_rendered:
            return
        remember_parameters((request.get_host(), request.path), reads)
        removals = known.get(REMOVALS_KEY)
        entry = (version, reads, stored_answer(response), removals)
        try:
            cache.set(page_key(request, reads), entry, seconds)
        except Exception as error:
            logger.warning("page cache unavailable: %s", error)


def may_be_answered_from_the_cache(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and is_anonymous(request)
        and not request.path.startswith(NEVER_CACHED_PREFIXES)
    )


# `look_up(..., database=False)` when the answer needs the database.
ASK_THE_DATABASE = object()


def look_up(request, *, database=True):
    """What the page cache holds for `request`: (the current content version, the key, the
    parameters read, the entry found or None); None when nothing may be served nor stored.
    Without `database`, ASK_THE_DATABASE when the current version must be read there."""
    try:
        address = (request.get_host(), request.path)
    except DisallowedHost:
        return None  # CommonMiddleware answers it with a 400
    reads = PARAMETERS_READ.get(address, ())
    key = page_key(request, reads)
    found = read_cache(lambda: read_together([VERSION_KEY, key]), {})
    hint = found.get(VERSION_KEY)
    if not database and (known.due() or (hint is not None and hint != known.get(VERSION_KEY))):
        return ASK_THE_DATABASE
    version = current_version(VERSION_KEY, hint)
    if version is None:
        return None  # which entries are current is unknown: none is served, none stored
    cached = found.get(key)
    if cached and cached[0] == version and cached[1] != reads:
        # The page at this address reads other parameters than this worker thought.
        reads = remember_parameters(address, cached[1])
        other_key = page_key(request, reads)
        if other_key != key:
            key = other_key
            cached = read_cache(lambda: cache.get(other_key), None)
    return version, key, reads, cached


def read_together(keys) -> dict:
    """`cache.get_many(keys)` in one round trip, without Django's key checks when the cache is
    Redis (ifex.core.cache): the keys are the page cache's own."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    read = getattr(backend, "get_many_of_ours", None)
    return read(keys) if read is not None else backend.get_many(keys)


def is_current(entry, version, reads) -> bool:
    return bool(entry) and entry[0] == version and entry[1] == reads


def hit(entry):
    return as_response(entry[2])


# What runs before PageCacheMiddleware (settings.MIDDLEWARE), and what `PageCacheInFront` does
# in its place for a hit: the health checks answer addresses never kept, WhiteNoise the static
# files (never kept either), and SecurityMiddleware is run as is.
BEFORE_THE_PAGE_CACHE = (
    "ifex.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
)


class PageCacheInFront:
    """The WSGI application (ifex/wsgi.py): Django's, with the page cache's hits answered in
    front of it. A hit costs a cache read and the security headers, not Django's request
    handling (its signals, the middleware chain, the response's conversion). Everything else
    goes to Django, and so does any request whose answer is not certain here: not a GET or HEAD,
    a session, a page the cache holds under an older version (PageCacheMiddleware decides who
    renders it), an HTTPS redirect, and any request when the content version is to be read from
    the database (at most once every PAGE_CACHE_VERSION_CHECK_SECONDS, or at once when the
    cache's copy changed): that read is made in Django's request, which looks after the
    database connection. The rules and the key are PageCacheMiddleware's own (`look_up`). A
    hit is sent as it was kept (`stored_answer`), with SecurityMiddleware's headers as it adds
    them to any answer of the same scheme (`security_headers`)."""

    def __init__(self, django_application):
        middleware = list(settings.MIDDLEWARE)
        ours = f"{__name__}.PageCacheMiddleware"
        if ours not in middleware or middleware[: middleware.index(ours)] != list(
            BEFORE_THE_PAGE_CACHE
        ):
            raise ImproperlyConfigured(
                f"PageCacheInFront answers for {', '.join(BEFORE_THE_PAGE_CACHE)}: "
                f"list them, and only them, before {ours} in MIDDLEWARE"
            )
        self.django_application = django_application
        self.security = SecurityMiddleware(lambda request: None)
        self.static_prefix = urlsplit(settings.STATIC_URL or "/static/").path
        self.added_by_security = {}  # {request.is_secure(): [(name, value)]}

    def __call__(self, environ, start_response):
        answer = self.hit(environ)
        if answer is None:
            return self.django_application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def security_headers(self, request, headers) -> list[tuple[str, str]]:
        """What SecurityMiddleware adds to an answer carrying `headers` (it leaves a header a
        view set): it depends on the settings and on whether the request is secure, found once
        by asking it."""
        secure = request.is_secure()
        added = self.added_by_security.get(secure)
        if added is None:
            blank = HttpResponse()
            before = set(blank.headers)
            self.security.process_response(request, blank)
            added = self.added_by_security[secure] = [
                (name, value) for name, value in blank.items() if name not in before
            ]
        present = {name.lower() for name, _ in headers}
        return [(name, value) for name, value in added if name.lower() not in present]

    def hit(self, wsgi_environ):
        if wsgi_environ["REQUEST_METHOD"] not in ("GET", "HEAD"):  # always set, by the spec
            return None
        request = WSGIRequest(wsgi_environ)
        if (
            request.path.startswith(self.static_prefix)
            or not may_be_answered_from_the_cache(request)
            or self.security.process_request(request) is not None  # to HTTPS first
        ):
            return None
        found = look_up(request, database=False)
        if found is None or found is ASK_THE_DATABASE:
            return None
        version, _key, reads, cached = found
        if not is_current(cached, version, reads):
            return None
        status, headers, body = cached[2]
        return status, headers + self.security_headers(request, headers), body


def may_serve_as_the_version_before(entry) -> bool:
    """An entry of an older content version, rendered since the last change that took
    something away (entries stored before this rule carry no removals version)."""
    return len(entry) > 3 and entry[3] == known.get(REMOVALS_KEY)


def claim_rendering(claim: str) -> bool:
    """True when this request is the one to render the page under the new version, or the
    cache cannot tell (down, or refusing writes: then it renders, as without a cache)."""

    def claim_it():
        if cache.add(claim, 1, settings.PAGE_CACHE_RENDER_SECONDS):
            return True
        return cache.get(claim) is None  # no other request holds it: the cache kept nothing

    return read_cache(claim_it, True)


def the_version_before(response):
    """Served while another request renders the new version: no other cache (a CDN, the
    edge's refresh) may keep it."""
    response[CACHE_STATUS_HEADER] = "stale"
    for header in ("Cache-Control", "Expires"):
        if response.has_header(header):
            del response[header]
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def read_cache(read, otherwise):
    try:
        return read()
    except Exception as error:  # a broken cache means uncached pages, never an error page
        logger.warning("page cache unavailable: %s", error)
        return otherwise


def remember_parameters(address, reads) -> tuple:
    if len(PARAMETERS_READ) >= PARAMETERS_READ_KEPT:
        PARAMETERS_READ.clear()
    PARAMETERS_READ[address] = reads
    return reads


# What one request has read of the kept values: several parts of a page ask for the same (the
# languages' home pages, the locales), and each read from Redis unpickled it again.
this_request = threading.local()


def begin_request_memo(**kwargs):
    this_request.kept = {}


def end_request_memo(**kwargs):
    this_request.kept = None


# What every page reads about the site, and what changes only when its model is saved (the site
# record, its language homes and root paths, the restricted paths, the locales, the settings,
# the filters' choices): kept in this worker's memory too, so that a publish or a Redis restart
# costs no query for them. Each value is kept with the versions it was read under and served
# only while they are the current ones as this worker knows them (`current_version`: read from
# the database at most once every PAGE_CACHE_VERSION_CHECK_SECONDS, at once when the cache's copy
# of the content version differs, and replaced at once here by a change made here). Kept
# pickled, and read afresh by each request as from the cache: what one request adds to a page
# (its image, loaded) is not the next one's.
class WorkerMemory(OrderedDict):
    """key: (the versions its value was read under, the value pickled). Past `bound` bytes,
    the least recently used go first."""

    def __init__(self, bound: int):
        super().__init__()
        self.bound = bound
        self.size = 0

    def read(self, key: str, versions: tuple):
        """The value kept under `key` if it was read under `versions`, else KeyError."""
        found = self.get(key)
        if found is None or found[0] != versions:
            raise KeyError(key)
        self.move_to_end(key)
        return pickle.loads(found[1])

    def keep(self, key: str, versions: tuple, value) -> None:
        pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self.forget(key)
        self[key] = (versions, pickled)
        self.size += len(pickled)
        while self.size > self.bound and self:
            _key, (_versions, oldest) = self.popitem(last=False)
            self.size -= len(oldest)

    def forget(self, key: str) -> None:
        previous = self.pop(key, None)
        if previous is not None:
            self.size -= len(previous[1])

    def clear(self) -> None:
        super().clear()
        self.size = 0


# One memory per worker, for what the site keeps here and what pages share (shared_parts).
KEPT_BY_WORKER = WorkerMemory(bound=16 * 1024 * 1024)


def kept_by_worker(key: str, compute, version_keys) -> object:
    """`compute()`, kept in this worker until one of `version_keys` is replaced, and read once
    per request."""
    memo = getattr(this_request, "kept", None)
    if memo is not None and key in memo:
        return memo[key]
    versions = worker_versions(version_keys)
    try:
        value = KEPT_BY_WORKER.read(key, versions)
    except KeyError:
        value = compute()
        keep_by_worker(key, value, versions)
    if memo is not None:
        memo[key] = value
    return value


def worker_versions(version_keys) -> tuple | None:
    """The current versions of `version_keys`, as this worker knows them; None while it has
    never been able to read them (then nothing is kept)."""
    versions = tuple(current_version(version_key, None) for version_key in version_keys)
    return None if None in versions else versions


def keeps_by_worker(key: str, version_keys) -> bool:
    found = KEPT_BY_WORKER.get(key)
    return bool(found) and found[0] == worker_versions(version_keys)


def keep_by_worker(key: str, value, versions: tuple | None):
    """Keeps `value`, read under `versions` (read before it was), as `kept_by_worker` does."""
    if versions is not None:
        KEPT_BY_WORKER.keep(key, versions, value)


def kept_in_cache(key: str, compute, version_key: str):
    found = read_cache(lambda: cache.get_many([version_key, key]), {})
    version = current_version(version_key, found.get(version_key))
    if version is None:
        return compute()
    kept = found.get(key)
    if kept and kept[0] == version:
        return kept[1]
    value = compute()
    try:
        cache.set(key, (version, value), settings.FRAGMENT_CACHE_SECONDS)
    except Exception as error:
        logger.warning("page cache unavailable: %s", error)
    return value


# Where the versions are kept (ifex.core.models.ContentVersion): read and written here in SQL,
# as the page cache runs before (and below) the models.
VERSIONS_TABLE = "core_contentversion"
# A key never replaced in this database has no row: the version it has had since the start.
FIRST_VERSION = "first"


class KnownVersions:
    """The versions as this worker last read them from the database."""

    def __init__(self):
        self.versions: dict[str, str] = {}
        self.read_at: float | None = None  # time.monotonic(); None: never read
        self.warned_at = 0.0

    def due(self) -> bool:
        return (
            self.read_at is None
            or time.monotonic() - self.read_at >= settings.PAGE_CACHE_VERSION_CHECK_SECONDS
        )

    def take(self, rows):
        self.versions = dict(rows)
        self.read_at = time.monotonic()

    def read(self) -> bool:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT key, version FROM {VERSIONS_TABLE}")
                self.take(cursor.fetchall())
            return True
        except DatabaseError as error:
            # The database is away, so nothing can be published meanwhile: the pages this
            # worker knew to be current stay so. It asks again after the interval.
            if self.read_at is not None:
                self.read_at = time.monotonic()
            if time.monotonic() - self.warned_at > 60:
                self.warned_at = time.monotonic()
                logger.warning("page cache: content versions unreadable: %s", error)
            return False

    def get(self, version_key) -> str:
        return self.versions.get(version_key, FIRST_VERSION)


known = KnownVersions()


def current_version(version_key: str, hint) -> str | None:
    """The current version of `version_key` as the database says: read at most once an
    interval, and at once when the cache's copy (`hint`) differs from what this worker knows.
    None while this worker has never been able to read it: then nothing is served from the cache
    nor stored in it."""
    unread.versions = None  # something may now be read under them: a change needs new ones
    if known.due() or (hint is not None and hint != known.get(version_key)):
        if known.read():
            write_hint(version_key, hint)
        elif known.read_at is None:
            return None
    return known.get(version_key)


def write_hint(version_key, hint):
    """The cache's copy of a version, for other workers to notice a change before their next
    reading of the database. Written when it differs; a failed write costs them that interval."""
    version = known.get(version_key)
    if hint != version:
        try:
            cache.set(version_key, version, None)
        except Exception as error:
            logger.warning("page cache unavailable: %s", error)


def content_changed(**kwargs):
    """What readers see has changed, something may have been taken away: every cached page is
    out of date, and none may be served as the version before."""
    replace_version()


# The versions this thread's open transaction made and nothing has read since (`current_version`
# forgets them): another change in the same transaction takes the same ones, so a figure
# published with its translations is one change for the readers, not eight. Forgotten when the
# transaction commits: the next change is a new version.
unread = threading.local()


def forget_unread():
    unread.versions = None


def replace_version(version_key: str = VERSION_KEY, *, takes_away: bool = True):
    """A new version for `version_key`, in the database and in the change's own transaction:
    other workers and servers see it when the change commits, never before, and whatever they
    render meanwhile is stored under the version it retires. Copied to the cache now and again
    once the change commits (another worker may have copied the old one back meanwhile).
    For the content version, a change that `takes_away` (anything but a publish) replaces
    REMOVALS_KEY too."""
    if getattr(this_request, "kept", None):
        this_request.kept = {}  # a change made by this very request (an editor's publish)
    keys = [version_key]
    if version_key == VERSION_KEY and takes_away:
        keys.append(REMOVALS_KEY)
    made = getattr(unread, "versions", None)
    if made is None:
        made = unread.versions = {}
    rows = [(key, made.setdefault(key, uuid.uuid4().hex)) for key in keys]
    with connection.cursor() as cursor:
        # One statement: the new versions, and every other as it stands, so this worker knows
        # them all without another query. Written even when made before in this transaction:
        # a savepoint rolled back since may have undone it.
        cursor.execute(
            f"""
            WITH replaced AS (
                INSERT INTO {VERSIONS_TABLE} (key, version)
                VALUES {", ".join(["(%s, %s)"] * len(rows))}
                ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version
                RETURNING key, version
            )
            SELECT key, version FROM replaced
            UNION ALL SELECT key, version FROM {VERSIONS_TABLE} WHERE key <> ALL(%s)
            """,
            [*(value for row in rows for value in row), keys],
        )
        known.take(cursor.fetchall())
    # Each time: a callback registered in a savepoint rolled back since is gone with it.
    transaction.on_commit(forget_unread)
    write_hint(version_key, None)
    transaction.on_commit(lambda: write_hint(version_key, None))


def model_version_key(model) -> str:
    return f"pagecache:model:{model._meta.label_lower}"


def kept_until_saved(key: str, compute, model):
    """`compute()`, kept until a `model` (one of WATCHED_MODELS) is saved or deleted: for
    what changes far less often than content (the site record, a count of organisations). Kept
    by each worker too (`kept_by_worker`)."""
    version_key = model_version_key(model)
    return kept_by_worker(key, lambda: kept_in_cache(key, compute, version_key), [version_key])


def site_for(request):
    """Wagtail's `Site.find_for_request` without its query on every request."""
    from .site_wide import read_together  # it reads the pages and languages, which import this

    read_together(request)
    return kept_until_saved(site_key(request), lambda: Site._find_for_request(request), Site)


def site_key(request) -> str:
    return f"site:{request.get_host()}:{request.get_port()}"


# Replaced when a page at the top of the tree (a site's home, or one of its translations) is
# published, unpublished, moved, deleted or saved (ifex.core.languages).
LANGUAGE_HOMES_VERSION = "pagecache:language_homes"


def site_root_paths() -> list[SiteRootPath]:
    """Wagtail's `Site.get_site_root_paths`, kept by each worker until a site, a language home
    or a locale changes, and in the cache under Wagtail's own key (which Wagtail clears when a
    site or a site's home changes)."""
    return kept_by_worker("site_root_paths", root_paths_in_the_cache, root_paths_versions())


def root_paths_versions() -> list[str]:
    return [model_version_key(Site), model_version_key(Locale), LANGUAGE_HOMES_VERSION]


WAGTAILS_SITE_ROOT_PATHS = Site.get_site_root_paths


def serve_wagtails_site_root_paths():
    """Every page URL Wagtail makes without a request (`page.url`: feeds, the sitemap, blocks)
    asks `Site.get_site_root_paths`: it gets `site_root_paths`, from this worker's memory."""
    Site.get_site_root_paths = staticmethod(site_root_paths)


def root_paths_in_the_cache() -> list[SiteRootPath]:
    """Wagtail's site root paths from its cache, read in one query when the cache lost them:
    Wagtail's reads the sites, then each site's home's translations."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return WAGTAILS_SITE_ROOT_PATHS()
    try:
        found = cache.get(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)
    except Exception as error:
        logger.warning("page cache unavailable: %s", error)
        found = None
    if found is not None:
        return [SiteRootPath(*path) for path in found]
    paths = root_paths_in_one_query()
    try:
        cache.set(SITE_ROOT_PATHS_CACHE_KEY, paths, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)
    except Exception as error:
        logger.warning("page cache unavailable: %s", error)
    return paths


def root_paths_homes():
    """For each site, its home's translations: [url path, language code] in tree order."""
    return (
        Page.objects.filter(translation_key=OuterRef("root_page__translation_key"))
        .order_by()
        .values("translation_key")
        .annotate(homes=JSONBAgg(JSONArray("url_path", "locale__language_code"), order_by="path"))
        .values("homes")
    )


def root_paths_in_one_query() -> list[SiteRootPath]:
    """The sites, each with its home's translations, in Wagtail's order: the most specific
    home first, then the default site, then by host name; a site's languages in tree order."""
    sites = (
        Site.objects.annotate(homes=Subquery(root_paths_homes()))
        .order_by("-root_page__url_path", "-is_default_site", "hostname")
        .only("hostname", "port")
    )
    return [
        SiteRootPath(site.id, url_path, site.root_url, language_code)
        for site in sites
        for url_path, language_code in site.homes or []
    ]


def model_changed(model):
    """What pages read beside their content changed (a site setting, whose names are
    withheld): a page rendered before is never served as the version before."""
    replace_version(model_version_key(model))
    if model not in ADDED_ONLY_MODELS:
        replace_version(REMOVALS_KEY)


WATCHED_MODELS: set[type] = set()


# Watched models whose saves only ever add to what readers see (a publication record): after
# one, readers may get a page's version before while it renders anew. Deleting one takes away.
ADDED_ONLY_MODELS: set[type] = set()


def invalidate_on_change(*models, saves_take_away: bool = True):
    """Saving or deleting one of these changes what readers see. Models with drafts are watched
    through Wagtail's publish signals instead: a draft saved is not a change."""
    WATCHED_MODELS.update(models)
    if not saves_take_away:
        ADDED_ONLY_MODELS.update(models)


# Models kept with another's rows (a setting's words in each language): {part: whole}.
PARTS_OF: dict[type, type] = {}


def invalidate_with(part, whole):
    """Saving or deleting a `part` changes what readers see, and what is kept of `whole`."""
    invalidate_on_change(part)
    PARTS_OF[part] = whole


def saved(sender, instance, raw=False, **kwargs):
    if sender in WATCHED_MODELS and not raw:
        replace_version(takes_away=sender not in ADDED_ONLY_MODELS)
        model_changed(sender)
        if sender in PARTS_OF:
            model_changed(PARTS_OF[sender])


def deleted(sender, instance, **kwargs):
    if sender in WATCHED_MODELS:
        model_changed(sender)
        if sender in PARTS_OF:
            model_changed(PARTS_OF[sender])
    if sender in WATCHED_MODELS or isinstance(instance, Page | DraftStateMixin):
        content_changed()


def published(sender, instance, **kwargs):
    """Published: pages, and snippets with drafts (impunity figures). Nothing was taken away:
    while a changed page renders anew, its readers may get the version before."""
    replace_version(takes_away=False)
    purge_once_committed(instance)


def unpublished(sender, instance, **kwargs):
    content_changed()
    purge_once_committed(instance)


# What this thread's transaction changed, for the frontend cache once it commits: all of it in
# one purge (a figure published with its three translations is one list of pages to refresh,
# in one task, not four).
purges_owed = threading.local()


def purge_once_committed(instance):
    owed = getattr(purges_owed, "instances", None)
    if owed is None:
        owed = purges_owed.instances = {}
    owed[(type(instance), instance.pk)] = instance
    # Each time: a callback registered in a savepoint rolled back since is gone with it. The
    # first to run purges what is owed; the others find nothing.
    transaction.on_commit(purge_what_is_owed)


def purge_what_is_owed():
    owed = getattr(purges_owed, "instances", None)
    purges_owed.instances = {}
    if owed:
        purge_frontend_cache(*owed.values())


def purge_frontend_cache(*instances):
    """Wagtail's frontend cache purges a published page itself; what else shows it is added
    here: a page's parent index (its listing and feeds, `get_cached_paths`), and for a snippet
    every page that the reference index says uses it."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    batch = PurgeBatch()
    shown_by = []
    for instance in instances:
        if isinstance(instance, Page):
            parent = instance.get_parent()
            if parent and not parent.is_root():
                batch.add_page(parent)
            shown_by.append(instance.specific)
        else:
            page_type = ContentType.objects.get_for_model(Page)
            referring = ReferenceIndex.get_references_to(instance).filter(
                base_content_type=page_type
            )
            page_ids = [int(pk) for pk in referring.values_list("object_id", flat=True)]
            showing = list(Page.objects.live().filter(pk__in=page_ids).specific())
            batch.add_pages(showing)
            shown_by += [instance, *showing]
    # Addresses outside a page's own URL that show it (`cached_paths()`: widgets, downloads).
    site = Site.objects.filter(is_default_site=True).first()
    for showing_it in shown_by:
        if site and hasattr(showing_it, "cached_paths"):
            batch.add_urls(site.root_url + path for path in showing_it.cached_paths())
    batch.purge()


def restrictions_moved(sender, **kwargs):
    """A moved page takes its restriction, and its subtree, to new tree paths."""
    model_changed(PageViewRestriction)


def connect_invalidation():
    for name, signal, receiver in (
        ("page_published", wagtail_signals.page_published, published),
        ("page_unpublished", wagtail_signals.page_unpublished, unpublished),
        ("published", wagtail_signals.published, published),
        ("unpublished", wagtail_signals.unpublished, unpublished),
    ):
        signal.connect(receiver, dispatch_uid=f"page_cache_{name}")
    wagtail_signals.post_page_move.connect(content_changed, dispatch_uid="page_cache_move")
    # Published under a new address: what the old one showed is taken away.
    wagtail_signals.page_slug_changed.connect(content_changed, dispatch_uid="page_cache_slug")
    wagtail_signals.post_page_move.connect(restrictions_moved, dispatch_uid="restrictions_move")
    post_save.connect(saved, dispatch_uid="page_cache_saved")
    post_delete.connect(deleted, dispatch_uid="page_cache_deleted")
    request_started.connect(begin_request_memo, dispatch_uid="kept_memo_begin")
    request_finished.connect(end_request_memo, dispatch_uid="kept_memo_end")
