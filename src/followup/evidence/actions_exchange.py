"""Writing a checked REFI-QDA file (``refi_import``): codes, cases, sources and codings, all or
nothing, one import into a partnership at a time, each row with its audit entry.

A file's rows are created in a few statements (never a round of checks and queries per row, which
made a codebook of 2,000 codes take 9 s), so what an import writes costs time in proportion to the
file. Kept apart from ``actions`` by size; ``actions`` re-exports ``import_exchange``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from followup.audit import writes
from followup.audit.log import diff, record_many, snapshot
from followup.evidence.coding_caps import check_code_count, check_codings
from followup.evidence.models import Case, Code, Coding, Source
from followup.evidence.refi import ExchangeError
from followup.evidence.refi_import import CodeSpec, Exchange
from followup.lib.types import Actor, CommandLine
from followup.partnerships.access import Capability, require
from followup.partnerships.models import Partnership


def _user(user: Actor) -> User | None:
    return user if isinstance(user, User) else None


class AlreadyImported(ExchangeError):
    """The same file was imported already (a double submit, or the same file again)."""


def import_exchange(user: Actor, partnership: Partnership, exchange: Exchange) -> dict[str, int]:
    """Write a checked REFI-QDA file's codes, cases, sources and codings, all or nothing.

    A code whose GUID, or whose name under the same parent, is already in the codebook is reused,
    so a codebook can be imported again safely: the file's memo is given to such a code that has
    none, and otherwise left out with a note added to ``exchange.warnings`` for the summary. A
    source already imported is refused. ``user`` is
    the command line's operator, who already holds the database, or a member who may code."""
    if not isinstance(user, CommandLine):
        require(user, partnership, Capability.CODE_EVIDENCE)
    check_codings((source.name, len(source.codings)) for source in exchange.sources)
    counts = {"codes": 0, "sources": 0, "cases": 0, "codings": 0}
    codes: dict[uuid.UUID, Code] = {}
    with transaction.atomic():
        # One import into a partnership at a time: the second of two identical submits waits
        # here, then finds the first one's sources and is told so.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).exists()
        _refuse_sources_here(partnership, exchange)
        counts["codes"] = _place_codes(user, partnership, exchange, codes)
        case_of, counts["cases"] = _place_cases(user, partnership, exchange)
        sources = _create_sources(user, partnership, exchange, case_of)
        counts["sources"] = len(sources)
        counts["codings"] = _create_codings(user, partnership, exchange, sources, codes)
    return counts


def _refuse_sources_here(partnership: Partnership, exchange: Exchange) -> None:
    """Refuse the file if any of its sources is in the partnership already: as
    ``AlreadyImported`` when all of them are (the same file again), naming them otherwise."""
    wanted = {spec.guid for spec in exchange.sources}
    here = {
        guid: title
        for guid, title in Source.objects.filter(partnership=partnership).values_list(
            "guid", "title"
        )
        if guid in wanted
    }
    taken = set(here.values())
    if here and len(here) == len(wanted):
        raise AlreadyImported(
            f"This project was imported before: its {len(here)} "
            f"source{'s are' if len(here) != 1 else ' is'} already here, so nothing was "
            "imported again."
        )
    if taken:
        raise ExchangeError(
            "These sources were imported before, so nothing was imported: "
            + ", ".join(f"“{t}”" for t in sorted(taken)[:20])
        )


def _place_cases(
    user: Actor, partnership: Partnership, exchange: Exchange
) -> tuple[dict[uuid.UUID, Case], int]:
    """Each of the file's cases found in the partnership (by GUID, then by name) or created; a
    case found gains the file's attributes it lacks. Gives the case of each source GUID, and how
    many cases were created."""
    case_of: dict[uuid.UUID, Case] = {}
    cases = list(Case.objects.filter(partnership=partnership))
    case_by_guid = {case.guid: case for case in cases}
    case_by_name = {case.name: case for case in cases}
    new_cases: list[Case] = []
    for case_spec in exchange.cases:
        case = case_by_guid.get(case_spec.guid) or case_by_name.get(case_spec.name)
        if case is None:
            case = Case(
                partnership=partnership,
                name=case_spec.name,
                attributes=case_spec.attributes,
                memo=case_spec.memo,
                guid=case_spec.guid,
            )
            new_cases.append(case)
            case_by_guid[case.guid], case_by_name[case.name] = case, case
        elif case.pk is not None and set(case_spec.attributes) - set(case.attributes):
            writes.update(
                user,
                "case.update",
                case,
                partnership,
                {"attributes": case_spec.attributes | case.attributes},
            )
        for guid in case_spec.sources:
            case_of[guid] = case
    _create_all(user, "case.create", new_cases, partnership)
    return case_of, len(new_cases)


def _create_sources(
    user: Actor,
    partnership: Partnership,
    exchange: Exchange,
    case_of: dict[uuid.UUID, Case],
) -> list[Source]:
    """The file's sources, created in its order, each with its case."""
    sources = [
        Source(
            partnership=partnership,
            title=source_spec.name,
            kind=Source.Kind.DOCUMENT,
            text=source_spec.text,
            memo=source_spec.memo,
            guid=source_spec.guid,
            case=case_of.get(source_spec.guid),
            created_by=_user(user),
        )
        for source_spec in exchange.sources
    ]
    _create_all(user, "source.import", sources, partnership)
    return sources


def _create_codings(
    user: Actor,
    partnership: Partnership,
    exchange: Exchange,
    sources: list[Source],
    codes: dict[uuid.UUID, Code],
) -> int:
    """Each source's codings, created with one audit entry a source that gained any; a coding
    repeating an earlier one of the same code and words in the same source is left out. Gives
    how many were created."""
    rows = []
    imported: list[tuple[Source, dict[str, list[Any]]]] = []
    for source, source_spec in zip(sources, exchange.sources, strict=True):
        seen: set[tuple[int, int, int]] = set()
        made = 0
        for c in source_spec.codings:
            code = codes[c.code]
            if (code.pk, c.start, c.end) in seen:
                continue
            seen.add((code.pk, c.start, c.end))
            made += 1
            rows.append(
                Coding(
                    source=source,
                    code=code,
                    start=c.start,
                    end=c.end,
                    memo=c.memo,
                    guid=c.guid,
                    created_by=_user(user),
                )
            )
        if made:
            imported.append((source, {"codings": [None, made]}))
    Coding.objects.bulk_create(rows, batch_size=2000)
    record_many(user, "coding.import", imported, partnership)
    return len(rows)


def _create_all(user: Actor, verb: str, objects: list[Any], partnership: Partnership) -> None:
    """Create rows an import has already checked, in a few statements, each with its audit
    entry: a large file costs time in proportion to its size, not a round of checks per row."""
    if not objects:
        return
    after = [snapshot(obj) for obj in objects]
    type(objects[0]).objects.bulk_create(objects, batch_size=2000)
    record_many(
        user, verb, [(obj, diff({}, a)) for obj, a in zip(objects, after, strict=True)], partnership
    )


def _reuse_memo(
    user: Actor, partnership: Partnership, exchange: Exchange, code: Code, memo: str
) -> None:
    """A code already in the codebook takes the file's memo if it has none; else it keeps its
    own, and the summary says so."""
    if not code.memo:
        writes.update(user, "code.update", code, partnership, {"memo": memo})
        return
    exchange.warnings.append(
        f"the code “{code.name[:100]}” was in the codebook already with a memo of its own, so "
        "it was kept as it was and the file's memo for it left out"
    )


def _place_codes(
    user: Actor,
    partnership: Partnership,
    exchange: Exchange,
    codes: dict[uuid.UUID, Code],
) -> int:
    """Reuse codes already in the codebook (by GUID, or by name under the same parent) and
    create the others, one level of the tree at a time; return how many were created."""
    specs = exchange.codes
    existing = list(Code.objects.filter(partnership=partnership))
    before = {code.pk for code in existing}
    by_guid = {code.guid: code for code in existing}
    by_name = {(code.parent_id, code.name): code for code in existing}
    level: list[tuple[CodeSpec, Code | None]] = [(spec, None) for spec in specs]
    created = 0
    while level:
        new: list[Code] = []
        following: list[tuple[CodeSpec, Code | None]] = []
        for spec, parent in level:
            key = (parent.pk if parent is not None else None, spec.name)
            code = by_guid.get(spec.guid) or by_name.get(key)
            if code is None:
                code = Code(
                    partnership=partnership,
                    parent=parent,
                    name=spec.name,
                    description=spec.description,
                    colour=spec.colour,
                    memo=spec.memo,
                    guid=spec.guid,
                )
                new.append(code)
                by_guid[spec.guid], by_name[key] = code, code
            elif code.pk in before and spec.memo and spec.memo != code.memo:
                _reuse_memo(user, partnership, exchange, code, spec.memo)
            codes[spec.guid] = code
            following.extend((child, code) for child in spec.children)
        if new:
            check_code_count(created + len(new), len(existing))
        _create_all(user, "code.create", new, partnership)
        created += len(new)
        level = following
    return created
