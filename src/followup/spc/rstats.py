"""R's own arithmetic for means and sums, so that centre lines agree to the last bit.

R's ``mean()`` accumulates in long double, divides, then adds a second-pass correction:
``s = Σx / n;  s = s + Σ(x − s) / n`` (both sums in long double), and rounds to double at the
end. R's ``sum()`` also accumulates in long double. Matching this matters: a point exactly on
the centre line is dropped from the runs analysis, and a centre line one bit away from R's
would count it as above or below.
"""

from __future__ import annotations

import warnings

import numpy as np

from followup.spc.anhoej import FloatArray

LONG = np.longdouble


def r_mean(values: FloatArray) -> float:
    """``mean(x, na.rm = TRUE)``: NaN when nothing is left."""
    kept = values[~np.isnan(values)].astype(LONG)
    if kept.size == 0:
        return float("nan")
    s = np.sum(kept) / kept.size
    if np.isfinite(s):
        s = s + np.sum(kept - s) / kept.size
    return float(s)


def r_median(values: FloatArray) -> float:
    """``median(x, na.rm = TRUE)``: the middle value, or R's mean of the two middle values."""
    kept = np.sort(values[~np.isnan(values)])
    size = kept.size
    if size == 0:
        return float("nan")
    half = (size + 1) // 2
    if size % 2:
        return float(kept[half - 1])
    return r_mean(kept[half - 1 : half + 1])


def r_sum(values: FloatArray) -> float:
    """``sum(x, na.rm = TRUE)`` accumulated in long double."""
    return float(np.sum(values[~np.isnan(values)].astype(LONG)))


def r_mean_rows(matrix: FloatArray) -> FloatArray:
    """``r_mean`` of every row of a matrix."""
    if matrix.shape[1] == 0:
        return np.full(matrix.shape[0], np.nan)
    data = matrix.astype(LONG)
    present = ~np.isnan(matrix)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(present, data, 0).sum(axis=1) / count
        correction = np.where(present, data - s[:, None], 0).sum(axis=1) / count
        s = np.where(np.isfinite(s), s + correction, s)
    return np.where(count > 0, s, np.nan).astype(np.float64)


def r_median_rows(matrix: FloatArray) -> FloatArray:
    """``r_median`` of every row of a matrix."""
    rows = matrix.shape[0]
    if matrix.shape[1] == 0:
        return np.full(rows, np.nan)
    ordered = np.sort(matrix, axis=1)  # NaN sorts last
    count = (~np.isnan(matrix)).sum(axis=1)
    lower = np.clip((count + 1) // 2 - 1, 0, None)
    upper = np.where(count % 2 == 1, lower, lower + 1)
    upper = np.minimum(upper, matrix.shape[1] - 1)
    low = np.take_along_axis(ordered, lower[:, None], axis=1)
    high = np.take_along_axis(ordered, upper[:, None], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        middle = r_mean_rows(np.hstack((low, high)))
    return np.where(count > 0, np.where(count % 2 == 1, low[:, 0], middle), np.nan)


def r_sum_rows(matrix: FloatArray) -> FloatArray:
    sums: FloatArray = np.where(np.isnan(matrix), 0, matrix.astype(LONG)).sum(axis=1)
    return sums.astype(np.float64)
