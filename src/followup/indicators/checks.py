"""What an import plan is checked against: validation rules, the derived figures it changes, and
who may write what. Every stored value read here is one the writer may see."""

from __future__ import annotations

from django.db.models import Q

from followup.indicators import derived
from followup.indicators.models import DataElement, ValidationRule, release_order
from followup.indicators.plan import Change, ImportPlan, Problem
from followup.indicators.rules import check, elements_of
from followup.indicators.scope import visible_values
from followup.partnerships.models import Partnership


def implied_rules(partnership: Partnership | None = None) -> list[ValidationRule]:
    """A proportion's numerator can never exceed its denominator: one unsaved rule for each pair
    of data elements that some indicator divides as a proportion (a count, times 1 or 100), among
    the data elements a file of ``partnership`` (None: official) may name."""
    from followup.indicators.models import Indicator

    visible = Q(numerator__partnership__isnull=True, denominator__partnership__isnull=True)
    if partnership is not None:
        visible |= Q(
            Q(numerator__partnership__isnull=True) | Q(numerator__partnership=partnership),
            Q(denominator__partnership__isnull=True) | Q(denominator__partnership=partnership),
        )
    pairs = (
        Indicator.objects.filter(
            visible, denominator__isnull=False, factor__in=(1, 100), numerator__is_count=True
        )
        .values_list("numerator__code", "denominator__code")
        .distinct()
    )
    return [
        ValidationRule(
            name=f"{num} is part of {den}: a numerator cannot be above its denominator",
            left=num,
            operator="<=",
            right=den,
        )
        for num, den in pairs
    ]


Cells = dict[tuple[str, str], dict[int, float]]


def check_rules(plan: ImportPlan, elements: dict[str, DataElement]) -> None:
    """Validation rules over the latest stored values the writer may see with this file's values
    laid on top; and the derived figures the file changes, worked out the same way. A data
    element the file creates is checked like any other (it has no stored values yet).

    The steps: the data elements and rules that apply; the file's figures each rule or changed
    derived figure depends on; the stored cells (area and period) those figures fall in, before
    and after the file; then the derived figures that change, and each rule on the cells the file
    touches for it."""
    partnership = plan.partnership
    elements = _with_created(plan, elements)
    scope = (
        Q(partnership=partnership) | Q(partnership__isnull=True)
        if partnership
        else Q(partnership__isnull=True)
    )
    rules = list(ValidationRule.objects.filter(scope)) + implied_rules(partnership)
    formulas = derived.parts(e for e in elements.values() if e.formula)
    incoming = [
        (elements[c.element].pk, c)
        for c in plan.to_write + plan.unchanged
        if c.element in elements and not c.official
    ]
    written = {elements[c.element].pk for c in plan.to_write if c.element in elements}
    affected = {
        pk: terms
        for pk, terms in formulas.items()
        if any(p is not None and p.pk in written for _, p, _ in terms)
    }
    by_rule = [(rule, _deciding(elements, formulas, elements_of(rule))) for rule in rules]
    relevant = set().union(
        *(ids for _, ids in by_rule),
        *({p.pk for _, p, _ in terms if p is not None} for terms in affected.values()),
    )
    incoming_relevant = [(pk, c) for pk, c in incoming if pk in relevant]
    if not incoming_relevant:
        return
    before = _stored_cells(
        partnership, relevant, {(c.area, c.period) for _, c in incoming_relevant}
    )
    after: Cells = {key: dict(cell) for key, cell in before.items()}
    lines: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for pk, change in incoming_relevant:
        after.setdefault((change.area, change.period), {})[pk] = change.value
        lines.setdefault((change.area, change.period), []).append((pk, change.line))
    _derived_changes(plan, elements, affected, before, after, incoming)
    for rule, ids in by_rule:
        where_rule = {(c.area, c.period) for pk, c in incoming if pk in ids}
        cells = _rule_cells(rule, where_rule, after, elements, formulas)
        for violation in check([rule], cells, only=where_rule):
            # The file's rows of the cell that the rule is about (another row of the same area
            # and period, of a data element the rule does not name, is not the one to mend).
            cell = lines.get((violation.area, violation.period), [])
            where = [line for pk, line in cell if pk in ids] or [line for _, line in cell]
            problem = Problem(min(where) if where else None, None, str(violation))
            if violation.rule.severity == ValidationRule.Severity.ERROR:
                plan.errors.append(problem)
            else:
                plan.warnings.append(problem)


def _with_created(plan: ImportPlan, elements: dict[str, DataElement]) -> dict[str, DataElement]:
    """The data elements by code, with an unsaved one for each the file creates."""
    elements = dict(elements)
    for number, code in enumerate(plan.created_elements, start=1):
        elements.setdefault(
            code,
            DataElement(
                pk=-number,  # unsaved: an id no stored value has
                code=code,
                partnership=plan.partnership,
                period_kind=plan.element_kinds.get(code, "year"),
                is_count=code not in plan.measured,
            ),
        )
    return elements


def _deciding(
    elements: dict[str, DataElement],
    formulas: dict[int, list[derived.Part]],
    names: set[str],
) -> set[int]:
    """The data elements whose values decide these codes' figures: a derived one's parts."""
    ids: set[int] = set()
    for name in names:
        element = elements.get(name)
        if element is None:
            continue
        if element.pk in formulas:
            ids |= {p.pk for _, p, _ in formulas[element.pk] if p is not None}
        else:
            ids.add(element.pk)
    return ids


def _stored_cells(
    partnership: Partnership | None, relevant: set[int], touched: set[tuple[str, str]]
) -> Cells:
    """The latest stored value the writer may see of each relevant data element, by area and
    period, in the cells the file touches."""
    before: Cells = {}
    stored = (
        visible_values(partnership)
        .filter(
            element_id__in=relevant,
            area__code__in={a for a, _ in touched},
            period_id__in={p for _, p in touched},
        )
        .order_by(*release_order())
        .values_list("element_id", "area__code", "period_id", "value")
    )
    for element_id, area, period, value in stored:  # oldest release first, so the latest wins
        before.setdefault((area, period), {})[element_id] = value
    return before


def _rule_cells(
    rule: ValidationRule,
    where: set[tuple[str, str]],
    after: Cells,
    elements: dict[str, DataElement],
    formulas: dict[int, list[derived.Part]],
) -> dict[tuple[str, str], dict[str, float]]:
    """The figures a rule names, by code, in each of the cells it is checked in (a derived
    figure worked out from its parts)."""
    cells: dict[tuple[str, str], dict[str, float]] = {}
    for key in where:
        cell = after.get(key, {})
        named = cells.setdefault(key, {})
        for name in elements_of(rule):
            element = elements.get(name)
            if element is None:
                continue
            figure = (
                derived.evaluate(formulas[element.pk], cell, lambda e: e.pk)
                if element.pk in formulas
                else cell.get(element.pk)
            )
            if figure is not None:
                named[name] = figure
    return cells


def _derived_changes(
    plan: ImportPlan,
    elements: dict[str, DataElement],
    affected: dict[int, list[derived.Part]],
    before: Cells,
    after: Cells,
    incoming: list[tuple[int, Change]],
) -> None:
    """List each derived figure whose parts the file changes, with what it was and becomes."""
    code_of = {e.pk: code for code, e in elements.items()}
    writing = {id(c) for c in plan.to_write}
    for pk, terms in affected.items():
        part_ids = {p.pk for _, p, _ in terms if p is not None}
        rows: dict[tuple[str, str], list[Change]] = {}
        for element_id, change in incoming:
            if element_id in part_ids and id(change) in writing:
                rows.setdefault((change.area, change.period), []).append(change)
        for (area, period), changes in sorted(rows.items()):
            old = derived.evaluate(terms, before.get((area, period), {}), lambda e: e.pk)
            new = derived.evaluate(terms, after.get((area, period), {}), lambda e: e.pk)
            if new is None or new == old:
                continue
            plan.derived.append(
                Change(
                    line=min(c.line for c in changes),
                    element=code_of[pk],
                    area=area,
                    period=period,
                    release=changes[0].release,
                    value=new,
                    status=derived.STATUS,
                    old_value=old,
                )
            )


def check_tenancy(plan: ImportPlan, elements: dict[str, DataElement]) -> None:
    """Refuse, whatever the plan says, a partnership's write of another's or a derived data
    element, or of an official one for an area not its own."""
    partnership = plan.partnership
    own = partnership.area if partnership is not None else None
    own_area = own.code if own is not None else None
    for code, area in {(c.element, c.area) for c in plan.to_write}:
        element = elements.get(code)
        if element is None:
            if code in plan.created_elements:
                continue
            raise ValueError(f"{code} is not a data element this import may write")
        if element.formula:
            raise ValueError(f"{code} is derived: no file gives its figures")
        if partnership is not None and element.partnership_id is None and area != own_area:
            raise ValueError(f"{code} is official: {partnership.name} may not write it for {area}")
