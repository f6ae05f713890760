"""`make test` runs the suite in several processes (pytest-xdist): each has a Redis database of
its own, derived from REDIS_URL (tests/conftest.py), as it has a test database of its own."""

import os

import pytest
from django.conf import settings

from tests.conftest import worker_redis_url


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/1", 0, "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/1", 2, "redis://127.0.0.1:6379/3"),
        ("redis://127.0.0.1:6379", 1, "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/", 2, "redis://127.0.0.1:6379/2"),
        (
            "redis://:secret@cache.example:6380/4?timeout=5",
            1,
            "redis://:secret@cache.example:6380/5?timeout=5",
        ),
        ("rediss://cache.example/0", 15, "rediss://cache.example/15"),
    ],
)
def test_each_worker_moves_the_redis_database_on_by_its_number(url, worker, expected):
    assert worker_redis_url(url, worker) == expected


@pytest.mark.parametrize(
    ("url", "worker", "message"),
    [
        ("redis://127.0.0.1:6379/14", 2, "would need Redis database 16"),
        ("redis://127.0.0.1:6379?db=2", 1, "not as \\?db="),
        ("redis://127.0.0.1:6379/cache", 1, "does not end in a Redis database number"),
    ],
)
def test_a_redis_url_that_leaves_no_database_for_a_worker_stops_the_run(url, worker, message):
    with pytest.raises(pytest.UsageError, match=message):
        worker_redis_url(url, worker)


def test_this_process_and_those_it_starts_use_the_same_redis_database(redis_url):
    """The worker's database is in its environment before the settings are read: the cache,
    the sessions and the broker use it, and so do the processes a test starts."""
    assert settings.REDIS_URL == os.environ.get("REDIS_URL", settings.REDIS_URL) == redis_url
    assert settings.CACHES["default"]["LOCATION"] == redis_url
    assert settings.CACHES["sessions"]["LOCATION"] == redis_url
    if "CELERY_BROKER_URL" not in os.environ or os.environ["CELERY_BROKER_URL"] == redis_url:
        assert redis_url == settings.CELERY_BROKER_URL
