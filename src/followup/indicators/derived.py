"""Derived data elements: worked out from their parts whenever they are read, release by release.

A derived data element has a formula: data element codes and numbers joined by ``+`` and ``-``
(``looked_after_community + looked_after_residential``). Its values are never imported or
stored, so they can never go stale: wherever a reader sees the parts, the derived figure for an
area and period is the formula over the latest value of each part, and each release that gave a
part a figure gives the derived figure as it stood after that release (its revisions). A derived
figure is missing where any part is. A formula names data elements the derived element's owner
can see (official ones for an official element), none of them derived itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from followup.indicators.models import DataElement
from followup.indicators.rules import parse_expression
from followup.indicators.scope import elements_by_code

STATUS = "derived"
K = TypeVar("K")
Part = tuple[float, DataElement | None, float]  # sign, data element (or None), number


def parts(elements: Iterable[DataElement]) -> dict[int, list[Part]]:
    """Each derived element's formula as signed parts, its codes read in its owner's scope.

    An element whose formula no longer reads (the admin checks every formula it saves) has no
    figures rather than wrong ones."""
    scopes: dict[int | None, dict[str, DataElement]] = {}
    result: dict[int, list[Part]] = {}
    for element in elements:
        if not element.formula:
            continue
        if element.partnership_id not in scopes:
            scopes[element.partnership_id] = elements_by_code(element.partnership_id)
        try:
            result[element.pk] = resolve(element, scopes[element.partnership_id])
        except ValueError:
            continue
    return result


def resolve(element: DataElement, known: Mapping[str, DataElement]) -> list[Part]:
    """The formula of ``element`` with each code replaced by the data element it names in
    ``known``; ValueError saying what is wrong."""
    try:
        terms = parse_expression(element.formula)
    except ValueError as error:
        raise ValueError(f"{element.code}: {error}") from None
    result: list[Part] = []
    for sign, code, number in terms:
        if code is None:
            result.append((sign, None, number))
            continue
        part = known.get(code)
        if part is None:
            raise ValueError(f"{element.code}: the formula names {code!r}, no known data element")
        if part.pk == element.pk or part.code == element.code:
            raise ValueError(f"{element.code}: the formula cannot name the element itself")
        if part.formula:
            raise ValueError(
                f"{element.code}: {code} is derived itself; name the data elements it adds up"
            )
        if part.period_kind != element.period_kind:
            raise ValueError(
                f"{element.code}: {code} has periods of kind {part.period_kind}, "
                f"not {element.period_kind}"
            )
        result.append((sign, part, number))
    if not any(part is not None for _, part, _ in result):
        raise ValueError(f"{element.code}: the formula must name at least one data element")
    return result


def evaluate(
    terms: list[Part], cell: Mapping[K, float], key: Callable[[DataElement], K]
) -> float | None:
    """The formula over one area and period's values (keyed by ``key(element)``), or None when
    a part has no value."""
    total = 0.0
    for sign, part, number in terms:
        if part is None:
            total += sign * number
            continue
        value = cell.get(key(part))
        if value is None:
            return None
        total += sign * value
    return total


def history(
    terms: list[Part], events: list[tuple[int, int, str, int, float]]
) -> list[tuple[float, str]]:
    """The derived figure after each release that gave a part a value, oldest first.

    ``events`` are one area and period's part values as (order, release id, release name,
    element id, value), ``order`` being the release order of ``release_order()``.
    """
    steps: list[tuple[float, str]] = []
    state: dict[int, float] = {}
    ordered = sorted(events)
    index = 0
    while index < len(ordered):
        release_id, name = ordered[index][1], ordered[index][2]
        while index < len(ordered) and ordered[index][1] == release_id:
            state[ordered[index][3]] = ordered[index][4]
            index += 1
        value = evaluate(terms, state, lambda e: e.pk)
        if value is not None:
            steps.append((value, name))
    return steps
