from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CopracticeConfig(AppConfig):
    name = "copractice"
    verbose_name = "CoPractice"

    def ready(self):
        # The embedded database's folder (var/ by default) is made when the project starts, so
        # that `manage.py migrate` works in a fresh clone; reading the settings makes nothing.
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.sqlite3" and database["NAME"] != ":memory:":
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
