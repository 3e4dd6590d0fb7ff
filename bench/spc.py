"""Benchmark: followup.spc against controlchartspy and pyqicharts, measured in one run.

10,000 synthetic series of 60 points (seeded) go through every chart type with
``followup.spc``' batch form. The peers compute the same charts on a sample of the same
series (they take milliseconds a series, so all 10,000 would take minutes); each figure is
series per second. Goals: at least 10x the faster peer for every chart type a peer supports,
and all 10,000 series through every chart type in under 5 seconds.

Run with ``make bench`` (which installs the two peers in .venv-bench, never in the project).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from followup.spc import control_charts, making_data_counts

CHARTS = ["run", "i", "mr", "p", "pp", "u", "up", "c", "xmr_mdc"]
RATE = {"p", "pp", "u", "up"}


def make_data(series: int, points: int, seed: int = 20261126) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    denominators = rng.integers(50, 500, (series, points)).astype(float)
    return {
        "values": (rng.normal(50, 5, (series, points)) + np.linspace(0, 2, points)).round(1),
        "numerators": rng.binomial(denominators.astype(int), 0.3).astype(float),
        "denominators": denominators,
        "counts": rng.poisson(10, (series, points)).astype(float),
        "dates": [f"{2020 + m // 12}-{m % 12 + 1:02d}-01" for m in range(points)],
    }


def followup_run(chart: str, data: dict[str, Any], rows: slice) -> None:
    if chart == "xmr_mdc":
        making_data_counts(data["values"][rows], data["dates"], improvement_direction="increase")
    elif chart in RATE:
        control_charts(data["numerators"][rows], data["denominators"][rows], chart=chart)
    elif chart == "c":
        control_charts(data["counts"][rows], chart=chart)
    else:
        control_charts(data["values"][rows], chart=chart)


def peer_controlchartspy() -> Callable[[str, dict[str, Any], slice], None] | None:
    try:
        import controlchartspy
        import pandas as pd
    except ImportError:
        return None
    outliers = {
        "astronomical": True,
        "shift": True,
        "trend": True,
        "trend_n": 7,
        "two_in_three": True,
    }

    def run(chart: str, data: dict[str, Any], rows: slice) -> None:
        column = "counts" if chart == "c" else "numerators" if chart in RATE else "values"
        block = data[column][rows]
        count, points = block.shape
        frame = pd.DataFrame(
            {
                "key": np.tile(data["dates"], count),
                "indicator": np.repeat([f"s{i}" for i in range(count)], points),
                "y": block.ravel(),
            }
        )
        if chart in RATE:
            frame["n"] = data["denominators"][rows].ravel()
        settings = {"chart_type": "i" if chart == "xmr_mdc" else chart}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            controlchartspy.spc(
                frame,
                keys="key",
                numerators="y",
                denominators="n" if chart in RATE else None,
                indicators="indicator",
                spc_settings=settings,
                outlier_settings=outliers if chart == "xmr_mdc" else None,
                return_objs="limits",
            )

    return run


def peer_pyqicharts() -> Callable[[str, dict[str, Any], slice], None] | None:
    try:
        import pandas as pd
        from pyqicharts.tables import qic_table
    except ImportError:
        return None

    def run(chart: str, data: dict[str, Any], rows: slice) -> None:
        column = "counts" if chart == "c" else "numerators" if chart in RATE else "values"
        block = data[column][rows]
        x = np.arange(block.shape[1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in range(block.shape[0]):
                frame = pd.DataFrame({"x": x, "y": block[i]})
                if chart in RATE:
                    frame["n"] = data["denominators"][rows][i]
                qic_table(
                    frame, x="x", y="y", chart=chart, denominator="n" if chart in RATE else None
                )

    return run


# Charts each peer computes as the same chart (see ../shared/spc/rules.md, section 5):
# pyqicharts has no Laney P'/U' and no Making Data Count rule set.
SUPPORTS = {
    "controlchartspy": set(CHARTS),
    "pyqicharts": {"run", "i", "mr", "p", "u", "c"},
}


def rate(func: Callable[[], None], count: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return count / statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--peer-sample", type=int, default=200, help="series the peers compute")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = make_data(args.series, args.points)
    peers = {"controlchartspy": peer_controlchartspy(), "pyqicharts": peer_pyqicharts()}
    everything = slice(0, args.series)
    sample = slice(0, min(args.peer_sample, args.series))
    followup_run("i", data, slice(0, 10))  # warm up imports and tables

    print(
        f"followup.spc benchmark: {args.series:,} series of {args.points} points; "
        f"peers on the first {sample.stop} of the same series; median of {args.repeats} runs."
    )
    print()
    header = f"{'chart':<8} {'followup':>12} {'controlchartspy':>16} {'pyqicharts':>12} {'vs faster peer':>15}  goal (10x)"
    print(header)
    print("-" * len(header))
    total = 0.0
    all_met = True
    for chart in CHARTS:
        ours = rate(
            functools.partial(followup_run, chart, data, everything), args.series, args.repeats
        )
        total += args.series / ours
        theirs: dict[str, float | None] = {}
        for name, run in peers.items():
            if run is None or chart not in SUPPORTS[name]:
                theirs[name] = None
                continue
            theirs[name] = rate(functools.partial(run, chart, data, sample), sample.stop, 1)
        measured = [v for v in theirs.values() if v]
        ratio = ours / max(measured) if measured else None
        met = ratio is None or ratio >= 10
        all_met &= met

        def cell(value: float | None, width: int) -> str:
            return f"{value:>{width},.0f}" if value else f"{'n/a':>{width}}"

        print(
            f"{chart:<8} {ours:>12,.0f} {cell(theirs['controlchartspy'], 16)} {cell(theirs['pyqicharts'], 12)} "
            f"{(f'{ratio:,.0f}x' if ratio else 'n/a'):>15}  {'met' if met else 'MISSED'}"
        )
    print()
    print(
        "Figures are series per second. n/a: the peer is not installed, or does not compute that chart."
    )
    print(
        f"All {args.series:,} series through all {len(CHARTS)} chart types: {total:.2f} s (goal: under 5 s) "
        f"{'met' if total < 5 else 'MISSED'}"
    )
    if any(run is None for run in peers.values()):
        print("Install the peers to compare: pip install controlchartspy==0.1.3 pyqicharts==2.0.0")
    return 0 if all_met and total < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
