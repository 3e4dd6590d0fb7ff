"""The sums Followup knows between a partnership's figures, beyond derived data elements, for
``disclosed.withheld_figures`` to protect together with formulas (rule 6 of
``followup.lib.disclosure``).

- Scotland's count is the sum of its councils': for every count data element and period shown
  for Scotland, Scotland's figure is a sum over the 32 councils' figures. Councils a partnership
  does not show are read too, so that Scotland less the shown councils cannot give back a small
  count of one that is not shown.
- A validation rule ``left == right`` whose two sides are sums of count data elements (and
  numbers) is a sum a reader knows: the data quality page says whether it holds.

- A count equal, at one area and period, to another count or to the sum of two others is a sum a
  reader may guess (Scotland's total looked after, from one publication, is the community and
  residential counts of another), whether or not Followup was told of it.

Besides, ``published_shares``: a figure that is not a count (a published percentage) is withheld
where a count from the same source is, for the same area and period.

Each is a ``disclosure.Formula`` (rule 7 of ``followup.lib.disclosure``): Scotland's sum by rule
6, like a derived element's; the others so that none shows all its figures but one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Q, QuerySet

from followup.indicators.models import DataElement, Release, ValidationRule
from followup.indicators.queries import SCOTLAND
from followup.indicators.rules import parse_expression
from followup.indicators.scope import elements_by_code
from followup.indicators.values import Observation, observations
from followup.lib import disclosure
from followup.partnerships.models import Area, Partnership

Key = tuple[int, int, str]  # data element, area, period


def councils_of_scotland(
    partnership: Partnership,
    elements: Mapping[int, DataElement],
    seen: Mapping[Key, Observation],
    releases: QuerySet[Release] | None = None,
) -> tuple[dict[Key, Observation], list[disclosure.Formula]]:
    """The councils' figures behind every Scotland count in ``seen`` (those not in ``seen`` read
    here), and one formula per element and period: Scotland is the sum of its councils."""
    scotland = Area.objects.filter(code=SCOTLAND).values_list("pk", flat=True).first()
    wanted = {
        (e, p)
        for e, a, p in seen
        if a == scotland and elements[e].is_count and not elements[e].formula
    }
    if scotland is None or not wanted:
        return {}, []
    councils = set(Area.objects.filter(kind=Area.Kind.COUNCIL).values_list("pk", flat=True))
    missing = councils - {a for _, a, _ in seen}
    extra: dict[Key, Observation] = {}
    if missing:
        read = observations(
            {e for e, _ in wanted}, missing, partnership=partnership, releases=releases
        )
        extra = {key: o for key, o in read.items() if (key[0], key[2]) in wanted}
    every = {**seen, **extra}
    formulas = []
    for element, period in sorted(wanted):
        parts = tuple(
            (1, (element, area, period))
            for area in sorted(councils)
            if (element, area, period) in every
        )
        if parts:
            formulas.append(disclosure.Formula((element, scotland, period), parts))
    return extra, formulas


def rule_sums(
    partnership: Partnership, elements: Iterable[DataElement], seen: Iterable[Key]
) -> tuple[list[disclosure.Formula], set[int]]:
    """The validation rules ``left == right`` over count data elements among ``elements``, as
    formulas at every area and period ``seen`` has figures for, and the data elements they
    link (whose earlier releases are withheld like a derived element's)."""
    rules = ValidationRule.objects.filter(
        Q(partnership__isnull=True) | Q(partnership=partnership), operator="=="
    )
    shown = {e.pk for e in elements}
    by_code = elements_by_code(partnership)
    places = {(a, p) for _, a, p in seen}
    formulas = []
    linked: set[int] = set()
    for rule in rules:
        terms = _terms(rule, by_code)
        if terms is None or not terms or not {pk for _, pk in terms} <= shown:
            continue
        linked |= {pk for _, pk in terms}
        lone = [t for t in terms if sum(1 for u in terms if u[0] == t[0]) == 1]
        (first_sign, total) = (lone or terms)[0]  # the side with one element is the total
        rest = [t for t in terms if t[1] != total]
        for area, period in sorted(places):
            parts = tuple((-first_sign * sign, (pk, area, period)) for sign, pk in rest)
            formulas.append(disclosure.Formula((total, area, period), parts, known=False))
    return formulas, linked


def _terms(
    rule: ValidationRule, by_code: Mapping[str, DataElement]
) -> list[tuple[int, int]] | None:
    """``left - right`` as (sign, data element) terms, numbers left out; None when it names an
    element that is not a count, is unknown, or is counted other than once."""
    try:
        sides = [(1, parse_expression(rule.left)), (-1, parse_expression(rule.right))]
    except ValueError:
        return None
    coefficients: dict[int, int] = {}
    for side, terms in sides:
        for sign, code, _ in terms:
            if code is None:
                continue
            element = by_code.get(code)
            if element is None or not element.is_count:
                return None
            coefficients[element.pk] = coefficients.get(element.pk, 0) + side * int(sign)
    if any(c not in (-1, 0, 1) for c in coefficients.values()):
        return None
    return [(c, pk) for pk, c in sorted(coefficients.items()) if c != 0]


def coincidences(values: Mapping[Key, float], counts: Iterable[Key]) -> list[disclosure.Formula]:
    """Sums a reader may guess: where, at one area and period, a count equals another count or
    the sum of two others (Scotland's total looked after, from one publication, is another's
    community plus residential counts), that sum is treated as known, whether or not Followup
    was told of it."""
    places: dict[tuple[int, str], list[tuple[float, int]]] = {}
    for element, area, period in counts:
        value = values.get((element, area, period))
        if value is not None and float(value).is_integer():
            places.setdefault((area, period), []).append((value, element))
    formulas = []
    for (area, period), figures in sorted(places.items()):
        by_value: dict[float, list[int]] = {}
        for value, element in figures:
            by_value.setdefault(value, []).append(element)
        for i, (a, first) in enumerate(figures):
            for b, second in [(0.0, None), *figures[i + 1 :]]:
                for total in by_value.get(a + b, []) if a + b > 0 else []:
                    parts = [e for e in (first, second) if e is not None]
                    if total in parts:
                        continue
                    keys = tuple((1, (e, area, period)) for e in parts)
                    formulas.append(disclosure.Formula((total, area, period), keys, known=False))
    return formulas


def published_shares(
    values: Mapping[Key, float], elements: Mapping[int, DataElement], withheld: Iterable[Key]
) -> set[Key]:
    """Figures imported as published that are not counts (a percentage such as the LGBF's
    share looked after in the community) of an area and period where a count from the same
    source is withheld: Followup cannot know that the figure is a ratio of those counts, so it
    assumes it may be."""
    hidden = {
        (elements[e].source, area, period)
        for e, area, period in withheld
        if elements[e].is_count and elements[e].source
    }
    return {
        (e, area, period)
        for e, area, period in values
        if not elements[e].is_count
        and not elements[e].formula
        and elements[e].source
        and (elements[e].source, area, period) in hidden
    }
