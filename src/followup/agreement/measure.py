"""Every agreement figure for one set of grades, each with its confidence interval.

``agreement(ratings, scale)`` checks the grades (``data``) and computes, for any number of
readers, Krippendorff's alpha (ordinal and interval, ``krippendorff``) and Gwet's AC1 and AC2
with quadratic weights (``gwet``); with exactly two readers also the complete pairs, the shares
of exact and within-one agreement, the confusion matrix and Cohen's kappa, unweighted, linear
and quadratic (``pairs``). The formulas are in those modules' docstrings.

``confidence`` (0.95 unless asked otherwise) is the level of every interval; ``replicates`` and
``seed`` are the bootstrap's, for the ordinal alpha (``bootstrap``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from followup.agreement.bootstrap import DEFAULT_REPLICATES, DEFAULT_SEED
from followup.agreement.data import Ratings, check_ratings
from followup.agreement.gwet import gwet_ac
from followup.agreement.krippendorff import krippendorff_alpha
from followup.agreement.pairs import PairAgreement, two_readers
from followup.agreement.results import DEFAULT_CONFIDENCE, Estimate, check_confidence


@dataclass(frozen=True)
class Agreement:
    """Agreement between the readers of one set of records."""

    scale: tuple[int, ...]
    n_readers: int
    n_records: int
    n_graded: int  # records at least one reader graded
    n_pairable: int  # records two or more readers graded
    confidence: float
    alpha: dict[str, Estimate]  # "ordinal", "interval"
    gwet: dict[str, Estimate]  # "ac1", "ac2_quadratic"
    pair: PairAgreement | None  # two readers only


def measure(
    ratings: Ratings,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> Agreement:
    """Every figure for grades already checked (``data.check_ratings``)."""
    confidence = check_confidence(confidence)
    graded = np.sum(ratings.codes >= 0, axis=0)
    return Agreement(
        scale=ratings.scale,
        n_readers=ratings.n_readers,
        n_records=ratings.n_records,
        n_graded=int(np.sum(graded >= 1)),
        n_pairable=int(np.sum(graded >= 2)),
        confidence=confidence,
        alpha={
            level: krippendorff_alpha(ratings, level, confidence, replicates=replicates, seed=seed)
            for level in ("ordinal", "interval")
        },
        gwet={
            "ac1": gwet_ac(ratings, "identity", confidence),
            "ac2_quadratic": gwet_ac(ratings, "quadratic", confidence),
        },
        pair=two_readers(ratings, confidence) if ratings.n_readers == 2 else None,
    )


def agreement(
    ratings: Any,
    scale: Any,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
) -> Agreement:
    """Check the grades against the full scale, then measure every figure.

    ``ratings``: one list per reader, one grade per record, ``None`` (or NaN) where not graded;
    ``scale``: every grade a reader could give, consecutive whole numbers in increasing order.
    Bad grades raise AgreementInputError naming the first, as ``ratings[2][5]`` (1-based).
    """
    return measure(
        check_ratings(ratings, scale), confidence=confidence, replicates=replicates, seed=seed
    )
