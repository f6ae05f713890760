"""`make run` on a fresh clone: the settings it serves with, and manage.py commands afterwards.

Each test works on a copy of the project (without .venv, var/ or .env), as a fresh clone is:
`make .env` runs for real (it is what `make run` does first); the rest of `make run` is read
with `make -n` and its environment given to manage.py, so that nothing is installed or served.
"""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_IN_A_CLONE = {".venv", "var", ".env", "staticfiles", ".git", "test-results", "__pycache__"}
# A fresh shell: none of the settings' variables set (the test run's own DEBUG and database
# would otherwise hide what .env and the Makefile give).
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "SITE_URL",
    "DEFAULT_SITE_URL",
    "DEFAULT_FROM_EMAIL",
    "ALLOWED_HOSTS",
    "VAR_DIR",
    "ENV_FILE",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "COPRACTICE_TESTING",
    "MAKEFLAGS",
    "MAKELEVEL",
}


@pytest.fixture
def clone(tmp_path):
    path = tmp_path / "copractice"
    shutil.copytree(ROOT, path, ignore=lambda folder, names: NOT_IN_A_CLONE & set(names))
    return path


def _shell_env(**extra) -> dict:
    return {**{k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}, **extra}


def _run(command: list[str], cwd: Path, env: dict | None = None, check=True):
    result = subprocess.run(
        command, cwd=cwd, env=env or _shell_env(), capture_output=True, text=True, timeout=180
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _make(clone: Path, *args: str):
    return _run(["make", f"PYTHON={sys.executable}", *args], cwd=clone)


def _manage(clone: Path, *args: str, env: dict | None = None, check=True):
    return _run([sys.executable, "manage.py", *args], cwd=clone, env=env, check=check)


def _run_environment(clone: Path, *make_args: str) -> dict:
    """The variables `make run` gives the web server (and the worker), read from `make -n`."""
    lines = _make(clone, "-n", "run", *make_args).stdout.splitlines()
    commands = {}
    for line in lines:
        words = shlex.split(line.rstrip("\\ "), posix=True)
        assignments = {}
        while words and "=" in words[0] and not words[0].startswith(("-", ".", "/")):
            name, _, value = words.pop(0).partition("=")
            assignments[name] = value
        if words[:3] == [".venv/bin/python", "manage.py", "runserver"]:
            commands["web"] = assignments
        elif words[:1] == [".venv/bin/celery"]:
            commands["worker"] = assignments
    assert commands["web"] == commands["worker"], commands
    return commands["web"]


def _settings(clone: Path, env: dict) -> list[str]:
    code = (
        "from django.conf import settings\n"
        "print(settings.DEBUG)\n"
        "print(settings.SITE_URL)\n"
        "print(settings.EMAIL_BACKEND)\n"
        "print(settings.EMAIL_FILE_PATH)\n"
    )
    return _manage(clone, "shell", "-v", "0", "-c", code, env=env).stdout.splitlines()


def test_make_run_writes_local_settings_once(clone):
    _make(clone, ".env")
    env_file = clone / ".env"
    lines = env_file.read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if not line.startswith("#"))
    assert set(values) == {"DEBUG", "SECRET_KEY", "EMAIL_URL"}
    assert values["DEBUG"] == "true"
    assert values["EMAIL_URL"] == "filemail:///var/mail"
    assert len(values["SECRET_KEY"]) >= 50
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()

    env_file.write_text(env_file.read_text() + "SITE_URL=https://copractice.example.edu\n")
    written = env_file.read_text()
    _make(clone, ".env")
    assert env_file.read_text() == written


def test_make_run_puts_mail_in_var_mail_and_links_on_the_port_served(clone):
    _make(clone, ".env")
    run_env = _run_environment(clone, "PORT=8765")
    assert run_env == {"DEFAULT_SITE_URL": "http://127.0.0.1:8765", "MFA_REQUIRED_ROLES": "none"}
    assert _settings(clone, _shell_env(**run_env)) == [
        "True",
        "http://127.0.0.1:8765",
        "django.core.mail.backends.filebased.EmailBackend",
        str(clone / "var" / "mail"),
    ]


def test_a_site_url_that_is_set_wins_over_the_port_served(clone):
    _make(clone, ".env")
    run_env = _run_environment(clone, "PORT=8765")
    env = _shell_env(**run_env, SITE_URL="https://copractice.example.edu")
    assert _settings(clone, env)[1] == "https://copractice.example.edu"

    with (clone / ".env").open("a") as env_file:
        env_file.write("SITE_URL=https://cop.example.edu\n")
    assert _settings(clone, _shell_env(**run_env))[1] == "https://cop.example.edu"


def test_management_commands_work_after_make_run(clone):
    """As the README shows them: .venv/bin/python manage.py <command>, in a fresh shell."""
    _make(clone, ".env")
    _manage(clone, "migrate", "--noinput")
    result = _manage(clone, "check_meeting_gaps", "--dry-run")
    assert result.stderr == ""
    result = _manage(clone, "check_meeting_gaps", "--help")
    assert "usage: manage.py check_meeting_gaps" in result.stdout
