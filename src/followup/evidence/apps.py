from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "followup.evidence"
    label = "evidence"
