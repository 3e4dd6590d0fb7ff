"""Pages that put the domain apps together: the list of partnerships, a partnership's home page
and the recommendation page, which shows a recommendation's actions, figures, quotes and
judgements in one place. The apps they draw on never import this one."""

from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "followup.front"
    label = "front"
    verbose_name = "Composed pages"
