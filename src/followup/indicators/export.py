"""Exporting values in the tidy layout, the same layout the importer reads.

Only what the reader may see: official releases, plus the partnership's own when one is given.
Derived data elements are left out: they are worked out from their parts, which are exported,
and no file may give them.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from followup.indicators.models import DataValue, release_order
from followup.indicators.periods import ParsedPeriod
from followup.indicators.scope import visible_values, visible_values_by_id
from followup.partnerships.access import AnyUser, Capability, partnership_for, require
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


@dataclass(frozen=True)
class ValueFilters:
    """What a reader of raw data values narrows them to (the API's ``GET dataValueSets``):
    codes, a period range (periods wholly inside it), a release's name, and ``releases``:
    ``latest`` (each figure from its latest release) or ``all``; when not given, ``latest``
    unless a release is named, whose values are then all given."""

    data_element: str = ""
    area_code: str = ""
    start: ParsedPeriod | None = None
    end: ParsedPeriod | None = None
    release: str = ""
    releases: str = ""


# Undated releases come after every dated one (``release_order``): as a date, the last there is.
_UNDATED = Value(datetime.date.max, output_field=DateField())


def _release_rank() -> Coalesce:
    return Coalesce("release__published_on", _UNDATED, output_field=DateField())


def latest_only(values: QuerySet[DataValue], reader: Partnership) -> QuerySet[DataValue]:
    """Each figure (data element, area, period) from its latest release among those the
    reader sees, in ``release_order``'s sense: no visible release later by date (an undated
    one after every dated one), or, on the same date, added later, holds the same figure."""
    later = (
        visible_values(reader)
        .annotate(rank=_release_rank())
        .filter(
            element_id=OuterRef("element_id"),
            area_id=OuterRef("area_id"),
            period_id=OuterRef("period_id"),
        )
        .filter(
            Q(rank__gt=OuterRef("rank"))
            | Q(rank=OuterRef("rank"), release_id__gt=OuterRef("release_id"))
        )
    )
    return values.annotate(rank=_release_rank()).filter(~Exists(later))


# What a reader of raw data values is given of each: the fields the import takes, and its id.
VALUE_FIELDS = {
    "data_element": F("element__code"),
    "period_code": F("period_id"),
    "area_code": F("area__code"),
    "release_name": F("release__name"),
}


def data_values_for(user: AnyUser, slug: str, filters: ValueFilters) -> QuerySet[Any]:
    """The raw data values a partnership's figures are made of, as exact as they are held: the
    official ones and its own (never another partnership's), derived data elements left out
    (they are worked out, and no file may give them), in the order they were written (by id,
    which never changes, so that pages read one after another neither skip nor repeat a value).

    Only for those who may see exact small counts (``Capability.READ_EVIDENCE``): a viewer
    reads each indicator's figures with what viewers may not see withheld, never the values
    they are made of, as on the pages. Each value as a dict: ``pk``, ``value``, ``status``,
    ``note`` and ``VALUE_FIELDS``."""
    partnership = partnership_for(user, slug)
    require(user, partnership, Capability.READ_EVIDENCE)
    values = visible_values_by_id(partnership, derived=False)
    if filters.data_element:
        values = values.filter(element__code=filters.data_element)
    if filters.area_code:
        values = values.filter(area__code=filters.area_code)
    if filters.start is not None:
        values = values.filter(period__start__gte=filters.start.start)
    if filters.end is not None:
        values = values.filter(period__end__lte=filters.end.end)
    if filters.release:
        values = values.filter(release__name=filters.release)
    if filters.releases == "latest" or (not filters.releases and not filters.release):
        values = latest_only(values, partnership)
    return values.order_by("pk").values("pk", "value", "status", "note", **VALUE_FIELDS)
