"""A Redis cache that degrades instead of failing while Redis is unreachable.

The cache holds nothing that cannot be lost (login rate-limit counters, cached values), but
allauth's login and password-reset views read and write it on every attempt: with Django's own
RedisCache a Redis outage turns them into 500s. This backend answers from a per-process memory
cache while Redis is down, so people can still log in and rate limits still count (per process),
logs one warning when Redis goes away and one line when it is back, and retries Redis every few
seconds rather than on every call, so a dead Redis costs no time per request.

Why not django-redis with DJANGO_REDIS_IGNORE_EXCEPTIONS: it turns a failed `add()` into a
falsy result, and allauth's rate limiter takes its lock with `cache.add()` in a loop: every login
would then wait a second for the lock and be refused (429) for the whole outage.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds between two attempts to reach Redis again once it failed.
RETRY_AFTER = 5.0


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one `redis.Redis` per connection pool kept for the
    process rather than a new one for every cache call: redis-py builds its table of some 340
    response callbacks in each client's constructor, 70-110 µs of every cache read or write.
    A client is safe to share between threads (each command takes a connection from the
    pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        # Django makes one cache object per thread; their fallbacks share one memory per process.
        self._fallback = LocMemCache(f"redis-fallback:{server}", params)
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    # --- state ---------------------------------------------------------------------------------
    def _failed(self, error: Exception) -> None:
        with self._lock:
            self._down_until = time.monotonic() + RETRY_AFTER
            if not self._down:
                self._down = True
                logger.warning(
                    "Cache: Redis is unreachable (%s); using a per-process memory cache until "
                    "it answers again",
                    error,
                )

    def _answered(self) -> None:
        if self._down:
            with self._lock:
                if self._down:
                    self._down = False
                    logger.info("Cache: Redis answers again; back to the shared cache")

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return getattr(self._fallback, name)(*args, **kwargs)
        self._answered()
        return result

    def reachable(self) -> bool:
        """Whether Redis answers now (for /health/): asks it, whatever the recent past."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self._failed(error)
            return False
        self._down_until = 0.0
        self._answered()
        return True

    # --- the cache API (BaseCache builds the rest, async variants included, on these) ---------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")


class SessionRedisCache(DegradingRedisCache):
    """The sessions' cache (copractice/sessions.py, Django's cached_db sessions: the database
    stays the record, Redis saves reading it on every request). While Redis is unreachable it
    answers nothing, so sessions are read from and written to the database only: a per-process
    memory would let another process go on with a session that was logged out or changed here.
    The sessions written or deleted meanwhile are deleted from Redis when it answers again, so
    that none of them comes back from before the outage."""

    def __init__(self, server, params):
        super().__init__(server, params)
        from django.core.cache.backends.dummy import DummyCache

        self._fallback = DummyCache("sessions-fallback", params)
        self._changed_while_down: set[tuple[str, int | None]] = set()

    def _call(self, name: str, *args, **kwargs):
        if self._changed_while_down and time.monotonic() >= self._down_until:
            self._forget_changed()  # before anything is read from Redis again
        result = super()._call(name, *args, **kwargs)
        if name in ("set", "delete", "add") and self._down:  # not written to Redis
            self._changed_while_down.add((args[0], kwargs.get("version")))
        return result

    def _forget_changed(self) -> None:
        with self._lock:
            stale, self._changed_while_down = self._changed_while_down, set()
        try:
            for key, version in stale:
                RedisCache.delete(self, key, version=version)
        except RedisError as error:
            self._failed(error)
            self._changed_while_down |= stale
