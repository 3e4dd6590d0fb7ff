from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "followup.evidence"
    label = "evidence"

    def ready(self) -> None:
        from followup.evidence.models import SurveyUpload
        from followup.lib import storedfiles

        # A staged file goes from the storage with its row: discarded, purged, or with its
        # partnership.
        storedfiles.delete_files_with(SurveyUpload)
