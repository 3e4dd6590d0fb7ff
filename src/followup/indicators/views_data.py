"""Pages that teach importing (#15): the data elements with their codes, a template to fill for
each, and an indicator's figures in the tidy layout, which the import page reads back."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from followup.indicators import queries
from followup.indicators.disclosed import Shown, as_shown, for_audience
from followup.indicators.export import COLUMNS
from followup.indicators.layouts import TIDY_REQUIRED
from followup.indicators.periods import KIND_LABELS
from followup.lib.disclosure import SUPPRESSED
from followup.lib.tables import table_download
from followup.partnerships.access import Capability, can, capabilities, partnership_for


def element_kind(element: Any) -> str:
    """What an element's figures are, in a word or two."""
    if element.formula:
        return "Derived (worked out, never imported)"
    return "Count" if element.is_count else "Measure"


@login_required
def elements(request: HttpRequest, slug: str) -> HttpResponse:
    """Every data element a partnership's files may name, with its code, kind and periods."""
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "indicators/elements.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "elements": [
                (e, element_kind(e), KIND_LABELS.get(e.period_kind, e.period_kind))
                for e in queries.data_elements_of(partnership)
            ],
        },
    )


@login_required
def element_template(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A CSV to fill for one data element: the tidy layout's header and one row with the
    partnership's area code and the element's code filled in, its period and value left empty.
    Nothing in it is a figure: a starter row left unfilled imports nothing (the check names its
    empty period and value), so no made-up example can ever be imported."""
    element = queries.data_element_for(request.user, slug, pk)
    partnership = partnership_for(request.user, slug)
    area = partnership.area.code if partnership.area else ""
    return table_download(
        f"{element.code}-template",
        "csv",
        list(TIDY_REQUIRED),
        [[area, "", element.code, ""]],
    )


def _number(value: float) -> int | float:
    """A figure as a cell holds it: a number (a workbook's cell is numeric), which the CSV
    writes as ``export.tidy_number`` does: whole numbers without a decimal point."""
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def tidy_rows(indicator: Any, analysis: Shown) -> list[list[Any]]:
    """The indicator's figures in the tidy layout: a row for each period's numerator, and its
    denominator when it has one, with the latest release each comes from; withheld ones as
    ``[c]``. A derived data element's figures are left out: they are worked out from their
    parts, and no file may give them."""
    area = indicator.area.code
    rows: list[list[Any]] = []
    for point in analysis.points:
        hidden = point.period in analysis.withheld
        for figure, element, withheld in (
            (point.numerator, indicator.numerator, hidden),
            (
                point.denominator,
                indicator.denominator,
                point.period in analysis.hidden_denominators,
            ),
        ):
            if figure is None or element is None or element.formula:
                continue  # a derived element's figures are worked out, never imported
            value = SUPPRESSED if withheld else _number(figure.value)
            rows.append(
                [area, point.period, element.code, value, figure.release, figure.status, ""]
            )
    return rows


@login_required
def tidy_download(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    """An indicator's figures as the import page reads them: downloaded and imported again, it
    changes nothing. What the downloader may not see is ``[c]``, which an import skips."""
    indicator = queries.indicator_for(request.user, slug, pk)
    exact = can(request.user, indicator.partnership, Capability.READ_EVIDENCE)
    rows = as_shown(
        indicator.partnership,
        lambda withheld: tidy_rows(
            indicator, for_audience(queries.analyse(indicator), exact=exact, withheld=withheld)
        ),
        exact=exact,
    )
    name = f"{indicator.code}-{indicator.area.code}-tidy"
    return table_download(name, fmt, COLUMNS, rows, sheet=indicator.code)
