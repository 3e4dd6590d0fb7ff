"""Working out what viewers may not see once, not on every page.

``disclosed.withheld_figures`` reads every figure a partnership's indicators show, for every
area they are compared with, and checks every pair of counts: about 0.1 s for the demo and a
minute at national size. Its answer depends only on rows in the database and on the disclosure
threshold, so it is kept (``WithheldMemo``) beside a fingerprint of all of them, and used again
only while the fingerprint is unchanged.

The fingerprint is a SHA-256 of:

- the disclosure threshold, and the source of the modules that decide what is withheld (so an
  upgrade that changes the rules works everything out afresh);
- every field of the partnership's indicators, the data elements, releases and validation
  rules it can see, every area and every area group's members;
- the values it can see, through their releases: values are only ever added by the importer,
  which raises each release's ``revision`` as it adds them, and deleted with their release (or
  data element), so the releases' rows change whenever the values do. Nothing changes a value in
  place (the admin shows values read-only), and ``tests/indicators/test_withheld_memo.py`` fails
  if any other module writes values (counting them instead took 0.1 s at national size, and
  summing them 0.3 s);
- the releases behind each of the partnership's published reports.

It is cheap: no value is read, only a few small tables, in plain queries. A memo is stored only when
the fingerprint read before working the figures out equals the one read after, so an answer is
never kept beside a fingerprint of data it was not worked out from.

A cache with an expiry was rejected: for its lifetime it would show a small number that a new
import had made disclosive.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Field, Model, QuerySet

from followup.indicators import models
from followup.lib import disclosure
from followup.partnerships.models import Area, AreaGroup, Partnership

log = logging.getLogger(__name__)

Key = tuple[int, int, str]
Answer = tuple[frozenset[Key], frozenset[int]]
Cutoffs = Callable[[Partnership], list[QuerySet[models.Release]]]

# The modules whose code decides what is withheld.
RULES = ("disclosed.py", "relations.py", "derived.py", "values.py", "rules.py", "scope.py")


@cache
def rules_version() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in [*(here / name for name in RULES), Path(disclosure.__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
        "rules": rules_version(),
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
    partnership: Partnership, cutoffs: Cutoffs | None, work_out: Callable[[], Answer]
) -> Answer:
    """The memo's answer while its fingerprint matches; otherwise ``work_out()``, kept when the
    data did not change while it was being worked out."""
    before = fingerprint(partnership, cutoffs)
    memo = models.WithheldMemo.objects.filter(partnership=partnership).first()
    if memo is not None and memo.fingerprint == before:
        return _answer(memo.figures, memo.linked)
    answer = work_out()
    if fingerprint(partnership, cutoffs) == before:
        _keep(partnership, before, answer)
    return answer


def _answer(figures: Iterable[list[Any]], linked: Iterable[int]) -> Answer:
    return (
        frozenset((int(e), int(a), str(p)) for e, a, p in figures),
        frozenset(int(e) for e in linked),
    )


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
