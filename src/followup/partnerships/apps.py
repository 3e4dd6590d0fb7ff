from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "followup.partnerships"
    label = "partnerships"
