from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "followup.demo"
    label = "demo"
