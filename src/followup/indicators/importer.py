"""Importing performance data: plan (a dry run), then apply all or nothing.

Two layouts are read, from CSV or XLSX (``followup.indicators.layouts``, docs/data-import.md): a
tidy table, and a statistics.gov.scot download with a mapping.

Planning checks every row and reports every problem with its line, column and what was
expected (``followup.indicators.cells`` checks what a cell may hold before anything is looked
up); it sorts the rest into new values, revisions (a changed figure in a later release),
confirmations (the same figure in another release) and unchanged rows (already imported from
this release), and lists the derived figures the file changes (worked out on read, never
written; the rows are checked in ``followup.indicators.importrows``). Applying writes the plan
in one transaction, and only a plan with no problem.

Who may write what: without a partnership (the command line, run by an administrator) a file
gives official statistics, under official releases. A partnership's file gives figures under the
partnership's own releases, which no other partnership ever reads: for its own data elements, for
any area, and for official data elements only for the partnership's own area. Every comparison
with what is stored reads only what the writer may see (``followup.indicators.scope``).

Release names tell releases apart: a partnership's own release never takes an official
release's name, nor an official release a partnership's. A partnership's row under an official
release (as in its own export) is a figure the official release already holds, so it is counted
unchanged; anything else under an official release's name is refused.

Imports into the same scope take turns (``lock_imports``): plan and apply in one
transaction that takes the lock first, and a second import plans against what the first wrote.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from followup.audit.log import record
from followup.indicators.cells import (
    header_problems,
    release_problem,
    row_problems,
    shown,
)
from followup.indicators.checks import check_rules, check_tenancy
from followup.indicators.importrows import (
    Parsed,
    Progress,
    known_for,
    parse_rows,
    release_names,
)
from followup.indicators.layouts import (
    SGS_REQUIRED,
    TIDY_OPTIONAL,
    TIDY_REQUIRED,
    Raw,
    detect_layout,
    load_mapping,
    mapping_column_problems,
    sgs_rows,
    tidy_column_problems,
    tidy_rows,
)
from followup.indicators.models import DataElement, DataValue, Period, Release
from followup.indicators.plan import Change, ImportPlan, Problem
from followup.indicators.scope import (
    Reader,
    elements_by_code,
    own_releases,
    reader_id,
    visible_values,
)
from followup.indicators.tasks_withheld import after_figures_change
from followup.lib.tabular import Table
from followup.lib.types import Actor
from followup.partnerships.models import Area, Partnership

__all__ = [
    "SGS_REQUIRED",
    "TIDY_OPTIONAL",
    "TIDY_REQUIRED",
    "ImportConflict",
    "ImportPlan",
    "Problem",
    "apply_import",
    "detect_layout",
    "load_mapping",
    "lock_imports",
    "plan_import",
]

# pg_advisory_xact_lock's first key: "FI" (Followup imports); the second is the partnership's id,
# or 0 for official statistics.
_IMPORT_LOCK = 0x4649


def lock_imports(writer: Reader) -> None:
    """Make imports into the same scope (one partnership's releases, or the official ones) take
    turns, until the calling transaction ends: a second import waits here, then plans against
    what the first wrote. PostgreSQL takes a transaction-level advisory lock, which no other
    write waits for; each SQLite transaction takes the database's write lock when it begins
    (``SQLITE_OPTIONS``), so imports there take turns already."""
    if not connection.in_atomic_block:
        raise RuntimeError(
            "lock_imports() holds its lock until the transaction ends: call it in one"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK, reader_id(writer) or 0]
            )


class ImportConflict(ValueError):
    """Another import wrote the same figures, data elements or releases after this plan was made
    (a plan made outside ``lock_imports``): nothing was written."""


def plan_import(
    table: Table,
    *,
    release: str | None = None,
    partnership: Partnership | None = None,
    create_elements: bool = False,
    mapping: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check a table and work out what importing it would change. Writes nothing.

    The steps: find the layout; report what is wrong with the file as a whole (its header row,
    and a column the layout does not read or the mapping lacks) and with single rows' cells
    (those rows go no further); gather the release names the rows give; check each row against
    the areas, data elements, releases and periods it names; and only if nothing is wrong, sort
    the figures into new, revised, confirmed and unchanged, and check the data elements'
    rules."""
    try:
        layout = detect_layout(table.headers)
    except ValueError as error:
        return ImportPlan(
            layout="unknown",
            errors=[Problem(1, None, str(error)), *header_problems(table.headers)],
        )
    plan = ImportPlan(layout=layout, partnership=partnership)
    plan.errors.extend(header_problems(table.headers))
    if layout == "statistics.gov.scot" and mapping is None:
        plan.errors.append(
            Problem(None, None, "a statistics.gov.scot download needs a mapping file (--mapping)")
        )
        return plan
    plan.errors.extend(
        tidy_column_problems(table)
        if layout == "tidy"
        else mapping_column_problems(table.headers, mapping or {"elements": []})
    )
    file_release_ok = _file_release_ok(plan, release)
    table = _without_bad_rows(plan, table)
    raws = list(
        tidy_rows(table, release)
        if layout == "tidy"
        else sgs_rows(table, release, mapping or {}, plan)
    )
    names = release_names(plan, raws, file_release_ok)
    existing = {r.name: r for r in own_releases(partnership).filter(name__in=names)}
    known = known_for(plan, layout, names, existing, create_elements)
    parsed = parse_rows(plan, raws, known, progress)
    used = {raw.release for raw, *_ in parsed}
    plan.releases = sorted(n for n in names if n not in known.official)
    plan.new_releases = [n for n in plan.releases if n not in existing]
    plan.official_releases = sorted(n for n in known.official if n in used)
    if plan.errors:
        return plan
    _classify(plan, parsed, existing, known.official)
    if plan.ok:
        check_rules(plan, known.elements)
    return plan


def _file_release_ok(plan: ImportPlan, release: str | None) -> bool:
    """Whether the release given for the whole file (if any) is a good name; reported if not."""
    problem = release_problem(None, None, release) if release else None
    if problem is not None:
        plan.errors.append(
            Problem(None, None, f"the release given for the whole file: {problem.message}")
        )
    return problem is None


def _without_bad_rows(plan: ImportPlan, table: Table) -> Table:
    """The table without the rows whose cells are wrong whatever they name (each reported),
    and with rows that have more cells than the header row reported (the first 50)."""
    extra = [line for line, cells in table.rows if "\0extra" in cells]
    for line in extra[:50]:
        plan.errors.append(
            Problem(line, None, "the row has more cells than the header row has columns")
        )
    bad_lines: set[int] = set()
    for line, cells in table.rows:
        found = row_problems(line, cells)
        if found:
            plan.errors.extend(found)
            bad_lines.add(line)
    if not bad_lines:
        return table
    return Table(table.headers, [row for row in table.rows if row[0] not in bad_lines])


History = dict[tuple[int, str, str], list[tuple[Any, str, float, int]]]


def _classify(
    plan: ImportPlan,
    parsed: list[Parsed],
    releases: dict[str, Release],
    official: dict[str, Release],
) -> None:
    """Sort the rows into new, revised, confirmed and unchanged against what is stored and the
    writer may see (never another partnership's figures). A partnership's rows under an official
    release are unchanged when that release holds the same figure, and refused otherwise."""
    stored = _stored_history(plan, parsed)
    refused: dict[str, list[tuple[Raw, float | None]]] = {}
    for raw, period_id, value, element, is_official in parsed:
        change = Change(
            raw.line,
            raw.element,
            raw.area,
            period_id,
            raw.release,
            value,
            raw.status,
            raw.note,
            official=is_official,
        )
        history = sorted(
            stored.get((element.pk, raw.area, period_id), []) if element else [],
            key=lambda item: (item[0][0], item[0][1] or 0, item[0][2]),
        )
        own = (official if is_official else releases).get(raw.release)
        same_release = [h for h in history if own is not None and h[3] == own.pk]
        if is_official:
            if same_release and same_release[0][2] == value:
                plan.unchanged.append(change)
            else:
                held = same_release[0][2] if same_release else None
                refused.setdefault(raw.release, []).append((raw, held))
            continue
        if same_release:
            if same_release[0][2] == value:
                plan.unchanged.append(change)
            else:
                plan.errors.append(
                    Problem(
                        raw.line,
                        "value",
                        f"release {raw.release!r} already holds {same_release[0][2]:g} here; a changed figure needs a new release",
                    )
                )
            continue
        others = [h for h in history if own is None or h[3] != own.pk]
        if not others:
            plan.new.append(change)
            continue
        latest = others[-1]
        change.old_value, change.old_release = latest[2], latest[1]
        (plan.confirmations if latest[2] == value else plan.revisions).append(change)
    _refuse_under_official(plan, refused)


def _stored_history(plan: ImportPlan, parsed: list[Parsed]) -> History:
    """Every stored figure the writer may see of the file's data elements, by data element,
    area and period: each with its release's order (unpublished last), name and id."""
    known = {element.pk for _, _, _, element, _ in parsed if element is not None}
    stored: History = {}
    if not known:
        return stored
    query = (
        visible_values(plan.partnership)
        .filter(element_id__in=known)
        .values_list(
            "element_id",
            "area__code",
            "period_id",
            "release__name",
            "release__published_on",
            "release_id",
            "value",
        )
    )
    for element_id, area, period, rel_name, published, rel_id, value in query.iterator(
        chunk_size=20_000
    ):
        stored.setdefault((element_id, area, period), []).append(
            ((published is None, published, rel_id), rel_name, value, rel_id)
        )
    return stored


def _refuse_under_official(
    plan: ImportPlan, refused: dict[str, list[tuple[Raw, float | None]]]
) -> None:
    """Report, once for each official release, a partnership's rows under its name that it
    does not hold the same figure for."""
    for name, rows in refused.items():
        raw, held = rows[0]
        more = len(rows) - 1
        plan.errors.append(
            Problem(
                raw.line,
                raw.release_column,
                f"{shown(name)} is an official release, which "
                + ("holds no figure here" if held is None else f"holds {held:g} here")
                + ": a partnership's own figures go under a release of its own, named unlike "
                "any official release"
                + (f" ({more} more row{'s' if more != 1 else ''} like this one)" if more else ""),
            )
        )


def apply_import(
    plan: ImportPlan, *, actor: Actor, published_on: Any = None, source_url: str = ""
) -> dict[str, int]:
    """Write a plan with no problems, in one transaction, as the actor (a member on the web, the
    operator on the command line); return counts. Raises ValueError otherwise, and
    ``ImportConflict`` when another import wrote the same rows after the plan was made (plan
    inside ``lock_imports`` to take turns instead)."""
    if not plan.ok:
        raise ValueError("the plan has problems; nothing was imported")
    try:
        return _apply(plan, actor, published_on, source_url)
    except IntegrityError:
        raise ImportConflict(
            "another import wrote some of these figures, data elements or releases while this "
            "one was being checked, so nothing was imported; check the file again"
        ) from None


def _add_periods(plan: ImportPlan) -> None:
    """Add the periods the plan writes figures for that are not yet known."""
    needed = {c.period for c in plan.to_write}
    missing = needed - set(Period.objects.filter(id__in=needed).values_list("id", flat=True))
    Period.objects.bulk_create(
        [
            Period(id=p.id, kind=p.kind, start=p.start, end=p.end)
            for pid, p in plan.periods.items()
            if pid in missing
        ],
        batch_size=2000,
    )


def _apply(plan: ImportPlan, actor: Actor, published_on: Any, source_url: str) -> dict[str, int]:
    partnership = plan.partnership
    with transaction.atomic():
        lock_imports(partnership)
        after_figures_change(partnership)
        elements = elements_by_code(partnership)
        check_tenancy(plan, elements)
        for code in plan.created_elements:
            elements[code] = DataElement.objects.create(
                code=code,
                name=code,
                period_kind=plan.element_kinds.get(code, "year"),
                is_count=code not in plan.measured,
                partnership=partnership,
            )
            record(
                actor, "data_element.create", elements[code], {"code": [None, code]}, partnership
            )
        releases = {}
        for name in plan.releases:
            release, _ = own_releases(partnership).get_or_create(
                name=name,
                partnership=partnership,
                defaults={
                    "published_on": published_on,
                    "source_url": source_url,
                    "created_by": actor if getattr(actor, "pk", None) else None,
                },
            )
            releases[name] = release
        _add_periods(plan)
        areas = {
            a.code: a.pk for a in Area.objects.filter(code__in={c.area for c in plan.to_write})
        }
        element_ids = {code: e.pk for code, e in elements.items()}
        release_ids = {name: r.pk for name, r in releases.items()}
        quote = connection.ops.quote_name
        columns = ("element_id", "area_id", "period_id", "release_id", "value", "status", "note")
        sql = (
            f"INSERT INTO {quote(DataValue._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        # Every row has passed every check; one executemany writes them, in this transaction.
        with connection.cursor() as cursor:
            cursor.executemany(
                sql,
                [
                    (
                        element_ids[c.element],
                        areas[c.area],
                        c.period,
                        release_ids[c.release],
                        c.value,
                        c.status,
                        c.note,
                    )
                    for c in plan.to_write
                ],
            )
        # Values are only ever added by this import, never changed in place: raising the
        # releases' revisions tells withheld_memo that what viewers may see has to be worked out
        # again, without counting the values.
        written = {release_ids[c.release] for c in plan.to_write}
        own_releases(partnership).filter(pk__in=written).update(revision=F("revision") + 1)
        counts = {
            "new": len(plan.new),
            "revised": len(plan.revisions),
            "confirmed": len(plan.confirmations),
            "unchanged": len(plan.unchanged),
        }
        for release in releases.values():
            record(actor, "data.import", release, {"values": [None, counts]}, partnership)
    return counts
