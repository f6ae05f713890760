"""The production stack's files: no Docker engine runs here, so check what can be checked."""

import importlib
import runpy
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "mail", "web", "worker", "beat", "backup"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_backup_service_dumps_the_database_nightly_and_keeps_n_days():
    compose = _compose()
    backup, db = compose["services"]["backup"], compose["services"]["db"]
    # The same PostgreSQL image as the database: pg_dump matches the server's version.
    assert backup["image"] == db["image"]
    assert backup["volumes"] == ["backups:/backups"]
    assert "backups" in compose["volumes"]
    env = backup["environment"]
    assert (env["PGHOST"], env["PGDATABASE"]) == ("db", db["environment"]["POSTGRES_DB"])
    assert (env["PGUSER"], env["PGPASSWORD"]) == (
        db["environment"]["POSTGRES_USER"],
        db["environment"]["POSTGRES_PASSWORD"],
    )
    assert env["BACKUP_KEEP_DAYS"] == "${BACKUP_KEEP_DAYS:-14}"
    assert backup["depends_on"]["db"]["condition"] == "service_healthy"
    assert backup["entrypoint"] == ["sh", "-c"]
    # Compose turns $$ into $: what the container's shell runs.
    script = backup["command"][0].replace("$$", "$")
    assert 'pg_dump --format=custom --file="$file.partial"' in script
    assert "find /backups -name 'copractice-*.dump' -mtime +\"$BACKUP_KEEP_DAYS\" -delete" in script
    syntax = subprocess.run(["sh", "-n", "-c", script], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


def test_app_services_share_one_image_and_configuration():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"] == "."
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://copractice:copractice@db:5432/")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["EMAIL_URL"] == "smtp://mail:1025"
        assert env["DEBUG"] == "false"
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        # Required like the secret: production refuses localhost addresses (settings.py).
        assert env["DEFAULT_FROM_EMAIL"].startswith("${DEFAULT_FROM_EMAIL:?")
        assert env["SITE_URL"].startswith("${SITE_URL:?")
        assert env["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"


def test_only_the_proxy_on_the_host_reaches_the_app():
    """The app trusts X-Forwarded-For from one proxy: nobody may reach it around the proxy."""
    web = _compose()["services"]["web"]
    assert web["ports"] == ["127.0.0.1:8000:8000"]


def test_the_web_service_is_healthy_only_while_it_can_serve():
    test = _compose()["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert "urlopen('http://127.0.0.1:8000/health/', timeout=5)" in test[3]


def test_commands_name_things_that_exist():
    services = _compose()["services"]
    assert "manage.py migrate --noinput" in services["web"]["command"]
    assert "gunicorn copractice.wsgi --config gunicorn.conf.py" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "copractice", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "copractice", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert importlib.import_module("copractice.wsgi").application is not None
    assert importlib.import_module("gunicorn").__name__ == "gunicorn"


def test_dockerfile_installs_the_project_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "RUN pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert 'CMD ["gunicorn", "copractice.wsgi", "--config", "gunicorn.conf.py"' in dockerfile


def test_gunicorn_config_redacts_the_access_log_and_serves_on_8000():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["logger_class"] == "copractice.access_log.RedactingLogger"
    assert importlib.import_module("copractice.access_log").RedactingLogger is not None
    assert conf["bind"] == "0.0.0.0:8000"


def test_the_image_leaves_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".venv", "var", ".env", "staticfiles", ".git"} <= set(ignored)


def test_collectstatic_in_the_image_build_passes_the_production_checks():
    """The Dockerfile's collectstatic runs with DEBUG off: it must give every required value."""
    line = next(
        line for line in (ROOT / "Dockerfile").read_text().split("RUN ") if "collectstatic" in line
    )
    for name in ("SECRET_KEY", "SITE_URL", "DEFAULT_FROM_EMAIL"):
        assert f"{name}=" in line, name
