"""Exporting values in the tidy layout, the same layout the importer reads.

Only what the reader may see: official releases, plus the partnership's own when one is given.
Derived data elements are left out: they are worked out from their parts, which are exported,
and no file may give them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from django.db.models import QuerySet

from followup.indicators.models import DataValue, release_order
from followup.indicators.scope import visible_values
from followup.partnerships.models import Partnership

COLUMNS = ["area_code", "period", "data_element", "value", "release", "status", "note"]


def values_for_export(
    *,
    partnership: Partnership | None,
    area: str | None = None,
    element: str | None = None,
    all_releases: bool = False,
) -> Iterator[DataValue]:
    """Official values, plus the partnership's own when given; the latest release of each unless asked."""
    query: QuerySet[DataValue] = (
        visible_values(partnership)
        .filter(element__formula="")
        .select_related("element", "area", "release", "period")
    )
    if area:
        query = query.filter(area__code=area)
    if element:
        query = query.filter(element__code=element)
    query = query.order_by(
        "element__code", "area__code", "period__start", "period__end", *release_order()
    )
    if all_releases:
        yield from query.iterator(chunk_size=5000)
        return
    current: DataValue | None = None
    for value in query.iterator(chunk_size=5000):
        if current is not None and (value.element_id, value.area_id, value.period_id) != (
            current.element_id,
            current.area_id,
            current.period_id,
        ):
            yield current
        current = value
    if current is not None:
        yield current


def tidy_number(value: float) -> str:
    """A figure as a file holds it: a whole number without a decimal point, any other exactly
    as stored (``repr``), never rounded to six digits as ``:g`` would (1234567 is not
    1.23457e+06, and the file must import back unchanged)."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def write_tidy(out: TextIO, values: Iterator[DataValue]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for v in values:
        writer.writerow(
            [
                v.area.code,
                v.period_id,
                v.element.code,
                tidy_number(v.value),
                v.release.name,
                v.status,
                v.note,
            ]
        )
        count += 1
    return count
