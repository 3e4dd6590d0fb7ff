"""Working out what viewers may not see once, not on every page.

``disclosed.withheld_figures`` reads every figure a partnership's indicators show, for every
area they are compared with, and checks every pair of counts: about 0.1 s for the demo and a
minute at national size. Its answer depends only on rows in the database and on the disclosure
threshold, so it is kept (``WithheldMemo``) beside a fingerprint of all of them, and used again
only while the fingerprint is unchanged.

The fingerprint is a SHA-256 of:

- the disclosure threshold, the time zone, and the source of every Followup module as it was
  when the process started (``CODE_VERSION``: an upgrade works everything out afresh);
- every field of the partnership's indicators, the data elements, releases and validation
  rules it can see, every area and every area group's members;
- the values it can see, through their releases: values are only ever added by the importer,
  which raises each release's ``revision`` as it adds them, and deleted with their release (or
  data element), so the releases' rows change whenever the values do. Nothing changes a value in
  place (the admin shows values read-only), and ``tests/indicators/test_withheld_memo.py`` fails
  if any other module writes values (counting them instead took 0.1 s at national size, and
  summing them 0.3 s);
- the releases behind each of the partnership's published reports.

It is cheap: no value is read, only a few small tables, in plain queries. A memo is stored only
when the fingerprint read before working the figures out equals the one read after, so an answer
is never kept beside a fingerprint of data it was not worked out from; a kept answer that is not
the shape written here is worked out again, never trusted. A page reads the decision and its
figures between two readings of the fingerprint (``disclosed.as_shown``), so an import committed
while the page was read cannot show a figure the decision has not seen.

A cache with an expiry was rejected: for its lifetime it would show a small number that a new
import had made disclosive.

Working it out once, not once a page: after an import, every viewer's first page finds the memo
out of date. Only one of them works the figures out: it claims the work (``WithheldWork``, one
row a partnership, taken with a conditional update that only one process can win); the others
wait for its answer, checking every ``POLL`` seconds for up to ``WAIT``, then answer "busy, try
again" (``WorkingOut``) rather than start the same minute of work in every server thread. A
claim older than ``CLAIM_LASTS`` is taken over: the process that made it may have died.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Field, Model, Q, QuerySet
from django.utils import timezone

from followup.indicators import models
from followup.lib import disclosure
from followup.lib.types import TryAgainLater
from followup.partnerships.models import Area, AreaGroup, Partnership

log = logging.getLogger(__name__)

Key = tuple[int, int, str]
Answer = tuple[frozenset[Key], frozenset[int]]
Cutoffs = Callable[[Partnership], list[QuerySet[models.Release]]]


def _code_version() -> str:
    """A digest of the source of every module of Followup, read when this module is imported.

    Not only the disclosure modules: which release is a figure's latest (``models``), which area
    is Scotland (``queries``) and what an area's kind means (``partnerships``) decide what is
    withheld too, and a list of modules would miss the next one. Read at import, not at first
    use, so that a process started before an upgrade keeps the digest of the code it runs: its
    decisions are never kept beside the new code's fingerprint."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()


def _rows(model: type[Model], partnership: Partnership | None, *, official: bool) -> list[Any]:
    """Every column of the model's rows that the partnership can see, as the database gives them:
    one plain query (built by the ORM, the same rows over and over, costs more than reading
    them)."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(f.column) for f in meta.concrete_fields)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)}"
    params: list[Any] = []
    if partnership is not None:
        field = meta.get_field("partnership")
        assert isinstance(field, Field)
        owner = quote(field.column)
        sql += f" WHERE {owner} = %s" + (f" OR {owner} IS NULL" if official else "")
        params.append(partnership.pk)
    sql += f" ORDER BY {quote(meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [list(row) for row in cursor.fetchall()]


def fingerprint(partnership: Partnership, cutoffs: Cutoffs | None) -> str:
    """The fingerprint of everything ``withheld_figures(partnership)`` reads (module docstring)."""
    parts: dict[str, Any] = {
        "code": CODE_VERSION,
        "time zone": settings.TIME_ZONE,  # the day a report was published on
        "threshold": disclosure.threshold(),
        "indicators": _rows(models.Indicator, partnership, official=False),
        "elements": _rows(models.DataElement, partnership, official=True),
        "releases": _rows(models.Release, partnership, official=True),
        "validation": _rows(models.ValidationRule, partnership, official=True),
        "areas": _rows(Area, None, official=True),
        "groups": _rows(AreaGroup.areas.through, None, official=True),
        "published": [
            sorted(r.values_list("pk", flat=True)) for r in (cutoffs or _none)(partnership)
        ],
    }
    text = json.dumps(parts, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _none(partnership: Partnership) -> list[QuerySet[models.Release]]:
    return []


def remembered(
    partnership: Partnership,
    cutoffs: Cutoffs | None,
    work_out: Callable[[], Answer],
    *,
    known: str | None = None,
    wait: bool = True,
) -> Answer:
    """The memo's answer while its fingerprint matches; otherwise ``work_out()``, kept when the
    data did not change while it was being worked out. ``known`` is the fingerprint when the
    caller has just read it (``disclosed.as_shown``), so that it is not read twice.

    While another process works the same figures out, this one waits for its answer (up to
    ``WAIT`` seconds; not at all without ``wait``), then raises ``WorkingOut``."""
    before = known or fingerprint(partnership, cutoffs)
    waited_until = time.monotonic() + (WAIT if wait else 0.0)
    while True:
        kept = _kept(partnership, before)
        if kept is not None:
            return kept
        if _claim(partnership, before):
            break
        if time.monotonic() >= waited_until:
            raise WorkingOut(
                "What this page may show is being worked out after the figures changed."
            )
        time.sleep(POLL)
    try:
        # Another may have kept its answer and let the claim go between our look and our claim.
        kept = _kept(partnership, before)
        if kept is not None:
            return kept
        answer = work_out()
        if fingerprint(partnership, cutoffs) == before:
            _keep(partnership, before, answer)
        return answer
    finally:
        _release(partnership, before)


class WorkingOut(TryAgainLater):
    """Another page or task is working out what viewers may not see, and has not finished."""


POLL = 0.25  # seconds between looks at the memo while another works it out
WAIT = 20.0  # seconds a page waits for another's answer before answering "try again"
CLAIM_LASTS = datetime.timedelta(minutes=5)  # a claim older than this is taken over


def _kept(partnership: Partnership, before: str) -> Answer | None:
    memo = models.WithheldMemo.objects.filter(partnership=partnership).first()
    if memo is None or memo.fingerprint != before:
        return None
    kept = _answer(memo.figures, memo.linked)
    if kept is None:
        log.error("The kept withheld figures of partnership %s are damaged", partnership.pk)
    return kept


def _claim(partnership: Partnership, before: str) -> bool:
    """Whether this process may work the figures out for ``before``: no one else is working on
    that fingerprint, or their claim is older than ``CLAIM_LASTS``. One conditional update, so
    of several processes asking at once only one wins. Derived bookkeeping, not audited; where
    it cannot be written (a busy SQLite database, a read-only transaction), the figures are
    worked out here, as they would be without claims."""
    now = timezone.now()
    try:
        with transaction.atomic():
            models.WithheldWork.objects.get_or_create(
                partnership=partnership, defaults={"fingerprint": "", "since": now}
            )
            free = ~Q(fingerprint=before) | Q(since__lt=now - CLAIM_LASTS)
            won = models.WithheldWork.objects.filter(Q(partnership=partnership) & free).update(
                fingerprint=before, since=now
            )
    except DatabaseError as error:
        log.info(
            "Withheld figures of partnership %s worked out unclaimed: %s", partnership.pk, error
        )
        return True
    return won == 1


def _release(partnership: Partnership, before: str) -> None:
    try:
        with transaction.atomic():
            models.WithheldWork.objects.filter(partnership=partnership, fingerprint=before).update(
                fingerprint=""
            )
    except DatabaseError as error:
        log.info("Claim on partnership %s not released: %s", partnership.pk, error)


def _answer(figures: Any, linked: Any) -> Answer | None:
    """The kept answer, or None if it is not the shape ``_keep`` writes (worked out again)."""
    try:
        keys = frozenset((int(e), int(a), str(p)) for e, a, p in figures if isinstance(p, str))
        elements = frozenset(int(e) for e in linked)
    except (TypeError, ValueError):
        return None
    if not (isinstance(figures, list) and isinstance(linked, list)) or len(keys) != len(figures):
        return None
    return keys, elements


def _keep(partnership: Partnership, fingerprint: str, answer: Answer) -> None:
    """Store the memo. It is derived data, not anyone's change, so it is not audited; a write
    that cannot be made (a busy SQLite database, a read-only transaction) is skipped, and the
    figures are worked out again next time."""
    figures, linked = answer
    try:
        with transaction.atomic():
            models.WithheldMemo.objects.update_or_create(
                partnership=partnership,
                defaults={
                    "fingerprint": fingerprint,
                    "figures": sorted([list(key) for key in figures]),
                    "linked": sorted(linked),
                },
            )
    except DatabaseError as error:
        log.info("Withheld figures of partnership %s not kept: %s", partnership.pk, error)
