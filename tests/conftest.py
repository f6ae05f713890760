import os
import socket
import zlib
from dataclasses import dataclass
from urllib.parse import urlparse

# Playwright runs an event loop in the test thread; the ORM must still be usable around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import factory
import pytest
from django.conf import settings

from members.models import Membership

from . import factories
from .factories import CampusFactory, MembershipFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
# Set for this process only (pyproject.toml's pytest `env`): another process a test starts (a
# worker, a command) runs as the app does outside the tests.
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE", "COPRACTICE_TESTING"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test is a failure: CI must run everything."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Skipped under CI=true (a skip is a failure in CI): {reason}"


# --- parallel runs (pytest-xdist, `make test`) ------------------------------------------------
# pytest-django gives each worker a test database of its own (test_<name>_gw0, _gw1, …). Redis
# is shared state too: the cache is emptied between tests (_fresh_cache), sessions and cached
# figures live there, and the celery_live tests run real workers on it as their broker. So
# worker N uses Redis database <the URL's database> + N: REDIS_URL=redis://…/1 with three
# workers uses databases 1, 2 and 3. Set in the worker's environment before it reads the
# settings, so the processes a test starts (a Celery worker, a command) inherit it as well.
REDIS_DATABASES = 16  # Redis's default number of databases
WORKER_REDIS_VARIABLES = ("REDIS_URL", "CELERY_BROKER_URL")


def worker_redis_url(url: str, worker: int) -> str:
    """`url` with its database moved on by `worker` (redis://host:6379/1, worker 2: …/3)."""
    parsed = urlparse(url)
    if "db=" in parsed.query:
        raise pytest.UsageError(f"Give the Redis database in the path of {url}, not as ?db=")
    path = parsed.path.strip("/")
    if path and not path.isdigit():
        raise pytest.UsageError(f"{url} does not end in a Redis database number")
    database = int(path or 0) + worker
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"Test worker {worker} would need Redis database {database} ({url} plus {worker}); "
            f"Redis has {REDIS_DATABASES}: use a lower database in the URL or fewer workers (-n)"
        )
    return parsed._replace(path=f"/{database}").geturl()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """In the main process, as each worker starts: give it its own Redis database. The worker
    process exists but has not read the settings yet (the same way execnet sets a gateway's
    `env:`)."""
    worker = int(node.workerinput["workerid"].removeprefix("gw"))
    # Only the variables that are set (here or in .env, which the settings copied into the
    # environment): Celery reads CELERY_BROKER_URL from the environment before its own settings.
    env = {
        name: worker_redis_url(url, worker)
        for name in WORKER_REDIS_VARIABLES
        if (url := os.environ.get(name, "")).startswith(("redis://", "rediss://"))
    }
    if env:
        channel = node.gateway.remote_exec("import os\nos.environ.update(channel.receive())")
        channel.send(env)
        channel.waitclose(timeout=30)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    if not url:
        pytest.skip("REDIS_URL is not set: the real-worker tests need Redis")
    if not _reachable(url, 6379):
        pytest.skip(f"Redis at {url} is not reachable")
    return url


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


# Each test's factory sequences (person10482@…, Campus 10483, …) start where its name says, not
# where the tests run before it in the same process left them: the same in one process or
# several. Always five digits, so that e-mails and names sort as their numbers do (person99
# after person100 would depend on the order the tests ran in); below 30,000, so that positions
# (small integers, at most 32,767) leave room for the 2,700 items of any test.
FIRST_SEQUENCE, SEQUENCE_STARTS = 10_000, 20_000
FACTORIES = [
    value
    for value in vars(factories).values()
    if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory)
]


@pytest.fixture(autouse=True)
def _sequences_of_this_test(request):
    start = FIRST_SEQUENCE + zlib.crc32(request.node.nodeid.encode()) % SEQUENCE_STARTS
    for model_factory in FACTORIES:
        model_factory.reset_sequence(start, force=True)


@pytest.fixture(autouse=True)
def _site_language_afterwards():
    """A request in French leaves French active in the thread (LocaleMiddleware sets it at the
    start of each request, never back at the end): later tests that call code directly must
    start in the site's language, as a fresh request or task would."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def second_process_env():
    """The environment for another process (a worker, a command) on this test's database.
    Only PostgreSQL lets a second process share the test database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a second process can only share the test database on PostgreSQL")
    db = connection.settings_dict
    return {
        **{k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES},
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DEBUG": "true",
    }


@pytest.fixture
def dead_broker(settings):
    """Point Celery at a port where nothing listens, as a real broker outage looks."""
    from copractice import celery_app

    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.broker_transport_options)
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:9/0", False
    conf.broker_transport_options = settings.NETWORK_BROKER_TRANSPORT_OPTIONS
    celery_app._pool = celery_app.amqp._producer_pool = None

    def back():
        conf.broker_url, conf.task_always_eager, conf.broker_transport_options = saved
        celery_app._pool = celery_app.amqp._producer_pool = None

    yield back
    back()


# --- browser -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# --- people and places ---------------------------------------------------------------------
@dataclass
class World:
    """One campus with a person in every role, and a second campus with its own coordinator."""

    campus: object
    other_campus: object
    coordinator: object
    peer: object
    partner: object
    other_coordinator: object
    admin: object

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(db):
    campus = CampusFactory(slug="riverside", name="Riverside")
    other = CampusFactory(slug="hillside", name="Hillside")
    coordinator = MembershipFactory(campus=campus, role=Membership.Role.COORDINATOR).user
    peer = MembershipFactory(campus=campus, role=Membership.Role.PEER_SUPPORTER).user
    partner = MembershipFactory(campus=campus, role=Membership.Role.PARTNER_REPRESENTATIVE).user
    other_coordinator = MembershipFactory(campus=other, role=Membership.Role.COORDINATOR).user
    admin = UserFactory(is_superuser=True, is_staff=True, email="admin@example.edu")
    return World(campus, other, coordinator, peer, partner, other_coordinator, admin)


@pytest.fixture
def campus(world):
    return world.campus


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator)
    return client


@pytest.fixture
def peer_client(client, world):
    client.force_login(world.peer)
    return client
