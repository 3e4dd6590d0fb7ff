from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "followup.indicators"
    label = "indicators"
