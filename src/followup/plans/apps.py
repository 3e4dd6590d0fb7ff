from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "followup.plans"
    label = "plans"
