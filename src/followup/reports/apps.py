from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "followup.reports"
    label = "reports"

    def ready(self) -> None:
        from followup.indicators.disclosed import published_reports_from
        from followup.lib import storedfiles
        from followup.reports.cutoff import published_cutoffs
        from followup.reports.models import ProgressPack, Publication

        # What a published report withheld stays withheld on the pages (indicators.disclosed).
        published_reports_from(published_cutoffs)
        # Publications never change; only the demo's own are ever deleted (`followup demo
        # --replace`), and their files go with them.
        storedfiles.delete_files_with(Publication)
        # A progress pack goes with its partnership, and its files with it.
        storedfiles.delete_files_with(ProgressPack)
