from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "followup.audit"
    label = "audit"
