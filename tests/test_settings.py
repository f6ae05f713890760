"""Settings read in a fresh process: production refuses to start without real values and passes
Django's deployment checks; local values resolve as documented."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-0123456789-xyz",
    "ALLOWED_HOSTS": "copractice.example.edu",
    "SITE_URL": "https://copractice.example.edu",
    "DEFAULT_FROM_EMAIL": "CoPractice <copractice@example.edu>",
    "DATABASE_URL": "sqlite:////tmp/copractice-deploy-check.sqlite3",
}
# Every variable the settings read: a test's process gets only the ones the test gives it, and
# no .env file (a developer's, written by `make run`, would fill in the others).
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DEFAULT_SITE_URL",
    "DEFAULT_FROM_EMAIL",
    "DATABASE_URL",
    "EMAIL_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_CLIENT_IP_HEADER",
    "ENV_FILE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "COPRACTICE_TESTING",
}


def _environment(env: dict) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return {**clean, "ENV_FILE": "", **env}


def _run(*args, env, cwd=ROOT, timeout=60):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=cwd,
        env=_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _manage(*args, env):
    return _run(*args, env=env)


def _setting(expression: str, env: dict) -> str:
    """The value of `expression` (over `settings`) in a fresh process with `env`."""
    code = f"from django.conf import settings; print({expression})"
    result = _run("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_reports_nothing_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEFAULT_FROM_EMAIL", None, "DEFAULT_FROM_EMAIL is not set."),
        (
            "DEFAULT_FROM_EMAIL",
            "CoPractice <noreply@localhost>",
            "DEFAULT_FROM_EMAIL is 'CoPractice <noreply@localhost>'.",
        ),
        ("DEFAULT_FROM_EMAIL", "noreply@127.0.0.1", "DEFAULT_FROM_EMAIL is 'noreply@127.0.0.1'."),
        ("SITE_URL", None, "SITE_URL is not set."),
        ("SITE_URL", "http://localhost:8000", "SITE_URL is 'http://localhost:8000'."),
        ("SITE_URL", "http://127.0.0.1:8000", "SITE_URL is 'http://127.0.0.1:8000'."),
    ],
)
def test_production_refuses_to_start_without_real_addresses(name, value, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != name}
    if value is not None:
        env[name] = value
    result = _manage("check", env=env)
    assert result.returncode == 1
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_local_use_needs_no_addresses():
    env = {"DEBUG": "true"}
    assert _setting("settings.SITE_URL, settings.DEFAULT_FROM_EMAIL", env) == (
        "http://127.0.0.1:8000 CoPractice <noreply@localhost>"
    )


def test_site_url_follows_the_served_address_unless_set():
    served = {"DEBUG": "true", "DEFAULT_SITE_URL": "http://127.0.0.1:8765"}
    assert _setting("settings.SITE_URL", served) == "http://127.0.0.1:8765"
    chosen = {**served, "SITE_URL": "https://copractice.example.edu/"}
    assert _setting("settings.SITE_URL", chosen) == "https://copractice.example.edu"


@pytest.mark.parametrize("allowed_hosts", [None, ""])
def test_allowed_hosts_include_the_site_address(allowed_hosts):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    if allowed_hosts is not None:
        env["ALLOWED_HOSTS"] = allowed_hosts
    assert _setting("settings.ALLOWED_HOSTS", env) == (
        "['127.0.0.1', 'copractice.example.edu', 'localhost']"
    )


def test_health_answers_plain_http_behind_the_ssl_redirect(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "SECURE_SSL_REDIRECT": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    # A whole migrate: as long as the suite's other ones may take when the cores are shared.
    assert _run("migrate", "--noinput", env=env, timeout=180).returncode == 0
    code = (
        "from django.test import Client\n"
        "response = Client().get('/health/', HTTP_HOST='copractice.example.edu')\n"
        "print(response.status_code)\n"
        "print(Client().get('/accounts/login/', HTTP_HOST='copractice.example.edu').status_code)"
    )
    result = _run("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "301"]


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        ("filemail:///var/mail", ROOT / "var" / "mail"),
        ("filemail:////tmp/copractice-mail", Path("/tmp/copractice-mail")),
    ],
)
def test_file_mail_relative_to_the_project_folder(url, folder, tmp_path):
    """Three slashes: a path in the project folder, whatever the current directory."""
    env = {"DEBUG": "true", "EMAIL_URL": url}
    code = "from django.conf import settings; print(settings.EMAIL_FILE_PATH)"
    result = _run("shell", "-v", "0", "-c", code, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(folder)


def test_sqlite_waits_for_the_write_lock_instead_of_failing():
    env = {"DEBUG": "true", "DATABASE_URL": "sqlite:////tmp/copractice-settings.sqlite3"}
    assert _setting("sorted(settings.DATABASES['default']['OPTIONS'].items())", env) == str(
        [
            (
                "init_command",
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000",
            ),
            ("timeout", 20),
            ("transaction_mode", "IMMEDIATE"),
        ]
    )


def test_trusted_proxies_come_from_the_environment():
    expression = "settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER"
    assert _setting(expression, {"DEBUG": "true"}) == "0 None"
    assert _setting(expression, {"DEBUG": "true", "TRUSTED_PROXY_COUNT": "1"}) == "1 None"
    header = {"DEBUG": "true", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}
    assert _setting(expression, header) == "0 X-Real-IP"


def _read_settings(code: str, env: dict) -> subprocess.CompletedProcess:
    """`code` in a fresh Python that only imports the settings (no Django set-up)."""
    return subprocess.run(
        [sys.executable, "-c", f"import copractice.settings as settings\n{code}"],
        cwd=ROOT,
        env=_environment(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_reading_the_settings_makes_no_folder(tmp_path):
    var = tmp_path / "var"
    result = _read_settings(
        "print(settings.CELERY_BROKER_URL)", {"DEBUG": "true", "VAR_DIR": str(var)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "copractice-filesystem://localhost/"
    assert not var.exists()


def test_the_embedded_broker_makes_its_folders_when_first_used(tmp_path):
    var = tmp_path / "var"
    env = {"DEBUG": "true", "VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    code = (
        "from copractice.celery import app\n"
        "with app.connection_for_write() as connection:\n"
        "    connection.ensure_connection()"
    )
    result = _run("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (var / "broker").iterdir()) == ["control", "processed", "queue"]


def test_the_test_mode_is_set_by_the_environment_only():
    """Importing pytest does not make a process a test run (a tool, a worker, a shell)."""
    code = "import pytest\nprint(settings.TESTING, settings.PRODUCTION)"
    result = _read_settings(code, {"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
    result = _read_settings(code, {"DEBUG": "true", "COPRACTICE_TESTING": "true"})
    assert result.stdout.split() == ["True", "False"]


def test_second_factors_are_required_of_coordinators_and_site_admins_unless_told():
    expression = "sorted(settings.MFA_REQUIRED_ROLES)"
    assert _setting(expression, PRODUCTION_ENV) == "['coordinator', 'site_admin']"
    relaxed = {**PRODUCTION_ENV, "MFA_REQUIRED_ROLES": "none"}
    assert _setting(expression, relaxed) == "[]"
    result = _manage("check", env={**PRODUCTION_ENV, "MFA_REQUIRED_ROLES": "peer_supporter"})
    assert result.returncode != 0
    assert "MFA_REQUIRED_ROLES is 'peer_supporter'" in result.stderr
