"""followup.agreement: how far readers agree when they grade the same records on an ordinal scale.

A library of numpy and the standard library only; it never imports Django or any other part of
Followup (a contract of its own in ``pyproject.toml``). It agrees with the references records
reading is checked against, to a relative tolerance of 1e-9 (Gwet's coefficients 1e-6):
scikit-learn's ``cohen_kappa_score(labels=scale, weights=...)`` for Cohen's kappa, the
krippendorff package (0.9) with ``value_domain=scale`` for Krippendorff's alpha, and irrCAC
(Python 0.4.4 and R) for Gwet's AC1 and AC2 and for the intervals of kappa, AC1, AC2 and the
interval alpha. The references are used by the tests only, never at run time. Each module
documents the formulas it implements:

- ``data``: the grades, checked against the full scale, and the limits of one request;
- ``pairs``: two readers, the records both graded: exact and within-one agreement, the
  confusion matrix, Cohen's kappa (unweighted, linear, quadratic) and its interval;
- ``krippendorff``: Krippendorff's alpha, ordinal and interval, and the interval alpha's
  interval; ``bootstrap``: the seeded bootstrap that gives the ordinal alpha its interval;
- ``gwet``: Gwet's AC1 and AC2 (quadratic weights) and their intervals;
- ``results``: a coefficient with its interval, or ``None`` with the reason, and the t and
  Wilson intervals; ``quantiles``: Student's t and the normal quantiles;
- ``measure``: every figure at once; ``request``: the JSON of ``followup agreement``.
"""

from followup.agreement.data import Ratings, check_ratings
from followup.agreement.errors import AgreementInputError
from followup.agreement.gwet import gwet_ac
from followup.agreement.krippendorff import krippendorff_alpha
from followup.agreement.measure import Agreement, agreement, measure
from followup.agreement.pairs import PairAgreement, cohen_kappa, complete_pairs, two_readers
from followup.agreement.results import Estimate, Interval

__all__ = [
    "Agreement",
    "AgreementInputError",
    "Estimate",
    "Interval",
    "PairAgreement",
    "Ratings",
    "agreement",
    "check_ratings",
    "cohen_kappa",
    "complete_pairs",
    "gwet_ac",
    "krippendorff_alpha",
    "measure",
    "two_readers",
]
