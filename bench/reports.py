"""Benchmark: the demo's progress review report in each format, median of 5 runs, with its
evidence cut-off lifted so that every measure is charted.

Goals (issue 6): under 3 s for the PDF and under 1 s for the HTML on 2 cores. Each figure is
printed beside the time to compose and render the same HTML without charts, measured in the same
run, so that the cost of the charts is visible. Every run composes the report afresh from the
database (nothing is cached between runs); a first, unmeasured run warms the libraries up.

Issue 12 drew the charts through one renderer for pages and reports and dropped vl-convert (the
Word file's PNGs come from CairoSVG). On the shared 2-core machine, this benchmark printed before
the change: HTML 0.264 s, PDF 2.157 s, Word 0.817 s, against 0.250 s for the HTML without charts;
``bench/charts.py`` has the before and after of both pipelines run alternately.

Runs on a fresh SQLite database in a temporary folder, loaded with the demo.
"""

from __future__ import annotations

import datetime
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from indicators import setup_django

RUNS = 5
GOALS = {"html": 1.0, "pdf": 3.0}


def median_time(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        setup_django(None, folder)
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from followup.demo.loader import load_demo
        from followup.reports import render
        from followup.reports.compose import review_report
        from followup.reviews.models import ProgressReview

        load_demo("benchmark-password")
        review = ProgressReview.objects.get(inspection__partnership__slug="south-ayrshire")
        # The demo review's evidence cut-off (February 2018) leaves out every figure: lift it,
        # unsaved, so that the report has every chart it would have with today's evidence.
        review.evidence_cutoff = datetime.date.today()
        for fmt in ("html", "pdf", "docx"):  # warm every library and template up before timing
            render.render(review_report(review), fmt)
        bare = median_time(lambda: render.html(review_report(review, with_charts=False)))
        print(f"Report of the demo's progress review, median of {RUNS} runs on this machine:")
        print(f"  HTML without charts (the peer)      {bare:7.3f} s")
        failed = False
        for fmt in ("html", "pdf", "docx"):

            def produce(fmt: str = fmt) -> bytes:
                return render.render(review_report(review), fmt)

            seconds = median_time(produce)
            goal = GOALS.get(fmt)
            verdict = ""
            if goal is not None:
                met = seconds < goal
                failed |= not met
                verdict = f"goal < {goal:g} s: {'met' if met else 'NOT MET'}"
            print(
                f"  {fmt.upper():<4} with charts {seconds:7.3f} s  "
                f"({seconds / bare:5.1f}x the HTML without charts)  {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
