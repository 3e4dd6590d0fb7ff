"""The evidence's protected counts, kept between requests until the partnership next changes.

Working out a partnership's evidence as an audience sees it (``disclosed.evidence_for``: every
count by every attribute, protected together) is half the work of a recommendation's page. It
depends only on the partnership's own records (sources, cases, codes, codings, quotes, the
attributes shown, its inspections' recommendations and quality indicators), on who is reading
(exact counts or protected ones) and on the disclosure threshold. Every change to a
partnership's records is written with an audit entry carrying the partnership's id (the house
rule that ``tests/audit/test_writes_go_through_actions.py`` enforces), so the id of its latest
audit entry names the state of its records: the answer is kept in the shared cache under that
id, and any change (one more entry) makes a new key that the next reader works out afresh. The
partnership's creation time is in the key too, so that a partnership made again with the same id
(a demo loaded again) never meets an older one's answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from followup.audit.models import AuditEntry
from followup.lib.disclosure import threshold
from followup.partnerships.models import Partnership

T = TypeVar("T")
# How long an answer is kept when nothing changes: a day; a change retires it at once.
KEEP_SECONDS = 24 * 60 * 60


def state_of(partnership: Partnership) -> str:
    """A name for the present state of the partnership's records: its id, creation time and
    the id of its latest audit entry."""
    latest = (
        AuditEntry.objects.filter(partnership_id=partnership.pk)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return f"{partnership.pk}.{partnership.created_at.timestamp():.6f}.{latest or 0}"


def kept(
    what: str, partnership: Partnership, work_out: Callable[[], T], *, exact: bool, key: str = ""
) -> T:
    """``work_out()``'s answer for this state of the partnership's records and this audience,
    from the cache if it was worked out before, else worked out now and kept."""
    name = f"evidence:{what}:{state_of(partnership)}:{int(exact)}:{threshold()}:{key}"
    found: T | None = cache.get(name)
    if found is None:
        found = work_out()
        cache.set(name, found, KEEP_SECONDS)
    return found
