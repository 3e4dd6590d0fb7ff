from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "followup.records"
    label = "records"
    verbose_name = "Records reading"
