"""How easily a password could be guessed, measured by zxcvbn rather than by composition rules.

The NCSC advises against asking for capitals, digits and symbols (people meet such rules with
predictable patterns such as ``Password1234``) and for refusing passwords that are common or
easily guessed. zxcvbn estimates how many guesses a password would take, knowing common passwords,
words, names, dates, keyboard patterns and repeats, and the person's own username and email
address; it scores that from 0 (too guessable) to 4 (very unguessable).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

ADVICE = "Use three or four random words, such as a short phrase only you would think of."
# zxcvbn's words, in the service's plain British English where they differ.
WORDING = {"Capitalization doesn't help very much.": "Capital letters do not help much."}


def _user_inputs(user: Any) -> list[str]:
    """Words of the person's own that a guesser would try first."""
    inputs: list[str] = []
    for name in ("username", "email", "first_name", "last_name"):
        value = str(getattr(user, name, "") or "")
        if value:
            inputs.append(value)
            if name == "email":
                inputs.extend(part for part in value.replace("@", ".").split(".") if part)
    return inputs


class GuessabilityValidator:
    """Refuse a password that zxcvbn scores below ``min_score`` (FOLLOWUP_PASSWORD_MIN_SCORE),
    saying why and what to do instead."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: Any = None) -> None:
        result = zxcvbn(password, user_inputs=_user_inputs(user))
        if result["score"] >= self.min_score:
            return
        feedback = result["feedback"]
        why = feedback["warning"] or "It is short, or made of common words or patterns."
        suggestions = [WORDING.get(s, s) for s in feedback["suggestions"] if s] or [ADVICE]
        raise ValidationError(
            "This password would be easy to guess: %(why)s %(what)s",
            code="password_too_guessable",
            params={"why": why.rstrip(".") + ".", "what": " ".join(suggestions)},
        )

    def get_help_text(self) -> str:
        return (
            "Your password must be hard to guess. Three or four random words make a good one; "
            "capitals, numbers and symbols are not needed."
        )
