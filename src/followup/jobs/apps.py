from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "followup.jobs"
    label = "jobs"
