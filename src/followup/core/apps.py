from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "followup.core"
    label = "core"

    def ready(self) -> None:
        from followup.core import checks  # noqa: F401  (registers Followup's system checks)
