"""Versions of what is kept in the cache for a scope (a campus, the catalogue): what a page
keeps is kept under the version of each scope it was computed from, and read only while those
versions stand. A change to the scope's data replaces its version at once, so that the request
that made the change sees it, and again when the transaction commits, so that what a request
computed meanwhile from the data before the commit is never kept under the new version.

Used by the coordinator dashboard (reports/summary.py, "dashboard") and the people that pickers
offer (meetings/people.py, "people"). What is kept must also expire on its own (an hour at
most): while Redis is unreachable each process keeps its versions in its own memory.
"""

import uuid

from django.core.cache import cache
from django.db import transaction


def _key(name: str, scope) -> str:
    return f"{name}-version:{scope}"


def current(*scopes: tuple[str, object]) -> list[str]:
    """The versions of the (name, scope) pairs, in that order; one cache read when they exist.
    A missing one is set only if nobody set it meanwhile (`add`), so that a version replaced
    at the same moment is never overwritten by a new process's first."""
    keys = [_key(name, scope) for name, scope in scopes]
    versions = cache.get_many(keys)
    missing = [key for key in keys if key not in versions]
    if missing:
        offered = {key: uuid.uuid4().hex for key in missing}
        for key, version in offered.items():
            cache.add(key, version, timeout=None)
        # What was set, ours or another's (ours if the cache failed meanwhile).
        versions.update({**offered, **cache.get_many(missing)})
    return [versions[key] for key in keys]


def replace(name: str, scope) -> None:
    """What was kept for `scope` under `name` must be computed again: now, and once more when
    the current transaction commits (once per transaction: saving a roster of 200 is one
    replacement at its commit; Django drops the callbacks of a transaction rolled back)."""
    key = _key(name, scope)

    def bump():
        cache.set(key, uuid.uuid4().hex, timeout=None)

    bump()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    if any(getattr(f, "version_key", None) == key for _, f, *_ in connection.run_on_commit):
        return
    bump.version_key = key
    transaction.on_commit(bump)
