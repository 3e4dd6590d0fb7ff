"""A seeded bootstrap over records, for the coefficient no reference gives an interval for.

Krippendorff's ordinal alpha has no standard error in irrCAC or the krippendorff package (irrCAC's
"ordinal" weights are not Krippendorff's ordinal metric, whose distances depend on how often each
grade is used, and its point estimate differs). Its interval is a nonparametric percentile
bootstrap over the records, the interval Zapf et al. (2016, BMC Medical Research Methodology
16:93) recommend for alpha, having compared its coverage with the asymptotic ones (for nominal
grades, with missing ones among them).
(Hayes and Krippendorff's 2007 bootstrap resamples pairs of values rather than records; the
records are what was sampled here, and resampling them keeps each record's readers together.)

1. The n records graded by two or more readers (the only ones that add to the coincidences) are
   drawn n times with replacement, B times (B = 2,000 by default).
2. Each resample's alpha is computed exactly as the estimate is: its coincidence matrix is
   Σ_u k_u · O_u, with k_u how often record u was drawn and O_u = (a_u a_uᵀ − diag a_u) /
   (r_u − 1) the record's own coincidences, so the ordinal distances follow the resample's own
   use of the grades. Records graded alike have the same O_u, so the draws are counted by kind
   of record (the sum is the same, and a few kinds cost far less than many records).
3. A resample in which every grade is the same has no alpha (0/0) and is set aside; if more than
   5% of the resamples are set aside the records are too few, or too alike, for an interval,
   which is then ``None`` with a note. Otherwise the interval is the (1 − c)/2 and (1 + c)/2
   quantiles of the resamples' alphas (numpy's default, linear interpolation: Hyndman and Fan's
   type 7, R's default too), the percentile interval.

The draws are deterministic: record indices are ⌊u · n⌋ with u the top 53 bits of each 64-bit
output of numpy's PCG64 bit generator seeded with ``seed`` (18 by default, after issue #18),
u = (x >> 11) / 2⁵³. A bit generator's raw stream is fixed across numpy versions (NEP 19), so the
same grades and seed give the same interval everywhere; the resamples are made a block at a time,
in one stream, so the block size changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from followup.agreement.data import FloatArray, IntArray
from followup.agreement.results import BOOTSTRAP, Interval

DEFAULT_REPLICATES = 2_000
DEFAULT_SEED = 18
MIN_DEFINED_SHARE = 0.95
# Counts of draws held at once: blocks of resamples × records stay below this.
_BLOCK_CELLS = 2_000_000
TOO_ALIKE = (
    "too few records with differing grades for a bootstrap interval: in more than 5% of the "
    "resamples every grade was the same"
)

Statistic = Callable[[FloatArray], FloatArray]


def draws(
    n: int,
    replicates: int,
    seed: int,
    block: int | None = None,
    groups: IntArray | None = None,
) -> Iterator[FloatArray]:
    """Blocks of resamples (at most ``block`` of them): how often each record is drawn in each,
    or, given ``groups`` (each record's group, 0 to m − 1), how often a record of each group."""
    generator = np.random.PCG64(seed)
    if block is None:
        block = max(1, _BLOCK_CELLS // max(n, 1))
    if groups is None:
        groups = np.arange(n, dtype=np.int64)
    m = int(groups.max()) + 1 if n else 0
    for start in range(0, replicates, block):
        size = min(block, replicates - start)
        raw = np.asarray(generator.random_raw(size * n), dtype=np.uint64)
        uniform = (raw >> np.uint64(11)).astype(np.float64) * 2.0**-53
        index = np.minimum((uniform * n).astype(np.int64), n - 1)
        rows = np.repeat(np.arange(size, dtype=np.int64), n)
        flat = np.bincount(rows * m + groups[index], minlength=size * m)
        yield flat.reshape(size, m).astype(np.float64)


def bootstrap_interval(
    units: FloatArray,
    statistic: Statistic,
    *,
    confidence: float,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> tuple[Interval | None, str | None]:
    """The percentile interval of ``statistic`` over resamples of ``units``.

    ``units`` is n × q × q, each record's own coincidences; ``statistic`` takes a stack of
    coincidence matrices (m × q × q) and gives each one's alpha, NaN where it has none.
    """
    if replicates < 1:
        raise ValueError(f"replicates must be at least 1, got {replicates!r}")
    n, q, _ = units.shape
    # Records with the same grades have the same coincidences: count draws by kind of record.
    kinds, groups = np.unique(units.reshape(n, q * q), axis=0, return_inverse=True)
    values = np.concatenate(
        [
            statistic((weights @ kinds).reshape(weights.shape[0], q, q))
            for weights in draws(n, replicates, seed, groups=groups.reshape(-1))
        ]
    )
    defined = values[np.isfinite(values)]
    if defined.size < MIN_DEFINED_SHARE * replicates:
        return None, TOO_ALIKE
    tail = (1.0 - confidence) / 2.0
    lower, upper = np.quantile(defined, [tail, 1.0 - tail])
    return (
        Interval(float(lower), float(upper), BOOTSTRAP, replicates=int(defined.size), seed=seed),
        None,
    )
