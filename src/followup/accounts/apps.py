from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "followup.accounts"
    label = "accounts"

    def ready(self) -> None:
        from followup.accounts import signals  # noqa: F401 - connects the receivers
