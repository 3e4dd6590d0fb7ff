"""The one exception the agreement statistics raise for bad input."""

from __future__ import annotations


class AgreementInputError(ValueError):
    """Ratings that cannot be measured. The message names the field and what was expected."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.detail = message
        super().__init__(f"{field}: {message}")
