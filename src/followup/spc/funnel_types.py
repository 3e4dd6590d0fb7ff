"""The shapes shared by the funnel-plot methods, and their checks of the input."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from followup.spc.anhoej import FloatArray
from followup.spc.errors import SignalInputError

LEVELS = ("95", "998")
#: FunnelPlotR's z-values, rounded as the package writes them.
PLOTR_Z = {"95": 1.959964, "998": 3.090232}
#: The largest count, denominator or expected count taken: a billion, more than any population
#: an indicator counts, and small enough that the exact limits take about a second at most.
MOST = 1e9
#: The smallest denominator (and expected count) taken, written 0.000001 in messages: below it
#: the limits lose all precision.
LEAST_DENOMINATOR = 1e-6


@dataclass(frozen=True)
class Limits:
    """Lower and upper limits at 95% and 99.8%, one value per area (or per grid row)."""

    lower95: FloatArray
    upper95: FloatArray
    lower998: FloatArray
    upper998: FloatArray

    def level(self, level: str) -> tuple[FloatArray, FloatArray]:
        if level == "95":
            return self.lower95, self.upper95
        return self.lower998, self.upper998

    def as_dict(self) -> dict[str, FloatArray]:
        return {
            "lower95": self.lower95,
            "upper95": self.upper95,
            "lower998": self.lower998,
            "upper998": self.upper998,
        }


@dataclass(frozen=True)
class Curve:
    """Limit lines for the plot: at each denominator ``n``, the limits on the value's scale.

    For PHEindicatormethods rates ``n`` are counts of events and ``populations`` the
    populations at which each limit lies (the package's own lines)."""

    n: FloatArray
    limits: Limits
    adjusted: Limits | None = None
    populations: Limits | None = None


@dataclass(frozen=True)
class Funnel:
    """A funnel plot's numbers for one set of areas, by one method.

    ``value`` is each area's figure (× multiplier); ``limits`` are the limits at its denominator
    that decide its ``position`` (for PHEindicatormethods rates, the area's own interval, which
    decides it by whether it holds the average); ``position[level]`` is "above", "below" or
    "within" for level "95" and "998". For FunnelPlotR, ``unadjusted`` and ``adjusted`` hold the
    plain limits and the
    overdispersion-adjusted limits, ``phi`` and ``tau2`` the estimate, and ``adjusted_used``
    whether the positions use them (only when φ > 1); ``unadjusted_position`` the positions
    against the unadjusted limits.
    """

    method: str
    centre: float
    value: FloatArray
    limits: Limits
    position: dict[str, tuple[str, ...]]
    curve: Curve
    z: FloatArray | None = None
    z_winsorised: FloatArray | None = None
    unadjusted: Limits | None = None
    adjusted: Limits | None = None
    phi: float | None = None
    tau2: float | None = None
    adjusted_used: bool = False
    unadjusted_position: dict[str, tuple[str, ...]] = field(default_factory=dict)
    significance: tuple[str, ...] | None = None

    @property
    def widened(self) -> bool:
        """Whether the positions use limits widened for overdispersion (τ² > 0 and φ > 1)."""
        return self.adjusted_used and bool(self.tau2)


def positions(value: FloatArray, lower: FloatArray, upper: FloatArray) -> tuple[str, ...]:
    """ "above" / "below" / "within", within meaning lower ≤ value ≤ upper (FunnelPlotR's rule)."""
    return tuple(
        "above" if v > hi else "below" if v < lo else "within"
        for v, lo, hi in zip(value.tolist(), lower.tolist(), upper.tolist(), strict=True)
    )


def counts(values: Any, name: str, *, whole: bool = False, positive: bool = False) -> FloatArray:
    """A list of finite, non-negative numbers (positive ones if ``positive``) as an array, each
    at most ``MOST`` (and, if ``positive``, at least ``LEAST_DENOMINATOR``)."""
    if not isinstance(values, Sequence) or isinstance(values, (str, bytes)):
        raise SignalInputError(name, "expected a list of numbers")
    result = []
    for i, item in enumerate(values):
        where = f"{name}[{i + 1}]"
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            raise SignalInputError(where, f"expected a number, got {item!r}")
        try:
            number = float(item)
        except OverflowError:  # a JSON integer too big for a float (e.g. 401 digits)
            raise SignalInputError(where, "expected a finite number, got one too large") from None
        if not math.isfinite(number):
            raise SignalInputError(where, f"expected a finite number, got {item!r}")
        if number < 0 or (positive and number == 0):
            wanted = "greater than 0" if positive else "0 or more"
            raise SignalInputError(where, f"expected a number {wanted}, got {item!r}")
        if number > MOST:
            raise SignalInputError(
                where, f"expected a number no more than {MOST:,.0f}, got {item!r}"
            )
        if positive and number < LEAST_DENOMINATOR:
            raise SignalInputError(where, f"expected a number at least 0.000001, got {item!r}")
        if whole and number != math.floor(number):
            raise SignalInputError(where, f"expected a whole number, got {item!r}")
        result.append(number)
    return np.array(result, dtype=float)


def checked_pair(
    numerator: Any, denominator: Any, *, proportion: bool, whole: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Numerators and denominators of equal length, at least 3 areas, denominators above 0."""
    num = counts(numerator, "numerator", whole=whole)
    den = counts(denominator, "denominator", positive=True)
    if num.size != den.size:
        raise SignalInputError(
            "denominator", f"expected {num.size} values, one per numerator, got {den.size}"
        )
    if num.size < 3:
        raise SignalInputError("numerator", f"expected at least 3 areas, got {num.size}")
    if proportion:
        over = np.flatnonzero(num > den)
        if over.size:
            i = int(over[0])
            raise SignalInputError(
                f"numerator[{i + 1}]",
                f"a proportion's numerator ({num[i]:g}) cannot exceed its denominator ({den[i]:g})",
            )
    if num.sum() == 0 and not proportion:
        raise SignalInputError("numerator", "expected at least one event across the areas")
    return num, den
