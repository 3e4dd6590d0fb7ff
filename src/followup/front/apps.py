"""Pages that put the domain apps together: the list of partnerships, a partnership's home page
and the recommendation page, which shows a recommendation's actions, figures, quotes and
judgements in one place. The apps they draw on never import this one."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FrontConfig(AppConfig):
    name = "followup.front"
    label = "front"
    verbose_name = "Composed pages"

    def ready(self) -> None:
        from followup.front import searchindex

        # After every migrate (a migration may rebuild a table and drop its triggers).
        post_migrate.connect(searchindex.ensure, dispatch_uid="followup.front.searchindex")
