from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "followup.frameworks"
    label = "frameworks"
