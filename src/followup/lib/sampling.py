"""Stratified random samples of a list of records, and their margins of error.

Pure Python (the standard library only): no Django, nothing of Followup's apps.

**Allocation** (``allocate``). A frame of ``N`` records in strata of sizes ``N_h`` gives a sample of
``n`` records (``0 <= n <= N``) shared in proportion: stratum ``h`` is due the quota
``q_h = n * N_h / N``. Each stratum first gets ``floor(q_h)``; the ``n - sum(floor(q_h))`` records
left over go one each to the strata with the largest remainders ``q_h - floor(q_h)`` (the largest
remainder method, Hamilton's), ties going to the larger stratum, then to the stratum named first.
The arithmetic is in whole numbers (the remainder of ``n * N_h`` divided by ``N``), so no rounding
error can change a share. Every stratum's share is within one record of its quota
(``|n_h - q_h| < 1``) and the shares add up to ``n``.

A stratum can never be due more than it holds (``q_h <= N_h`` because ``n <= N``, and a stratum
whose quota is a whole ``N_h`` has no remainder, so it is given nothing more). A small stratum can
be due less than one record: it then gets one only if its remainder is among the largest, and may
get none. A stratum that must be read whatever its size is added on purpose (a purposive addition),
outside the random sample.

**Order** (``ordered`` and ``draw``). Within a stratum the records are put in the order of
``HMAC-SHA256(key = the seed as decimal digits in ASCII, message = the record's reference)``
(the reference is the record key's own keyed hash, as hexadecimal text), ties (which would need a
collision of SHA-256) broken by the reference; the sample takes the first ``n_h`` of each stratum.
HMAC-SHA256 is a standard (RFC 2104, FIPS 180-4), so the same seed and the same frame give the same
sample on any Python version and any machine, unlike ``random.sample``, whose algorithm Python
does not promise to keep. Without the seed, the order cannot be foretold, so neither can the
sample.

**Margin of error** (``margin_of_error``). For a proportion ``p`` estimated from a simple random
sample of ``n`` out of ``N``, at 95% confidence (``z = 1.96``), with the finite-population
correction::

    MOE = z * sqrt(p * (1 - p) / n) * sqrt((N - n) / (N - 1))

with ``p = 0.5`` unless given (the worst case: no proportion has a wider margin). It is 0 when the
whole frame is read (``n = N``), and 0 for a frame of one record read whole. For a stratified
sample with proportional allocation it is, if anything, a little generous.

**Size needed** (``size_for_margin``). The smallest ``n`` whose margin is at most ``e``: with
``n0 = z^2 * p * (1 - p) / e^2`` (the size for an endless frame), ``n = n0 * N / (n0 + N - 1)``,
rounded up (the formula above solved for ``n``), and never more than ``N``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Z_95 = 1.96
# Floating-point error allowed when rounding a size up: 73.0000000001 is 73.
_ROUNDING = 1e-9


@dataclass(frozen=True)
class Unit:
    """A record of the frame: its reference (hexadecimal text) and its stratum."""

    reference: str
    stratum: str


def allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Each stratum's share of a sample of ``n``, in proportion to its size (largest remainders).

    ``sizes`` gives each stratum's number of records; every stratum appears in the answer, with 0
    if it gets none."""
    total = sum(sizes.values())
    if any(size < 0 for size in sizes.values()):
        raise ValueError("a stratum cannot have fewer than 0 records")
    if not 0 <= n <= total:
        raise ValueError(f"the sample must be between 0 and {total} records, not {n}")
    if total == 0:
        return dict.fromkeys(sizes, 0)
    shares = {name: n * size // total for name, size in sizes.items()}
    left = n - sum(shares.values())
    by_remainder = sorted(sizes, key=lambda name: (-(n * sizes[name] % total), -sizes[name], name))
    for name in by_remainder[:left]:
        shares[name] += 1
    return shares


def order_key(seed: int, reference: str) -> bytes:
    """Where a record falls in the order ``seed`` gives: HMAC-SHA256 of its reference."""
    if seed < 0:
        raise ValueError("the seed must be a whole number of 0 or more")
    return hmac.new(str(seed).encode("ascii"), reference.encode("utf-8"), hashlib.sha256).digest()


def ordered(seed: int, references: Iterable[str]) -> list[str]:
    """The references in the order ``seed`` gives them."""
    return sorted(references, key=lambda reference: (order_key(seed, reference), reference))


def draw(units: Sequence[Unit], n: int, seed: int) -> list[Unit]:
    """A stratified random sample of ``n`` of ``units`` with proportional allocation: each
    stratum's first ``n_h`` in the order ``seed`` gives, strata by name."""
    references = [unit.reference for unit in units]
    if len(set(references)) != len(references):
        raise ValueError("each record of the frame must have a reference of its own")
    strata: dict[str, list[str]] = {}
    for unit in units:
        strata.setdefault(unit.stratum, []).append(unit.reference)
    shares = allocate({name: len(members) for name, members in strata.items()}, n)
    chosen: list[Unit] = []
    for name in sorted(strata):
        chosen.extend(Unit(ref, name) for ref in ordered(seed, strata[name])[: shares[name]])
    return chosen


def margin_of_error(n: int, population: int, p: float = 0.5, z: float = Z_95) -> float:
    """The margin of error of a proportion from a random sample of ``n`` of ``population``, with
    the finite-population correction (a fraction: 0.05 is 5 percentage points)."""
    if population < 1:
        raise ValueError("the frame must hold at least one record")
    if not 1 <= n <= population:
        raise ValueError(f"the sample must be between 1 and {population} records, not {n}")
    if not 0 <= p <= 1:
        raise ValueError("the proportion must be between 0 and 1")
    if n == population:
        return 0.0
    correction = (population - n) / (population - 1)
    return z * math.sqrt(p * (1 - p) / n) * math.sqrt(correction)


def size_for_margin(margin: float, population: int, p: float = 0.5, z: float = Z_95) -> int:
    """The smallest sample of ``population`` whose margin of error is at most ``margin``."""
    if population < 1:
        raise ValueError("the frame must hold at least one record")
    if not 0 < margin < 1:
        raise ValueError("the margin must be between 0 and 1 (0.05 is 5 percentage points)")
    if not 0 <= p <= 1:
        raise ValueError("the proportion must be between 0 and 1")
    endless = z * z * p * (1 - p) / (margin * margin)
    needed = endless * population / (endless + population - 1)
    return max(1, min(population, math.ceil(needed - _ROUNDING)))
