"""Benchmark: exact funnel plots, 200 indicators × 32 councils, every method (issue 16).

Each indicator is a synthetic set of 32 councils (seeded; binomial or Poisson draws, some
overdispersed): denominators 200 to 40,000 for proportions, populations 2,000 to 60,000 for
rates per 1,000. For every method of ``followup.spc.funnel`` the benchmark times the 200
funnels (the per-area limits, z-scores, overdispersion and the plotted lines, as the pages draw
them), the rate methods again with the packages' own lines (as ``followup funnel`` writes them;
timed on 10 indicators and scaled), and the page's
own funnel (``followup.indicators.funnel.funnel``, with its thinned lines and its sentences) for
the two choices an indicator has. Beside them: the time the demo's indicator pages take today,
whole (every South Ayrshire indicator page, one of them with a funnel), on a fresh SQLite
database in a temporary folder. Median of 5 runs.
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from indicators import setup_django

RUNS = 5
INDICATORS = 200
COUNCILS = 32
DRAWN = 120  # the points of a drawn rate line, as the pages ask
PACKAGE_LINES = 10  # indicators timed with the packages' own rate lines (slow, exact)


def median_time(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


Data = list[tuple[list[float], list[float]]]


def datasets(proportion: bool) -> Data:
    rng = np.random.default_rng(16)
    out = []
    for i in range(INDICATORS):
        if proportion:
            den = np.round(np.exp(rng.uniform(np.log(200), np.log(40_000), COUNCILS)))
            p = rng.uniform(0.01, 0.6)
            share = rng.beta(p * 200, (1 - p) * 200, COUNCILS) if i % 2 else np.full(COUNCILS, p)
            num = rng.binomial(den.astype(int), share)
        else:
            den = np.round(np.exp(rng.uniform(np.log(2_000), np.log(60_000), COUNCILS)))
            rate = rng.uniform(0.5, 60) / 1000
            mean = den * rate * (rng.gamma(20, 1 / 20, COUNCILS) if i % 2 else 1)
            num = rng.poisson(mean)
            num[0] = max(num[0], 1)
        out.append(([float(v) for v in num], [float(v) for v in den]))
    return out


def main() -> int:
    from followup.indicators.funnel import PHE
    from followup.indicators.funnel import funnel as page_funnel
    from followup.spc.funnel import funnel

    proportions, rates = datasets(True), datasets(False)
    print(
        f"Funnel plots of {INDICATORS} indicators × {COUNCILS} councils, median of {RUNS} runs "
        "on this machine:"
    )
    for method, data, multiplier in (
        ("plotr_pr", proportions, 100.0),
        ("phe_proportion", proportions, 100.0),
        ("plotr_sr", rates, 1000.0),
        ("phe_rate", rates, 1000.0),
    ):
        for points, count in ((DRAWN, INDICATORS), (None, PACKAGE_LINES)):
            if points is None and method in {"plotr_pr", "phe_proportion"}:
                continue  # proportions always use the package's own lines

            def computed(
                data: Data = data[:count],
                method: str = method,
                multiplier: float = multiplier,
                points: int | None = points,
            ) -> None:
                for n, d in data:
                    funnel(method, n, d, multiplier=multiplier, plot_points=points)

            seconds = median_time(computed)
            what = method if points else f"{method}, the package's lines"
            print(
                f"  {what:<34} {seconds * INDICATORS / count:7.3f} s   "
                f"({seconds / count * 1000:6.2f} ms a funnel"
                + ("" if count == INDICATORS else f"; timed on {count}, scaled to {INDICATORS}")
                + ")"
            )
    for label, proportion, data, factor in (
        ("proportions", True, proportions, 100),
        ("rates", False, rates, 1000),
    ):
        for method in ("", PHE):

            def pages(
                data: Data = data,
                proportion: bool = proportion,
                factor: int = factor,
                method: str = method,
            ) -> None:
                for n, d in data:
                    rows = [
                        (f"A{i}", f"Area {i}", a, b)
                        for i, (a, b) in enumerate(zip(n, d, strict=True))
                    ]
                    page_funnel(rows, factor=factor, proportion=proportion, method=method)

            seconds = median_time(pages)
            what = f"page funnel, {label}, {method or 'default'}"
            print(
                f"  {what:<34} {seconds:7.3f} s   ({seconds / INDICATORS * 1000:6.2f} ms a funnel)"
            )
    with tempfile.TemporaryDirectory() as folder:
        setup_django(None, folder)
        logging.getLogger("django.request").setLevel(logging.ERROR)
        logging.getLogger("followup.access").setLevel(logging.WARNING)
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        from followup.demo.loader import load_demo
        from followup.indicators.models import Indicator

        load_demo("benchmark-password")
        indicators = list(
            Indicator.objects.filter(partnership__slug="south-ayrshire").order_by("pk")
        )
        client = Client()
        assert client.login(username="lead", password="benchmark-password")

        def whole() -> None:
            for i in indicators:
                url = reverse("indicators:detail", args=["south-ayrshire", i.pk])
                assert client.get(url).status_code == 200

        seconds = median_time(whole)
        print(
            f"  {'indicator pages today, whole':<34} {seconds:7.3f} s   "
            f"({seconds / len(indicators) * 1000:6.2f} ms a page, {len(indicators)} pages)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
