"""Sessions are kept in the database and cached in Redis (copractice/sessions.py): a signed-in
page reads no session row; while Redis is unreachable the database alone serves, and what changed
meanwhile is not read back from Redis once it answers."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from copractice import cache as degrading
from copractice.sessions import SESSION_CACHE_SECONDS, SessionStore

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_reads_its_session_from_the_cache(client):
    client.force_login(UserFactory())
    client.get("/meetings/calendar/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/meetings/calendar/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"]]
    assert Session.objects.count() == 1  # and the database keeps it


def test_the_database_stays_the_record():
    store = SessionStore()
    store["colour"] = "blue"
    store.save()
    store._cache.delete(store.cache_key)  # Redis restarted
    assert SessionStore(store.session_key)["colour"] == "blue"
    assert store._cache_seconds() <= SESSION_CACHE_SECONDS


def test_while_redis_is_down_sessions_come_from_the_database(redis_url, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    monkeypatch.setattr(degrading, "RETRY_AFTER", 0.0)
    backend = degrading.SessionRedisCache(redis_url, {"KEY_PREFIX": "sessions-test"})
    backend.set("s1", {"user": 1})
    originals = {name: getattr(degrading.RedisCache, name) for name in ("get", "set", "delete")}

    def unreachable(self, *args, **kwargs):
        raise RedisConnectionError("Connection refused")

    for name in originals:
        monkeypatch.setattr(degrading.RedisCache, name, unreachable)
    backend.delete("s1")  # logged out while Redis is down: only the database knows
    backend.set("s2", {"user": 2})
    assert backend.get("s2") is None  # no per-process copy: read from the database
    for name, original in originals.items():
        monkeypatch.setattr(degrading.RedisCache, name, original)
    assert backend.get("s1") is None  # the copy from before the outage was deleted
    assert backend.get("s2") is None
