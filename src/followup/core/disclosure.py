"""Disclosure control: small counts can identify people, so they are never published.

A count from 1 to the threshold (``FOLLOWUP_DISCLOSURE_THRESHOLD``, default 4) is *disclosive*.
Zero is not: it tells of no one. People who may see exact counts see them marked; everyone else,
and every published output, sees ``SUPPRESSED`` instead.
"""

from __future__ import annotations

from django.conf import settings

SUPPRESSED = "[c]"
MEANING = "[c]: a count from 1 to {threshold}, withheld because it could identify people."


def threshold() -> int:
    return int(settings.DISCLOSURE_THRESHOLD)


def is_disclosive(count: int) -> bool:
    return 0 < count <= threshold()


def shown(count: int, *, exact: bool) -> int | str:
    """The count as a reader may see it: exact, or the suppression symbol when disclosive."""
    return count if exact or not is_disclosive(count) else SUPPRESSED


def meaning() -> str:
    return MEANING.format(threshold=threshold())
