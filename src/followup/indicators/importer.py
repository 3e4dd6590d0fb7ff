"""Importing performance data: plan (a dry run), then apply all or nothing.

Two layouts are read, from CSV or XLSX (docs/data-import.md):

- **tidy**: ``area_code, period, data_element, value`` and optionally ``release, status, note``;
- **statistics.gov.scot**: a download with ``FeatureCode, DateCode, Measurement, Units, Value``,
  its dimension columns and optionally ``DataMarker``; a mapping file says which combination of
  measurement, units and dimension values is which data element, and how to read DateCode.

Planning checks every row and reports every problem with its line, column and what was
expected; it sorts the rest into new values, revisions (a changed figure in a later release),
confirmations (the same figure in another release) and unchanged rows (already imported from
this release), and lists the derived figures the file changes (worked out on read, never
written). Applying writes the plan in one transaction, and only a plan with no problem.

Who may write what: without a partnership (the command line, run by an administrator) a file
gives official statistics, under official releases. A partnership's file gives figures under the
partnership's own releases, which no other partnership ever reads: for its own data elements, for
any area, and for official data elements only for the partnership's own area. Every comparison
with what is stored reads only what the writer may see (``followup.indicators.scope``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import connection, transaction

from followup.audit.log import record
from followup.core.types import Actor
from followup.indicators.checks import check_rules, check_tenancy
from followup.indicators.models import (
    DataElement,
    DataValue,
    Period,
)
from followup.indicators.periods import PeriodError, parse_period
from followup.indicators.plan import Change, ImportPlan, Problem
from followup.indicators.reading import Table
from followup.indicators.scope import elements_by_code, own_releases, visible_values
from followup.partnerships.models import Area, Partnership

TIDY_REQUIRED = ("area_code", "period", "data_element", "value")
TIDY_OPTIONAL = ("release", "status", "note")
SGS_REQUIRED = ("FeatureCode", "DateCode", "Measurement", "Units", "Value")
SUPPRESSED = {"*", "..", "-", "c", ":", "x", "z", "[c]", "[x]", "[z]"}
Progress = Callable[[int, int], None]


def detect_layout(headers: list[str]) -> str:
    if all(h in headers for h in TIDY_REQUIRED):
        return "tidy"
    if all(h in headers for h in SGS_REQUIRED):
        return "statistics.gov.scot"
    raise ValueError(
        "the header row matches neither layout: expected the columns "
        f"{', '.join(TIDY_REQUIRED)} (tidy) or {', '.join(SGS_REQUIRED)} (statistics.gov.scot)"
    )


@dataclass
class _Raw:
    line: int
    area: str
    period: str
    element: str
    value: str
    release: str
    status: str
    note: str
    period_rule: dict[str, Any] | None = None
    columns: tuple[str, str, str, str] = ("area_code", "period", "data_element", "value")


def _tidy_rows(table: Table, release: str | None) -> Iterable[_Raw]:
    for line, cells in table.rows:
        yield _Raw(
            line=line,
            area=cells.get("area_code", ""),
            period=cells.get("period", ""),
            element=cells.get("data_element", ""),
            value=cells.get("value", ""),
            release=cells.get("release", "") or (release or ""),
            status=cells.get("status", ""),
            note=cells.get("note", ""),
        )


def load_mapping(text: str) -> dict[str, Any]:
    """Read and check a statistics.gov.scot mapping (YAML); raise ValueError naming the problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"the mapping is not valid YAML: {error}") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("elements"), list)
        or not data["elements"]
    ):
        raise ValueError("the mapping needs a list 'elements' of {element, match} entries")
    for i, entry in enumerate(data["elements"], start=1):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("element"), str)
            or not isinstance(entry.get("match"), dict)
        ):
            raise ValueError(
                f"mapping entry {i}: expected 'element' (a code) and 'match' (column: value pairs)"
            )
        rule = entry.get("period")
        if rule is not None and not (isinstance(rule, dict) and set(rule) <= {"snapshot", "kind"}):
            raise ValueError(f"mapping entry {i}: 'period' may hold 'snapshot' (MM-DD) or 'kind'")
    return data


def _sgs_rows(
    table: Table, release: str | None, mapping: dict[str, Any], plan: ImportPlan
) -> Iterable[_Raw]:
    entries = mapping["elements"]
    for line, cells in table.rows:
        matches = [
            e
            for e in entries
            if all(
                cells.get(col, "").strip().lower() == str(val).strip().lower()
                for col, val in e["match"].items()
            )
        ]
        if not matches:
            plan.ignored += 1
            continue
        if len(matches) > 1:
            plan.errors.append(
                Problem(
                    line,
                    None,
                    f"matches {len(matches)} mapping entries ({', '.join(m['element'] for m in matches)}); make the matches exclusive",
                )
            )
            continue
        marker = cells.get("DataMarker", "")
        yield _Raw(
            line=line,
            area=cells.get("FeatureCode", ""),
            period=cells.get("DateCode", ""),
            element=matches[0]["element"],
            value=cells.get("Value", ""),
            release=release or "",
            status=marker,
            note="",
            period_rule=matches[0].get("period"),
            columns=("FeatureCode", "DateCode", "Measurement", "Value"),
        )


def _parse_value(text: str) -> float | None:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def plan_import(
    table: Table,
    *,
    release: str | None = None,
    partnership: Partnership | None = None,
    create_elements: bool = False,
    mapping: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check a table and work out what importing it would change. Writes nothing."""
    try:
        layout = detect_layout(table.headers)
    except ValueError as error:
        return ImportPlan(layout="unknown", errors=[Problem(1, None, str(error))])
    plan = ImportPlan(layout=layout, partnership=partnership)
    if layout == "statistics.gov.scot" and mapping is None:
        plan.errors.append(
            Problem(None, None, "a statistics.gov.scot download needs a mapping file (--mapping)")
        )
        return plan
    extra = [line for line, cells in table.rows if "\0extra" in cells]
    for line in extra[:50]:
        plan.errors.append(
            Problem(line, None, "the row has more cells than the header row has columns")
        )
    raws = list(
        _tidy_rows(table, release)
        if layout == "tidy"
        else _sgs_rows(table, release, mapping or {}, plan)
    )

    elements = elements_by_code(partnership)
    areas = {a.code: a for a in Area.objects.all()}
    own = partnership.area if partnership is not None else None
    own_area = areas.get(own.code) if own is not None else None
    release_names = sorted({r.release for r in raws if r.release})
    existing_releases = {
        r.name: r for r in own_releases(partnership).filter(name__in=release_names)
    }
    plan.releases = release_names
    seen: dict[tuple[str, str, str, str], int] = {}
    parsed: list[tuple[_Raw, str, float]] = []
    period_cache: dict[tuple[str, str | None, str | None], Any] = {}
    total = len(raws)
    for index, raw in enumerate(raws, start=1):
        if progress is not None and (index % 10_000 == 0 or index == total):
            progress(index, total)
        area_col, period_col, element_col, value_col = raw.columns
        problems_before = len(plan.errors)
        if not raw.release:
            plan.errors.append(
                Problem(
                    raw.line,
                    "release",
                    "no release given: add a release column or give one for the whole file",
                )
            )
        if raw.area not in areas:
            plan.errors.append(
                Problem(
                    raw.line,
                    area_col,
                    f"unknown area code {raw.area!r}" if raw.area else "an area code is required",
                )
            )
        element = elements.get(raw.element)
        kind = element.period_kind if element else None
        if element is not None and element.formula:
            plan.errors.append(
                Problem(
                    raw.line,
                    element_col,
                    f"{raw.element} is derived ({element.formula}): Followup works it out from "
                    "its parts, so a file cannot give it; import the parts",
                )
            )
        elif (
            element is not None
            and partnership is not None
            and element.partnership_id is None
            and raw.area in areas
            and (own_area is None or raw.area != own_area.code)
        ):
            plan.errors.append(
                Problem(
                    raw.line,
                    area_col,
                    f"{raw.element} is an official data element: {partnership.name} may give "
                    + (
                        f"figures for it only for its own area, {own_area.code} ({own_area.name}), "
                        if own_area
                        else "no figures for it, having no area of its own, "
                    )
                    + "not for "
                    + f"{raw.area}; official statistics are imported by an administrator. "
                    "For figures of the partnership's own, use a data element of its own",
                )
            )
        if element is None:
            if not raw.element:
                plan.errors.append(
                    Problem(raw.line, element_col, "a data element code is required")
                )
            elif not create_elements:
                plan.errors.append(
                    Problem(
                        raw.line,
                        element_col,
                        f"unknown data element {raw.element!r} (create it first, or allow creating data elements)",
                    )
                )
            elif raw.element not in plan.created_elements:
                plan.created_elements.append(raw.element)
        rule = raw.period_rule or {}
        hint = rule.get("kind") or kind or plan.element_kinds.get(raw.element)
        cache_key = (raw.period, hint, rule.get("snapshot"))
        try:
            period = period_cache.get(cache_key)
            if period is None:
                if rule.get("snapshot"):
                    year = parse_period(raw.period, "year")
                    period = parse_period(f"{year.id}-{rule['snapshot']}", "day")
                else:
                    period = parse_period(raw.period, hint)
                period_cache[cache_key] = period
                plan.periods[period.id] = period
            plan.element_kinds.setdefault(raw.element, period.kind)
            if element is not None and period.kind != element.period_kind:
                raise PeriodError(
                    f"{raw.element} has periods of kind {element.period_kind}, not {period.kind}"
                )
        except PeriodError as error:
            plan.errors.append(Problem(raw.line, period_col, str(error)))
            period = None
        value = _parse_value(raw.value)
        if value is None:
            if raw.value.strip().lower() in SUPPRESSED and layout == "statistics.gov.scot":
                plan.warnings.append(
                    Problem(
                        raw.line,
                        value_col,
                        f"value {raw.value!r} is not available (suppressed); row skipped",
                    )
                )
                plan.ignored += 1
                continue
            plan.errors.append(
                Problem(
                    raw.line,
                    value_col,
                    f"expected a number, got {raw.value!r}" if raw.value else "a value is required",
                )
            )
        elif element is not None and element.is_count and (value < 0 or not value.is_integer()):
            plan.errors.append(
                Problem(
                    raw.line,
                    value_col,
                    f"{raw.element} is a count: expected a whole number of 0 or more, got {raw.value}",
                )
            )
        if len(plan.errors) > problems_before or period is None or value is None:
            continue
        key = (raw.element, raw.area, period.id, raw.release)
        if key in seen:
            plan.errors.append(
                Problem(
                    raw.line,
                    None,
                    f"repeats line {seen[key]} (same data element, area, period and release)",
                )
            )
            continue
        seen[key] = raw.line
        parsed.append((raw, period.id, value))
    if plan.errors:
        return plan
    _classify(plan, parsed, elements, existing_releases)
    if plan.ok:
        check_rules(plan, elements)
    return plan


def _classify(
    plan: ImportPlan,
    parsed: list[tuple[_Raw, str, float]],
    elements: dict[str, DataElement],
    releases: dict[str, Any],
) -> None:
    """Sort the rows into new, revised, confirmed and unchanged against what is stored and the
    writer may see (never another partnership's figures)."""
    known = {elements[r.element].pk for r, _, _ in parsed if r.element in elements}
    stored: dict[tuple[int, str, str], list[tuple[Any, str, float, int]]] = {}
    if known:
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
    for raw, period_id, value in parsed:
        change = Change(
            raw.line, raw.element, raw.area, period_id, raw.release, value, raw.status, raw.note
        )
        element = elements.get(raw.element)
        history = sorted(
            stored.get((element.pk, raw.area, period_id), []) if element else [],
            key=lambda item: (item[0][0], item[0][1] or 0, item[0][2]),
        )
        own = releases.get(raw.release)
        same_release = [h for h in history if own is not None and h[3] == own.pk]
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


def apply_import(
    plan: ImportPlan, *, actor: Actor, published_on: Any = None, source_url: str = ""
) -> dict[str, int]:
    """Write a plan with no problems, in one transaction, as the actor (a member on the web, the
    operator on the command line); return counts. Raises ValueError otherwise."""
    if not plan.ok:
        raise ValueError("the plan has problems; nothing was imported")
    partnership = plan.partnership
    with transaction.atomic():
        elements = elements_by_code(partnership)
        check_tenancy(plan, elements)
        for code in plan.created_elements:
            elements[code] = DataElement.objects.create(
                code=code,
                name=code,
                period_kind=plan.element_kinds.get(code, "year"),
                is_count=False,
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
        needed = {c.period for c in plan.to_write}
        have = set(Period.objects.filter(id__in=needed).values_list("id", flat=True))
        Period.objects.bulk_create(
            [
                Period(id=p.id, kind=p.kind, start=p.start, end=p.end)
                for pid, p in plan.periods.items()
                if pid in needed - have
            ],
            batch_size=2000,
        )
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
        counts = {
            "new": len(plan.new),
            "revised": len(plan.revisions),
            "confirmed": len(plan.confirmations),
            "unchanged": len(plan.unchanged),
        }
        for release in releases.values():
            record(actor, "data.import", release, {"values": [None, counts]}, partnership)
    return counts
