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

# zxcvbn reads at most this many characters; a longer password is judged by its first 72, which
# a guesser would have to find first (passwords of any length up to Django's own are accepted).
ZXCVBN_MAX = 72
# Words of this service and its field that a guesser would try first (ASVS 5.0 6.1.2 and 6.2.11):
# with the names and slugs of every partnership and area, and the person's own names and address.
CONTEXT_WORDS = (
    "followup",
    "follow-up",
    "inspection",
    "inspector",
    "inspectorate",
    "care inspectorate",
    "partnership",
    "children",
    "childrens services",
    "child protection",
    "improvement plan",
    "progress review",
    "council",
    "scotland",
    "nhs",
    "police scotland",
)
ADVICE = "Use three or four random words, such as a short phrase only you would think of."
# zxcvbn's words, in the service's plain British English where they differ.
WORDING = {"Capitalization doesn't help very much.": "Capital letters do not help much."}


def _context_words() -> list[str]:
    from followup.partnerships.models import Area, Partnership

    words = list(CONTEXT_WORDS)
    for name, slug in Partnership.objects.values_list("name", "slug"):
        words += [name, slug, *name.split(), *slug.split("-")]
    words += list(Area.objects.values_list("name", flat=True))
    return [word.lower() for word in words if len(word) > 2]


def _user_inputs(user: Any) -> list[str]:
    """Words of the person's own and of the service that a guesser would try first."""
    inputs: list[str] = _context_words()
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
        result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=_user_inputs(user))
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
