from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "followup.accounts"
    label = "accounts"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from followup.accounts import actions, events, receivers
        from followup.partnerships.actions import when_user_deactivated

        events.connect()  # sign-ins, passwords and addresses on the record
        assert receivers  # its receivers: the session's clock, second-factor events
        when_user_deactivated(actions.revoke_all_tokens)  # a deactivated account's API tokens
        password_reset.connect(_clear_failures, dispatch_uid="followup.accounts.clear_failures")


def _clear_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A completed password reset clears the account's failed sign-ins."""
    from followup.accounts import throttle

    throttle.clear_failures(user)
