"""Evaluating validation rules (``ValidationRule``) over values.

An expression is a sum of terms, each a data element code or a number, joined by ``+`` and
``-``. A rule holds at an area and period when ``left OP right``; it is checked only where every
element it names has a value (DHIS2's "skip if any value is missing").
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from followup.indicators.models import ValidationRule

_TERM = re.compile(r"\s*([+-]?)\s*([A-Za-z_][A-Za-z0-9_-]*|\d+(?:\.\d+)?)\s*")
OPS: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)),
    "!=": lambda a, b: abs(a - b) > 1e-9 * max(1.0, abs(a), abs(b)),
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Term = tuple[float, str | None, float]  # (sign, element code or None, number)


def parse_expression(text: str) -> list[Term]:
    """Terms of an expression; raise ValueError saying what could not be read."""
    terms: list[Term] = []
    position = 0
    source = text.strip()
    if not source:
        raise ValueError("the expression is empty")
    while position < len(source):
        match = _TERM.match(source, position)
        if match is None or match.end() == position or (terms and not match[1]):
            raise ValueError(
                f"cannot read {source[position:]!r}: expected + or - and a data element code or a number"
            )
        sign = -1.0 if match[1] == "-" else 1.0
        token = match[2]
        if token[0].isdigit():
            terms.append((sign, None, float(token)))
        else:
            terms.append((sign, token, 0.0))
        position = match.end()
    return terms


def elements_of(rule: ValidationRule) -> set[str]:
    return {
        code for _, code, _ in parse_expression(rule.left) + parse_expression(rule.right) if code
    }


def _evaluate(terms: list[Term], values: Mapping[str, float]) -> float:
    return sum(sign * (values[code] if code else number) for sign, code, number in terms)


@dataclass(frozen=True)
class Violation:
    rule: ValidationRule
    area: str
    period: str
    left: float
    right: float

    def __str__(self) -> str:
        return (
            f"{self.rule.name} fails for {self.area} {self.period}: {self.rule.left} = {self.left:g}, "
            f"{self.rule.right} = {self.right:g} (expected {self.rule.left} {self.rule.operator} {self.rule.right})"
        )


def check(
    rules: Iterable[ValidationRule],
    values: Mapping[tuple[str, str], Mapping[str, float]],
    only: set[tuple[str, str]] | None = None,
) -> list[Violation]:
    """Violations of the rules among ``values`` ({(area, period): {element: value}})."""
    found: list[Violation] = []
    for rule in rules:
        left, right = parse_expression(rule.left), parse_expression(rule.right)
        needed = {code for _, code, _ in left + right if code}
        for key in sorted(only if only is not None else values):
            cell = values.get(key, {})
            if not needed <= cell.keys():
                continue
            a, b = _evaluate(left, cell), _evaluate(right, cell)
            if not OPS[rule.operator](a, b):
                found.append(Violation(rule, key[0], key[1], a, b))
    return found
