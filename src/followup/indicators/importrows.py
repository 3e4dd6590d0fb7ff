"""Checking an import's rows (``followup.indicators.importer``), one at a time.

``known_for`` reads once what every row is checked against (the areas, the data elements and
the official releases the writer may use); ``parse_rows`` checks each row's release, area, data
element, status, period and value, reports every problem with its line and column, and gives
back the rows with none, parsed, each figure once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from followup.indicators.cells import (
    LARGEST_COUNT,
    code_problem,
    exact_count,
    number_problem,
    parse_number,
    release_problem,
    shown,
    status_problem,
)
from followup.indicators.layouts import Raw
from followup.indicators.models import DataElement, Release
from followup.indicators.periods import ParsedPeriod, PeriodError, parse_period
from followup.indicators.plan import ImportPlan, Problem
from followup.indicators.scope import elements_by_code, own_releases, partnership_release_owners
from followup.lib import disclosure
from followup.partnerships.models import Area, Partnership

SUPPRESSED = {"*", "..", "-", "c", ":", "x", "z", "[c]", "[x]", "[z]"}
WITHHELD = disclosure.SUPPRESSED  # what Followup's own downloads write for a withheld figure
Progress = Callable[[int, int], None]
Parsed = tuple[Raw, str, float, DataElement | None, bool]  # row, period, value, element, official


@dataclass
class Known:
    """What each row is checked against, read once for the whole file: the writer and its own
    area, the layout, the release names the rows give, the official releases among them, the data elements (the
    writer's, and the official ones when an official release is named) and the areas; and the
    periods parsed so far, by their text and the kind asked for."""

    partnership: Partnership | None
    own_area: Area | None
    layout: str
    create_elements: bool
    names: dict[str, Any]
    official: dict[str, Release]
    elements: dict[str, DataElement]
    official_elements: dict[str, DataElement]
    areas: dict[str, Area]
    periods: dict[tuple[str, str | None, str | None], Any] = field(default_factory=dict)


def known_for(
    plan: ImportPlan,
    layout: str,
    names: dict[str, Any],
    existing: dict[str, Release],
    create_elements: bool,
) -> Known:
    """Read what the rows will be checked against. A partnership's rows may name official
    releases (as in its own export); an official file may not take the name of any
    partnership's own release (each such name reported where it first appears)."""
    partnership = plan.partnership
    own_area = partnership.area if partnership is not None else None
    official: dict[str, Release] = {}
    if partnership is not None:
        official = {
            r.name: r for r in own_releases(None).filter(name__in=set(names) - set(existing))
        }
    else:
        for name, owners in partnership_release_owners(set(names)).items():
            line, column = names[name]
            plan.errors.append(
                Problem(
                    line,
                    column,
                    f"{shown(name)} is the name of a release of {', '.join(owners)}: an official "
                    "release needs a name no partnership's own release has, so that the two can "
                    "be told apart; choose another name",
                )
            )
    return Known(
        partnership=partnership,
        own_area=own_area,
        layout=layout,
        create_elements=create_elements,
        names=names,
        official=official,
        elements=elements_by_code(partnership),
        official_elements=elements_by_code(None) if official else {},
        areas={a.code: a for a in Area.objects.all()},
    )


def parse_rows(
    plan: ImportPlan, raws: list[Raw], known: Known, progress: Progress | None
) -> list[Parsed]:
    """Check every row, reporting each problem; the rows with none, parsed, each figure once
    (a row repeating an earlier one's data element, area, period and release is reported)."""
    seen: dict[tuple[str, str, str, str], int] = {}
    parsed: list[Parsed] = []
    total = len(raws)
    _missing_releases(plan, raws)
    for index, raw in enumerate(raws, start=1):
        if progress is not None and (index % 10_000 == 0 or index == total):
            progress(index, total)
        if raw.release and raw.release not in known.names:
            continue  # its release name is refused (reported once)
        row = _parse_row(plan, raw, known)
        if row is None:
            continue
        key = (raw.element, raw.area, row[1], raw.release)
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
        parsed.append(row)
    return parsed


def _parse_row(plan: ImportPlan, raw: Raw, known: Known) -> Parsed | None:
    """One row checked: its release and area, its data element, its status, its period and its
    value. None when anything is wrong with it (reported), or its value is suppressed."""
    problems_before = len(plan.errors)
    _release_and_area_problems(plan, raw, known)
    is_official = raw.release in known.official
    element = (known.official_elements if is_official else known.elements).get(raw.element)
    _element_problems(plan, raw, element, is_official, known)
    wrong_status = status_problem(raw.line, raw.status_column, raw.status)
    if wrong_status is not None:
        plan.errors.append(wrong_status)
    period = _period_of(plan, raw, element, known)
    if _suppressed(plan, raw, known.layout):
        return None
    value = _value_of(plan, raw, element)
    if len(plan.errors) > problems_before or period is None or value is None or not raw.release:
        return None
    return (raw, period.id, value, element, is_official)


def _missing_releases(plan: ImportPlan, raws: list[Raw]) -> None:
    """Rows with no release, reported once (at the first of them, with how many there are): a
    file without a release column given no release for the whole file lacks it on every row."""
    missing = [raw.line for raw in raws if not raw.release]
    if not missing:
        return
    how_many = "" if len(missing) == 1 else f" on {len(missing):,} rows, from this one"
    plan.errors.append(
        Problem(
            missing[0],
            "release",
            f"no release given{how_many}: add a release column or give one for the whole file",
        )
    )


def _release_and_area_problems(plan: ImportPlan, raw: Raw, known: Known) -> None:
    """A row needs an area code Followup knows (and a release, its own or the file's: rows
    without one are reported together, by ``_missing_releases``)."""
    area_column = raw.columns[0]
    if raw.area not in known.areas:
        plan.errors.append(
            Problem(
                raw.line,
                area_column,
                f"unknown area code {shown(raw.area)}" if raw.area else "an area code is required",
            )
        )


def _element_problems(
    plan: ImportPlan, raw: Raw, element: DataElement | None, is_official: bool, known: Known
) -> None:
    """A row's data element: not a derived one (worked out, never given), not an official one
    for another area than the partnership's own, and one that is there or may be created."""
    area_column, element_column = raw.columns[0], raw.columns[2]
    partnership, own_area = known.partnership, known.own_area
    if element is not None and element.formula:
        plan.errors.append(
            Problem(
                raw.line,
                element_column,
                f"{raw.element} is derived ({element.formula}): Followup works it out from "
                "its parts, so a file cannot give it; import the parts",
            )
        )
    elif (
        element is not None
        and partnership is not None
        and not is_official
        and element.partnership_id is None
        and raw.area in known.areas
        and (own_area is None or raw.area != own_area.code)
    ):
        plan.errors.append(
            Problem(
                raw.line,
                area_column,
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
        _unknown_element(plan, raw, element_column, known.create_elements, is_official)


def _period_of(
    plan: ImportPlan, raw: Raw, element: DataElement | None, known: Known
) -> ParsedPeriod | None:
    """The row's period, read as the kind its data element (or the mapping, or an earlier row
    of the same code) says, and noted in the plan; None when it cannot be read or is of
    another kind than its data element's (reported)."""
    rule = raw.period_rule or {}
    kind = element.period_kind if element else None
    hint = rule.get("kind") or kind or plan.element_kinds.get(raw.element)
    cache_key = (raw.period, hint, rule.get("snapshot"))
    try:
        period = known.periods.get(cache_key)
        if period is None:
            if rule.get("snapshot"):
                year = parse_period(raw.period, "year")
                period = parse_period(f"{year.id}-{rule['snapshot']}", "day")
            else:
                period = parse_period(raw.period, hint)
            known.periods[cache_key] = period
            plan.periods[period.id] = period
        plan.element_kinds.setdefault(raw.element, period.kind)
        if element is not None and period.kind != element.period_kind:
            raise PeriodError(
                f"{raw.element} has periods of kind {element.period_kind}, not {period.kind}"
            )
    except PeriodError as error:
        plan.errors.append(Problem(raw.line, raw.columns[1], str(error)))
        return None
    return period


def _suppressed(plan: ImportPlan, raw: Raw, layout: str) -> bool:
    """Whether the row's value is one a statistics.gov.scot download marks as not available, or
    in the tidy layout Followup's own ``[c]`` (a figure its download withheld): such a row is
    skipped, with a warning, and counted as ignored."""
    markers = SUPPRESSED if layout == "statistics.gov.scot" else {WITHHELD}
    if raw.value.strip().lower() not in markers:
        return False
    if parse_number(raw.value) is not None:
        return False
    plan.warnings.append(
        Problem(
            raw.line,
            raw.columns[3],
            f"value {raw.value!r} is not available (suppressed); row skipped",
        )
    )
    plan.ignored += 1
    return True


def _value_of(plan: ImportPlan, raw: Raw, element: DataElement | None) -> float | None:
    """The row's value as a number; None when it is not one (reported). A count's value must
    be a whole number of 0 or more, and one Followup holds exactly (reported if not); a data
    element to be created whose figures are not all such numbers is created as a measure."""
    value_column = raw.columns[3]
    value = parse_number(raw.value)
    if value is None:
        plan.errors.append(Problem(raw.line, value_column, number_problem(raw.value)))
    elif element is None and not exact_count(raw.value):
        plan.measured.add(raw.element)  # if created: a measure, not a count
    elif element is not None and element.is_count and not exact_count(raw.value):
        wanted = (
            f"a whole number from 0 to {LARGEST_COUNT:,} (the largest Followup holds exactly)"
            if value > LARGEST_COUNT
            else "a whole number of 0 or more"
        )
        plan.errors.append(
            Problem(
                raw.line,
                value_column,
                f"{raw.element} is a count: expected {wanted}, got {raw.value}",
            )
        )
    return value


def release_names(plan: ImportPlan, raws: list[Raw], file_release_ok: bool) -> dict[str, Any]:
    """The release names the rows give, each with the line and column where it first appears;
    a name that is too long or holds a control character is reported (once for the whole
    file's, at each row for a cell's) and left out."""
    names: dict[str, Any] = {}
    refused: set[str] = set()
    for raw in raws:
        name = raw.release
        if not name or name in names or name in refused:
            continue
        if raw.release_column is None:
            if not file_release_ok:
                refused.add(name)
                continue
        else:
            problem = release_problem(raw.line, raw.release_column, name)
            if problem is not None:
                plan.errors.append(problem)
                continue
        names[name] = (raw.line, raw.release_column)
    return names


def _unknown_element(
    plan: ImportPlan, raw: Raw, column: str, create: bool, is_official: bool
) -> None:
    """A row naming no data element the writer may write: created when asked and the code is a
    good one, refused otherwise."""
    if not raw.element:
        plan.errors.append(Problem(raw.line, column, "a data element code is required"))
        return
    if is_official:
        plan.errors.append(
            Problem(
                raw.line,
                column,
                f"{shown(raw.element)} is no official data element, so the official release "
                f"{shown(raw.release)} holds no figure for it",
            )
        )
        return
    if raw.element in plan.created_elements:
        return
    if create:
        wrong = code_problem(raw.element)
        if wrong is None:
            plan.created_elements.append(raw.element)
        else:
            plan.errors.append(Problem(raw.line, column, f"{wrong}; rename it in the file"))
        return
    plan.errors.append(
        Problem(
            raw.line,
            column,
            f"unknown data element {shown(raw.element)} (create it first, or allow creating "
            "data elements)",
        )
    )
