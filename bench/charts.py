"""Benchmark: the charts of the demo's indicator pages, drawn by Followup's one renderer.

Issue 12 replaced two chart pipelines with one: pages drew Vega-Lite through vl-convert-python
(an 84 MB engine) and reports drew SVG with a small writer of their own, and the Word file turned
that SVG into a PNG with vl-convert again. Now ``followup.indicators.svgchart`` draws every chart,
and the Word file carries the SVG itself with a PNG that CairoSVG makes for readers without SVG.
Median of 9 runs, each over every South Ayrshire indicator of the demo (8 control charts and a
funnel plot), each figure beside its peer measured in the same run:

- describing and drawing the page's charts, beside the old pipeline drawing the same 8 control
  charts (the Vega-Lite spec the indicator page built, ``PEER_SPEC`` below, drawn by vl-convert);
- the Word file's pictures: CairoSVG's PNG at the SVG's size (the stand-in the Word file carries
  beside the SVG), beside vl-convert's PNG at twice the size (the Word file's only picture before);
- the indicator pages' server time (every page, whole), without a peer: the old pages cannot run
  beside the new ones in one process. Issue 12 measured it, and the report in each format
  (``bench/reports.py``), old and new code run alternately three times on the same 2-core machine
  under the same load; medians of the CPU time, which the load disturbs less than the clock:

      what                        before (vl-convert)   after (svgchart)
      the 8 page charts, drawn          0.59 s              0.001 s
      the 8 indicator pages, whole      0.84 s              0.17 s
      report HTML                       0.16 s              0.18 s   (runs spread over ±0.04 s)
      report PDF                        1.46 s              1.55 s   (runs spread over ±0.2 s)
      report Word                       0.55 s              0.59 s   (runs spread over ±0.15 s)

  The pages are five times as fast; the report's differences are within the spread of the runs
  on this shared machine.

The peer, vl-convert-python, is installed only in the benchmark's own environment (``make bench``
puts it in ``.venv-bench``), never in the project's: where it is missing its column says so.

Runs on a fresh SQLite database in a temporary folder, loaded with the demo.
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from indicators import setup_django

RUNS = 9


def median_time(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def PEER_SPEC(title: str, rows: list[dict[str, Any]], unit: str) -> dict[str, Any]:
    """The Vega-Lite spec the indicator page drew before issue 12: values, centre line, limits
    and signals, for the peer only."""
    line = lambda field, colour, dash: {  # noqa: E731
        "mark": {"type": "line", "color": colour, "strokeDash": dash},
        "encoding": {"y": {"field": field, "type": "quantitative"}},
    }
    marker = {"field": "marker", "type": "nominal", "title": None}
    domain = ["Usual variation", "Signal"]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 640,
        "height": 260,
        "data": {"values": rows},
        "encoding": {"x": {"field": "date", "type": "temporal", "title": None}},
        "layer": [
            line("cl", "#1d3557", [6, 3]),
            line("ucl", "#6f777b", [2, 2]),
            line("lcl", "#6f777b", [2, 2]),
            {
                "mark": {"type": "line", "color": "#1d70b8", "strokeWidth": 2},
                "encoding": {
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": unit,
                        "scale": {"zero": False},
                    }
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70},
                "encoding": {
                    "y": {"field": "value", "type": "quantitative"},
                    "shape": {
                        **marker,
                        "scale": {"domain": domain, "range": ["circle", "diamond"]},
                    },
                    "color": {
                        **marker,
                        "scale": {"domain": domain, "range": ["#1d70b8", "#d4351c"]},
                    },
                },
            },
        ],
        "config": {"font": "Arial", "legend": {"orient": "bottom"}},
    }


def peer() -> Any:
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert


def row(what: str, ours: float, theirs: float | None) -> str:
    if theirs is None:
        return f"  {what:<34} {ours:7.3f} s   vl-convert: not installed here (make bench)"
    return f"  {what:<34} {ours:7.3f} s   vl-convert {theirs:7.3f} s   ({theirs / ours:5.1f}x ours)"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        setup_django(None, folder)
        logging.getLogger("django.request").setLevel(logging.ERROR)
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        from followup.demo.loader import load_demo
        from followup.indicators import queries
        from followup.indicators.charts import chart_rows, indicator_chart
        from followup.indicators.funnel import funnel_chart
        from followup.indicators.models import Indicator
        from followup.indicators.svgchart import draw, png

        load_demo("benchmark-password")
        indicators = list(
            Indicator.objects.filter(partnership__slug="south-ayrshire").order_by("pk")
        )
        analyses = [queries.analyse(i) for i in indicators]
        charted = [(a, chart_rows(a)) for a in analyses if a.chart is not None]
        funnels = [
            (i, b) for i in indicators if (b := queries.benchmark(i)) and b.funnel is not None
        ]

        def ours() -> list[str]:
            drawn = [draw(indicator_chart(a, rows)) for a, rows in charted]
            drawn += [
                draw(funnel_chart(i.name, b.funnel, i.area.code, i.unit, finding="", caption=""))
                for i, b in funnels
            ]
            return drawn

        vl = peer()

        def theirs() -> None:
            for a, rows in charted:
                vl.vegalite_to_svg(PEER_SPEC(a.indicator.name, rows, a.indicator.unit))

        svgs = ours()
        client = Client()
        assert client.login(username="lead", password="benchmark-password")

        def pages() -> None:
            for i in indicators:
                url = reverse("indicators:detail", args=["south-ayrshire", i.pk])
                assert client.get(url).status_code == 200

        print(
            f"Charts of the demo's {len(indicators)} South Ayrshire indicators "
            f"({len(charted)} control charts, {len(funnels)} funnel plot), "
            f"median of {RUNS} runs on this machine:"
        )
        print(
            row(
                "page charts, described and drawn",
                median_time(ours),
                median_time(theirs) if vl else None,
            )
        )
        print(
            row(
                "Word pictures, SVG to PNG",
                median_time(lambda: [png(s, scale=1) for s in svgs]),
                median_time(lambda: [vl.svg_to_png(s, scale=2) for s in svgs]) if vl else None,
            )
        )
        print(f"  {'indicator pages, whole':<34} {median_time(pages):7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
