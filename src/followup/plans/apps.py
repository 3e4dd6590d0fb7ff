from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "followup.plans"
    label = "plans"

    def ready(self) -> None:
        from followup.lib import storedfiles
        from followup.plans.models import UpdateFile

        # An update's files go from the storage with their update (with its partnership).
        storedfiles.delete_files_with(UpdateFile)
