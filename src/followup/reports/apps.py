from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "followup.reports"
    label = "reports"

    def ready(self) -> None:
        from followup.indicators.disclosed import published_reports_from
        from followup.reports.cutoff import published_cutoffs

        # What a published report withheld stays withheld on the pages (indicators.disclosed).
        published_reports_from(published_cutoffs)
