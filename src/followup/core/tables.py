"""Tables as CSV or XLSX downloads, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    """A cell value that a spreadsheet will not run as a formula (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_download(
    name: str,
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Data",
    notes: Sequence[str] = (),
) -> HttpResponse:
    """``name.csv`` or ``name.xlsx``; ``notes`` go on a second sheet "About" of the workbook."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        first = book.active
        assert first is not None
        first.title = sheet[:31]
        first.append(list(headers))
        for row in rows:
            first.append([_safe(v) for v in row])
        if notes:
            about = book.create_sheet("About")
            for note in notes:
                about.append([note])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([_safe(v) for v in row] for row in rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
