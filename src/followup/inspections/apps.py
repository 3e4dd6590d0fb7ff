from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "followup.inspections"
    label = "inspections"
