from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "followup.jobs"
    label = "jobs"

    def ready(self) -> None:
        from followup.jobs.models import Job
        from followup.lib import storedfiles

        # An export's file goes from the storage with its job (with its partnership).
        storedfiles.delete_files_with(Job)
