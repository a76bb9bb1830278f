"""Django's Redis and file caches, except that a cache that fails is a cache miss, not an error
page: Redis down or refusing writes (full, no replica), a full disk, a read-only folder.

Wagtail reads the cache on every request (the site's root paths) and writes it for every new
image rendition, and the API's rate limit writes it on every call, so with the plain backends a
failing cache turned pages and the API into 500s. Here a read finds nothing and a write is
dropped; the site answers from the database until the cache is back. `/healthz` still reports
it. Nothing stale can be served meanwhile: the page cache's versions live in the database
(ifex/core/page_cache.py).
"""

import contextlib
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60
last_warning = 0.0


@contextlib.contextmanager
def unreachable_is_a_miss(failures=(RedisError,)):
    global last_warning
    try:
        yield
    except failures as error:
        # One line a minute per worker while it lasts, not one per request.
        if time.monotonic() - last_warning > WARN_EVERY_SECONDS:
            last_warning = time.monotonic()
            logger.warning("cache unavailable, serving uncached: %s", error)


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's, with one redis-py client per connection pool for the life of the process.
    Django makes a new client for every cache call, and each fills a table of some 170 reply
    handlers: 19 times a page, 2 to 5 ms of a page's time. A client is safe to share: its
    connections come from the pool."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_kept_clients", {})
        if pool not in clients:
            clients[pool] = self._client(connection_pool=pool)
        return clients[pool]


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    def get(self, key, default=None, version=None):
        with unreachable_is_a_miss():
            return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        with unreachable_is_a_miss():
            return super().get_many(keys, version)
        return {}

    def get_many_of_ours(self, keys):
        """`get_many` for keys the site makes itself (ASCII, no spaces: never memcached's
        warnings), in one round trip and without the key checks: the page cache's hit reads
        two keys on every request."""
        made = [self.make_key(key) for key in keys]
        with unreachable_is_a_miss():
            found = self._cache.get_client(None).mget(made)
            loads = self._cache._serializer.loads
            pairs = zip(keys, found, strict=True)
            return {key: loads(value) for key, value in pairs if value is not None}
        return {}

    def has_key(self, key, version=None):
        with unreachable_is_a_miss():
            return super().has_key(key, version)
        return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with unreachable_is_a_miss():
            return super().add(key, value, timeout, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with unreachable_is_a_miss():
            super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with unreachable_is_a_miss():
            return super().set_many(data, timeout, version)
        return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with unreachable_is_a_miss():
            return super().touch(key, timeout, version)
        return False

    def delete(self, key, version=None):
        with unreachable_is_a_miss():
            return super().delete(key, version)
        return False

    def delete_many(self, keys, version=None):
        with unreachable_is_a_miss():
            super().delete_many(keys, version)


def failing_file_is_a_miss():
    return unreachable_is_a_miss((OSError,))


class TolerantFileBasedCache(FileBasedCache):
    """Django's file cache, with a full disk or a read-only folder a miss: a failed write is
    dropped, and a read that would delete an expired file it cannot delete finds nothing."""

    def get(self, key, default=None, version=None):
        with failing_file_is_a_miss():
            return super().get(key, default, version)
        return default

    def has_key(self, key, version=None):
        with failing_file_is_a_miss():
            return super().has_key(key, version)
        return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with failing_file_is_a_miss():
            return super().add(key, value, timeout, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with failing_file_is_a_miss():
            super().set(key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with failing_file_is_a_miss():
            return super().touch(key, timeout, version)
        return False

    def delete(self, key, version=None):
        with failing_file_is_a_miss():
            return super().delete(key, version)
        return False

    def clear(self):
        with failing_file_is_a_miss():
            super().clear()
