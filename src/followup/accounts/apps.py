from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "followup.accounts"
    label = "accounts"

    def ready(self) -> None:
        from followup.accounts import events

        events.connect()
