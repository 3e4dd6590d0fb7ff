from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "followup.reports"
    label = "reports"
