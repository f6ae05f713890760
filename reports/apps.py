from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from . import summary

        summary.connect()  # the dashboard's figures are computed again when their inputs change
