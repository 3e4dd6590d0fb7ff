from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "followup.indicators"
    label = "indicators"

    def ready(self) -> None:
        from followup.indicators.models import ImportUpload
        from followup.lib import storedfiles

        # A staged file goes from the storage with its row: discarded, purged, or with its
        # partnership.
        storedfiles.delete_files_with(ImportUpload)
