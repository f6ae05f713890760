"""Backups that restore: `manage.py backup_database` / `restore_database` (behind `make backup` /
`make restore FILE=…`) on PostgreSQL (pg_dump/pg_restore) and on the embedded SQLite file
(SQLite's online backup API, while another process writes)."""

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parent.parent


def _env(database_url: str, folder: Path) -> dict:
    dropped = {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "COPRACTICE_TESTING"}
    return {
        **{k: v for k, v in os.environ.items() if k not in dropped},
        "ENV_FILE": "",
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(folder),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "CRITICAL",
    }


def _manage(env: dict, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


# --- PostgreSQL: a scratch database of its own, never the test database in use -------------
@pytest.fixture
def scratch_postgres():
    db = settings.DATABASES["default"]
    if not db["ENGINE"].startswith("django.db.backends.postgresql"):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    name = f"copractice_backup_scratch_{os.getpid()}"
    server = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    try:
        yield url, lambda: psycopg2.connect(dbname=name, **server)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _pg_rows(connect):
    connection = connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, text FROM notes ORDER BY id")
            return cursor.fetchall()
    finally:
        connection.close()


def test_postgresql_backup_restores_the_data_as_it_was(scratch_postgres, tmp_path):
    url, connect = scratch_postgres
    connection = connect()
    with connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE notes (id integer PRIMARY KEY, text text NOT NULL)")
        cursor.execute("INSERT INTO notes VALUES (1, 'kept'), (2, 'also kept')")
    connection.close()
    env = _env(url, tmp_path)
    backup = tmp_path / "nightly.dump"
    assert _manage(env, "backup_database", str(backup)) == f"Backed up the database to {backup}\n"
    assert backup.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    connection = connect()
    with connection, connection.cursor() as cursor:
        cursor.execute("UPDATE notes SET text = 'changed' WHERE id = 1")
        cursor.execute("DELETE FROM notes WHERE id = 2")
        cursor.execute("INSERT INTO notes VALUES (3, 'added after the backup')")
        cursor.execute("CREATE TABLE added_later (id integer)")
    connection.close()
    assert _pg_rows(connect) == [(1, "changed"), (3, "added after the backup")]

    _manage(env, "restore_database", "--noinput", str(backup))
    assert _pg_rows(connect) == [(1, "kept"), (2, "also kept")]


# --- SQLite: the embedded database, backed up while another connection writes ---------------
def _writer(path: Path, stop: threading.Event, written: list):
    connection = sqlite3.connect(path, timeout=20)
    n = 1000
    while not stop.is_set():
        with connection:
            connection.execute("INSERT INTO notes VALUES (?, ?)", (n, f"written {n}"))
        written.append(n)
        n += 1
    connection.close()


def _sqlite_rows(path: Path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT id, text FROM notes ORDER BY id").fetchall()
    finally:
        connection.close()


def test_sqlite_backup_while_writing_restores_the_data_as_it_was(tmp_path):
    database = tmp_path / "db.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    with connection:
        connection.execute("CREATE TABLE notes (id integer PRIMARY KEY, text text NOT NULL)")
        connection.executemany(
            "INSERT INTO notes VALUES (?, ?)", [(n, f"first {n}") for n in range(1, 201)]
        )
    connection.close()
    env = _env(f"sqlite:///{database}", tmp_path)

    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(database, stop, written))
    writer.start()
    try:
        output = _manage(env, "backup_database")
    finally:
        stop.set()
        writer.join(timeout=30)
    backup = Path(output.removeprefix("Backed up the database to ").strip())
    assert backup.parent == tmp_path / "backups"
    assert backup.name.startswith("copractice-") and backup.suffix == ".sqlite3"
    assert written  # the other connection wrote meanwhile
    check = sqlite3.connect(backup)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()
    saved = _sqlite_rows(backup)
    # A consistent snapshot: the first rows, then the writer's rows in order, none missing.
    assert saved[:200] == [(n, f"first {n}") for n in range(1, 201)]
    assert [row[0] for row in saved[200:]] == list(range(1000, 1000 + len(saved) - 200))

    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM notes WHERE id > 100")
        connection.execute("UPDATE notes SET text = 'changed'")
    connection.close()
    _manage(env, "restore_database", "--noinput", str(backup))
    assert _sqlite_rows(database) == saved


def test_restore_of_a_missing_file_changes_nothing(tmp_path):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore_database", "--noinput", str(tmp_path / "nothing.dump"))


def test_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "kept.dump"
    existing.write_text("an older backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_database", str(existing))
    assert existing.read_text() == "an older backup"
