"""The production stack's files: no Docker engine runs here, so check what can be checked."""

import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "mail", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


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


def test_commands_name_things_that_exist():
    services = _compose()["services"]
    assert "manage.py migrate --noinput" in services["web"]["command"]
    assert "gunicorn copractice.wsgi" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "copractice", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "copractice", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert importlib.import_module("copractice.wsgi").application is not None
    assert importlib.import_module("gunicorn").__name__ == "gunicorn"


def test_dockerfile_installs_the_project_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "RUN pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert 'CMD ["gunicorn", "copractice.wsgi"' in dockerfile
