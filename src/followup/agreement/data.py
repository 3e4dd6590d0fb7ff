"""The readers' grades, checked once, as the arrays every coefficient is computed from.

``ratings`` is one list per reader, one grade per record, in the same order of records for every
reader; ``None`` (or a float NaN, from numpy) where the reader did not grade the record.
``scale`` is the full scale, every grade a reader could give, as consecutive whole numbers in
increasing order (the six-point scale is ``[1, 2, 3, 4, 5, 6]``): the coefficients' weights and
chance agreement are always taken over the full scale, whether or not every grade is used.

Consecutive grades make the three references agree on what a distance is: scikit-learn weights
Cohen's kappa by the positions of the grades in the scale, irrCAC and the krippendorff package by
their values; on a scale of consecutive whole numbers these are the same.

From the grades come, with q the number of grades on the scale:

- ``codes``: readers × records, the position of each grade on the scale (0 to q − 1), −1 where
  missing;
- ``counts``: records × q, a_ik = how many readers gave record i grade k (Gwet's "agree.mat",
  Krippendorff's values by unit); r_i = Σ_k a_ik is the number of readers who graded record i.

Limits (``MAX_READERS``, ``MAX_RECORDS``, ``MAX_GRADES``) keep a request's cost to a few seconds;
past them the grades are refused, naming the limit.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from followup.agreement.errors import AgreementInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_READERS = 50
MAX_RECORDS = 10_000
MAX_GRADES = 20
# A grade's value is at most this far from 0: far more than any scale, small enough to be exact.
MAX_GRADE_VALUE = 1_000_000
SCALE_EXAMPLE = "[1, 2, 3, 4, 5, 6]"


@dataclass(frozen=True)
class Ratings:
    """Checked grades: ``codes`` (readers × records, −1 where missing) and the full scale."""

    scale: tuple[int, ...]
    codes: IntArray

    @property
    def n_readers(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_records(self) -> int:
        return int(self.codes.shape[1])

    @property
    def q(self) -> int:
        return len(self.scale)

    def counts(self) -> FloatArray:
        """a_ik: records × q, how many readers gave record i the k-th grade of the scale."""
        result = np.zeros((self.n_records, self.q))
        for row in self.codes:
            graded = row >= 0
            result[np.flatnonzero(graded), row[graded]] += 1.0
        return result


def shown(value: Any) -> str:
    """A value as the request wrote it (JSON), cut short if long."""
    try:
        text = json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _whole(value: Any) -> int | None:
    """A whole number within bounds (an int, or a float with nothing after the point), else None."""
    if isinstance(value, bool):
        return None
    whole_float = (
        isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value)
    )
    if not (isinstance(value, (int, np.integer)) or whole_float):
        return None
    number = int(value)
    return number if abs(number) <= MAX_GRADE_VALUE else None


def _grades(count: int) -> str:
    return f"{count:,} grade" if count == 1 else f"{count:,} grades"


def _as_list(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


def check_scale(scale: Any) -> tuple[int, ...]:
    """The full scale: at least two consecutive whole numbers in increasing order."""
    scale = _as_list(scale)
    if not isinstance(scale, (list, tuple)):
        raise AgreementInputError(
            "scale",
            f"expected a list of consecutive whole numbers such as {SCALE_EXAMPLE}, "
            f"got {shown(scale)}",
        )
    if len(scale) < 2:
        raise AgreementInputError("scale", f"expected at least two grades, got {len(scale)}")
    if len(scale) > MAX_GRADES:
        raise AgreementInputError(
            "scale", f"has {len(scale):,} grades; a scale has at most {MAX_GRADES}"
        )
    grades: list[int] = []
    for position, value in enumerate(scale, start=1):
        grade = _whole(value)
        if grade is None:
            raise AgreementInputError(
                f"scale[{position}]",
                f"expected a whole number between {-MAX_GRADE_VALUE:,} and "
                f"{MAX_GRADE_VALUE:,}, got {shown(value)}",
            )
        if grades and grade != grades[-1] + 1:
            raise AgreementInputError(
                f"scale[{position}]",
                f"expected {grades[-1] + 1}, one more than the grade before: a scale is "
                f"consecutive whole numbers in increasing order, such as {SCALE_EXAMPLE}",
            )
        grades.append(grade)
    return tuple(grades)


def _check_shape(ratings: Any) -> list[Any]:
    """The readers' lists, as many as allowed, each as long as the first."""
    ratings = _as_list(ratings)
    if not isinstance(ratings, (list, tuple)):
        raise AgreementInputError(
            "ratings",
            "expected a list with one list of grades for each reader, got " + shown(ratings),
        )
    if len(ratings) < 2:
        raise AgreementInputError(
            "ratings", f"expected the grades of at least two readers, got {len(ratings)}"
        )
    if len(ratings) > MAX_READERS:
        raise AgreementInputError(
            "ratings", f"has {len(ratings):,} readers; at most {MAX_READERS} are taken"
        )
    readers = [_as_list(reader) for reader in ratings]
    for number, reader in enumerate(readers, start=1):
        if not isinstance(reader, (list, tuple)):
            raise AgreementInputError(
                f"ratings[{number}]",
                "expected a list of grades, one for each record (null where the reader did "
                f"not grade it), got {shown(reader)}",
            )
        if len(reader) > MAX_RECORDS:
            raise AgreementInputError(
                f"ratings[{number}]",
                f"has {len(reader):,} grades; at most {MAX_RECORDS:,} records are taken",
            )
        if len(reader) != len(readers[0]):
            raise AgreementInputError(
                f"ratings[{number}]",
                f"has {_grades(len(reader))} where reader 1 has {_grades(len(readers[0]))}: "
                "every reader needs one grade for each record, null where not graded",
            )
    return readers


def check_ratings(ratings: Any, scale: Any) -> Ratings:
    """Check the grades against the scale; raise AgreementInputError naming the first bad one."""
    grades = check_scale(scale)
    readers = _check_shape(ratings)
    first = grades[0]
    codes = np.full((len(readers), len(readers[0])), -1, dtype=np.int64)
    for number, reader in enumerate(readers, start=1):
        for record, value in enumerate(reader, start=1):
            if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
                continue
            grade = _whole(value)
            if grade is None:
                raise AgreementInputError(
                    f"ratings[{number}][{record}]",
                    f"expected a grade from {grades[0]} to {grades[-1]}, or null, "
                    f"got {shown(value)}",
                )
            if not grades[0] <= grade <= grades[-1]:
                raise AgreementInputError(
                    f"ratings[{number}][{record}]",
                    f"{grade} is not on the scale, {grades[0]} to {grades[-1]}",
                )
            codes[number - 1, record - 1] = grade - first
    return Ratings(scale=grades, codes=codes)


def agreement_weights(q: int, kind: str) -> FloatArray:
    """Agreement weights w_kl over the full scale of q grades (irrCAC's ``Weights``):
    identity 1 if k = l else 0; linear 1 − |k − l|/(q − 1); quadratic 1 − (k − l)²/(q − 1)²."""
    positions = np.arange(q, dtype=float)
    distance = np.abs(positions[:, None] - positions[None, :]) / (q - 1)
    if kind in ("identity", "unweighted"):
        return np.eye(q)
    if kind == "linear":
        return 1.0 - distance
    if kind == "quadratic":
        return 1.0 - distance**2
    raise ValueError(f"unknown weights {kind!r}")
