from django.apps import AppConfig


class CopracticeConfig(AppConfig):
    name = "copractice"
    verbose_name = "CoPractice"
