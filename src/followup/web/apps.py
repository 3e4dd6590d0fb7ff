"""The web helpers every app's pages use: form pages, template tags, middleware, paging, request
size limits and create forms' one-time keys.

The app keeps the label ``core``, its name before 0.2, so that its one table
(``core_submission``) and its migration history stay where existing databases have them.
"""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "followup.web"
    label = "core"
    verbose_name = "Web pages"

    def ready(self) -> None:
        from followup.web import checks  # noqa: F401  (registers Followup's system checks)
