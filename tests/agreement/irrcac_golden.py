"""Write irrcac_reference.json: irrCAC 0.4.4's answers on generated grades, for the tests.

irrCAC cannot be installed beside Followup's development tools: every release pins
scipy==1.12.0 (which needs numpy < 1.29) and coverage < 7 (pytest-cov needs 7.10 or later). So
its answers are kept here, and this script makes them again in an environment of its own:

    python3 -m venv /tmp/irrcac && /tmp/irrcac/bin/pip install irrCAC==0.4.4
    /tmp/irrcac/bin/python tests/agreement/irrcac_golden.py

For each set of grades (2 to 5 readers, 1 to 60 records, 0 to 40% missing, scales of 2 to 10
grades, and the awkward ones: one record, every grade the same, nobody grading the same record
twice) it records Gwet's AC1 and AC2 (quadratic), Krippendorff's alpha with quadratic weights
(the interval alpha) and, for two readers, Conger's kappa over the records both graded with
identity, linear and quadratic weights: each coefficient, standard error and 95% interval, or
null where irrCAC gives NaN or raises. ``test_against_references.py`` compares followup.agreement
with every one.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parent / "irrcac_reference.json"
SCALES = [
    [1, 2, 3, 4, 5, 6],
    [0, 1, 2, 3, 4],
    [1, 2],
    [1, 2, 3],
    [-2, -1, 0, 1, 2],
    list(range(2, 12)),
]


def generated(rng: np.random.Generator, count: int) -> list[dict[str, Any]]:
    sets = []
    for number in range(count):
        scale = SCALES[number % len(SCALES)]
        readers = int(rng.integers(2, 6))
        records = int(rng.integers(1, 61))
        missing = float(rng.choice([0.0, 0.1, 0.4]))
        spread = int(rng.integers(0, 3))
        truth = rng.integers(0, len(scale), records)
        ratings = []
        for _ in range(readers):
            noise = rng.integers(-spread, spread + 1, records)
            codes = np.clip(truth + noise, 0, len(scale) - 1)
            ratings.append([None if rng.random() < missing else scale[int(c)] for c in codes])
        sets.append({"id": f"generated_{number:03d}", "scale": scale, "ratings": ratings})
    return sets


AWKWARD = [
    {"id": "one_grade_everywhere", "scale": [1, 2, 3, 4, 5, 6], "ratings": [[3, 3, 3], [3, 3, 3]]},
    {"id": "one_record", "scale": [1, 2, 3, 4, 5, 6], "ratings": [[2], [5]]},
    {"id": "one_record_agreed", "scale": [1, 2, 3, 4, 5, 6], "ratings": [[4], [4]]},
    {
        "id": "nobody_grades_a_record_twice",
        "scale": [1, 2, 3, 4, 5, 6],
        "ratings": [[1, None, 3], [None, 2, None]],
    },
    {
        "id": "one_pairable_record",
        "scale": [1, 2, 3, 4, 5, 6],
        "ratings": [[1, None, 3], [2, 2, None], [None, None, None]],
    },
    {
        "id": "readers_each_keep_to_one_grade",
        "scale": [1, 2, 3, 4, 5, 6],
        "ratings": [[2, 2, 2, 2], [5, 5, 5, 5]],
    },
    {
        "id": "perfect_agreement",
        "scale": [1, 2, 3, 4, 5, 6],
        "ratings": [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]],
    },
    {
        "id": "unused_grades",
        "scale": [1, 2, 3, 4, 5, 6],
        "ratings": [[2, 3, 3, 2, 3], [2, 3, 2, 2, 3]],
    },
]


def _number(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _answer(call: Any) -> dict[str, Any] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            est = call()["est"]
        except (ZeroDivisionError, ValueError, FloatingPointError) as error:
            return {"raises": type(error).__name__}
    value = _number(est["coefficient_value"])
    lower, upper = est["confidence_interval"]
    return {
        "value": value,
        "se": _number(est["se"]),
        "lower": _number(lower),
        "upper": _number(upper),
    }


def reference(case: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd
    from irrCAC.raw import CAC

    scale = case["scale"]
    frame = pd.DataFrame(
        {
            f"reader{i}": [np.nan if v is None else v for v in row]
            for i, row in enumerate(case["ratings"])
        }
    )
    out: dict[str, Any] = {}

    def cac(data: Any, weights: str) -> Any:
        return CAC(data, weights=weights, categories=scale, digits=17)

    out["gwet_ac1"] = _answer(lambda: cac(frame, "identity").gwet())
    out["gwet_ac2_quadratic"] = _answer(lambda: cac(frame, "quadratic").gwet())
    out["krippendorff_quadratic"] = _answer(lambda: cac(frame, "quadratic").krippendorff())
    if len(case["ratings"]) == 2:
        pairs = frame.dropna(how="any")
        for weights in ("identity", "linear", "quadratic"):
            out[f"conger_{weights}"] = _answer(lambda w=weights: cac(pairs, w).conger())
    return out


def main() -> int:
    import irrCAC

    rng = np.random.default_rng(18)
    cases = AWKWARD + generated(rng, 120)
    for case in cases:
        case["irrcac"] = reference(case)
    head = {
        "irrCAC": getattr(irrCAC, "__version__", "0.4.4"),
        "made_by": "tests/agreement/irrcac_golden.py",
    }
    lines = ",\n".join(json.dumps(case) for case in cases)
    OUT.write_text(json.dumps(head)[:-1] + ', "cases": [\n' + lines + "\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
