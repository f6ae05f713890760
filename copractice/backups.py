"""Backups of the whole database, and their restore.

- The embedded SQLite database: SQLite's online backup API (`sqlite3.Connection.backup`) copies
  a consistent snapshot page by page while web, worker and beat go on writing; restoring copies
  a backup file back into the database the same way.
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists`, with the
  connection settings of DATABASE_URL (the client tools must be installed: postgresql-client).
In production, docker-compose.yml's `backup` service dumps PostgreSQL every night instead."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    pass


def _engine(db: dict) -> str:
    engine = db["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine.startswith("django.db.backends.postgresql"):
        return "postgresql"
    raise BackupError(f"Backups are not supported for {engine}.")


def default_path(db: dict | None = None) -> Path:
    """var/backups/copractice-<UTC time>.sqlite3 (or .dump for PostgreSQL)."""
    db = db or settings.DATABASES["default"]
    suffix = ".sqlite3" if _engine(db) == "sqlite" else ".dump"
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"copractice-{stamp}{suffix}"


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str], db: dict) -> None:
    try:
        result = subprocess.run(command, env=_pg_env(db), capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(*, path: Path | None = None, db: dict | None = None) -> Path:
    """Write a backup of the database to `path` (default: default_path()); returns the path.
    Written under a temporary name first, so a file with the final name is always complete."""
    db = db or settings.DATABASES["default"]
    path = Path(path or default_path(db))
    if path.exists():
        raise BackupError(f"{path} exists already; choose another file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if _engine(db) == "sqlite":
        source = sqlite3.connect(db["NAME"], timeout=20)
        target = sqlite3.connect(partial)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--file", str(partial), db["NAME"]], db)
    partial.rename(path)
    return path


def restore(*, path: Path, db: dict | None = None, alias: str = "default") -> None:
    """Replace the database's contents with the backup at `path`. Stop the app first on
    PostgreSQL; on SQLite the copy waits for writers and replaces every page at once."""
    db = db or settings.DATABASES[alias]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connections[alias].close()
    if _engine(db) == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as error:
            source.close()
            raise BackupError(f"{path} is not an SQLite database: {error}") from error
        target = sqlite3.connect(db["NAME"], timeout=20)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                db["NAME"],
                str(path),
            ],
            db,
        )
