"""Sessions kept in the database and cached in Redis (settings.SESSION_ENGINE when REDIS_URL is
set): a signed-in page reads its session from Redis, not from the database, and every change is
written to both, so the database stays the record (a Redis restart logs nobody out).

A cached copy lives at most SESSION_CACHE_SECONDS: should Redis keep a copy that a change made
while it was unreachable could not replace (copractice.cache.SessionRedisCache deletes those when
it answers again; this bounds what that cannot reach), it is read again from the database soon."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("django.contrib.sessions")

SESSION_CACHE_SECONDS = 600


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            data = None
        if data is None:
            s = self._get_session_from_db()
            if s:
                data = self.decode(s.session_data)
                self._cache.set(self.cache_key, data, self._cache_seconds(s.expire_date))
            else:
                data = {}
        return data

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_seconds())
        except Exception:  # as Django's cached_db: the database has it
            logger.exception("Error saving to cache (%s)", self._cache)

    def _cache_seconds(self, expiry=None) -> int:
        age = self.get_expiry_age(expiry=expiry) if expiry else self.get_expiry_age()
        return max(0, min(age, SESSION_CACHE_SECONDS))
