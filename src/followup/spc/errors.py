"""The one exception the signals library raises for bad input."""

from __future__ import annotations


class SignalInputError(ValueError):
    """Input that cannot be charted. The message names the field and what was expected."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")
