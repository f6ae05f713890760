"""/health/ reports the database, the cache and the broker, with a status a load balancer can
act on; and the app keeps serving while Redis (cache or broker) is down."""

import logging
import time

import pytest
from django.db import DatabaseError
from django.urls import reverse

from copractice import cache as degrading

from .factories import PASSWORD

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def dead_cache(settings):
    """The Redis cache pointed at a port where nothing listens, as an outage looks."""
    settings.CACHES = {
        "default": {
            "BACKEND": "copractice.cache.DegradingRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
        "sessions": {
            "BACKEND": "copractice.cache.SessionRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
    }
    from django.core.cache import cache

    cache.clear()  # the fallback memory lives as long as the process: start each test empty


def test_health_reports_every_part(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("status", "database", "cache", "broker")} == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }
    assert body["heartbeat"] == {
        "last_beat_at": None,
        "seconds_ago": None,
        "beats": 0,
        "fresh": False,
    }
    assert "no-store" in response["Cache-Control"]


def test_health_says_the_cache_is_down_and_still_answers_200(client, dead_cache):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["cache"], body["broker"]) == (
        "degraded",
        "ok",
        "down",
        "ok",
    )


def test_health_says_the_broker_is_down_within_two_seconds(client, dead_broker):
    started = time.monotonic()
    response = client.get("/health/")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["cache"], body["broker"]) == (
        "degraded",
        "ok",
        "ok",
        "down",
    )
    assert elapsed < 2, f"/health/ took {elapsed:.1f} s"


def test_health_answers_503_when_the_database_is_down(client, monkeypatch, caplog):
    from copractice import views

    class DeadCursor:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(views.connection, "cursor", lambda: DeadCursor())
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "down",
        "cache": "ok",
        "broker": "ok",
        "heartbeat": None,
    }
    # One warning that says why; no error (nor e-mail to the admins) for every answer.
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("copractice.views", "WARNING", "Health: the database does not answer (connection refused)")
    ]


# --- Redis down: people still log in ----------------------------------------------------------
def test_login_works_while_the_cache_is_down(client, world, dead_cache):
    response = client.post(
        reverse("account_login"), {"login": world.peer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.peer.pk)


def test_failed_logins_are_still_limited_while_the_cache_is_down(client, world, dead_cache):
    """The per-process fallback keeps counting: an outage is no window for guessing."""
    for _ in range(5):
        client.post(reverse("account_login"), {"login": world.peer.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": world.peer.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_works_while_the_cache_is_down(client, world, dead_cache):
    response = client.post(reverse("account_reset_password"), {"email": world.peer.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")


def test_a_cache_outage_is_logged_once_and_costs_no_time(caplog, monkeypatch):
    backend = degrading.DegradingRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 1}})
    calls = []
    original = degrading.RedisCache.get

    def counting_get(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(degrading.RedisCache, "get", counting_get)
    with caplog.at_level(logging.INFO, logger="copractice.cache"):
        backend.clear()
        backend.set("greeting", "hello")
        assert [backend.get("greeting") for _ in range(50)] == ["hello"] * 50
    # The first call found Redis down; it is left alone for RETRY_AFTER seconds.
    assert calls == []
    assert [(r.levelname, r.getMessage().split(" (")[0]) for r in caplog.records] == [
        ("WARNING", "Cache: Redis is unreachable")
    ]


def test_health_answers_503_before_the_database_is_migrated(client, monkeypatch):
    from copractice import views

    def no_table():
        raise DatabaseError("no such table: copractice_heartbeat")

    monkeypatch.setattr(views, "_heartbeat", no_table)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db(transaction=True)
def test_a_severed_persistent_connection_is_replaced_not_reported(client, monkeypatch):
    """A database restart closes the connections each process keeps open: /health/ asks again on
    a new one instead of answering 503 (a load balancer would take every process out at once)."""
    from django.db import connection

    from copractice import views

    connection.ensure_connection()
    real_cursor, calls = connection.cursor, []

    def severed_once():
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseError("server closed the connection unexpectedly")
        return real_cursor()

    monkeypatch.setattr(views.connection, "cursor", severed_once)
    response = client.get("/health/")
    assert (response.status_code, response.json()["database"]) == (200, "ok")
    # The severed one, then SELECT 1 and the heartbeat on a new connection.
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_health_survives_the_database_killing_its_connection(client):
    """The real thing on PostgreSQL: the server terminates this process's backend."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("terminating a backend needs PostgreSQL")
    assert client.get("/health/").status_code == 200
    pid = connection.connection.info.backend_pid
    other = connection.copy()  # a second connection does the killing
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    response = client.get("/health/")
    assert (response.status_code, response.json()["database"]) == (200, "ok")


def test_the_cache_goes_back_to_redis_once_it_answers(redis_url, caplog, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    monkeypatch.setattr(degrading, "RETRY_AFTER", 0.0)
    backend = degrading.DegradingRedisCache(redis_url, {"KEY_PREFIX": "health-test"})
    backend.set("greeting", "from redis")
    original = degrading.RedisCache.get

    def unreachable(self, *args, **kwargs):
        raise RedisConnectionError("Connection refused")

    with caplog.at_level(logging.INFO, logger="copractice.cache"):
        monkeypatch.setattr(degrading.RedisCache, "get", unreachable)
        assert backend.get("greeting") is None  # the per-process memory does not have it
        monkeypatch.setattr(degrading.RedisCache, "get", original)
        assert backend.get("greeting") == "from redis"
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",
            "Cache: Redis is unreachable (Connection refused); using a per-process memory cache "
            "until it answers again",
        ),
        ("INFO", "Cache: Redis answers again; back to the shared cache"),
    ]
    backend.delete("greeting")


def test_the_cache_keeps_one_redis_client_per_process(redis_url):
    """A client per connection pool, not one per call (redis-py builds a table of some 340
    response callbacks in each constructor); its connections closed, it connects again."""
    backend = degrading.DegradingRedisCache(redis_url, {"KEY_PREFIX": "client-test"})
    backend.set("greeting", "from redis")
    client = backend._cache.get_client(write=True)
    assert backend._cache.get_client("greeting") is client
    client.connection_pool.disconnect()  # as when Redis restarts
    assert backend.get("greeting") == "from redis"
    assert backend._cache.get_client() is client
    backend.delete("greeting")
