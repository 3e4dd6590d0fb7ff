"""Tables as CSV or XLSX downloads that cannot attack their reader.

Every cell, headers and notes included, is neutralised as OWASP recommends against CSV (formula)
injection (https://owasp.org/www-community/attacks/CSV_Injection, and ASVS 5.0 1.2.10):

- control characters a spreadsheet cannot hold (nulls among them) are dropped first; then a text
  cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed, or
  whose first character after any blanks, control characters and invisible format characters
  (Unicode category Cf: a zero-width space, a byte order mark, a direction mark) is one of
  ``= + - @`` or their full-width forms, gets a leading apostrophe, which spreadsheets read as
  "this is text";
- every CSV field is wrapped in double quotes, with the double quotes inside it doubled
  (RFC 4180), so that neither a separator (``,`` or the ``;`` some locales use) nor a quote in a
  value can start a new cell;
- in XLSX every text cell is stored as text, never as a formula; sheet names lose the characters
  Excel forbids.

File names are reduced to letters, digits, ``_``, ``.`` and ``-`` and sent as RFC 6266 and
RFC 5987 say: an ASCII ``filename`` always, and a UTF-8 ``filename*`` beside it when the name
has other letters (Django's ``content_disposition_header`` writes both forms).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_AFTER_BLANKS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]\x00-\x1f]")
_NAME_FORBIDDEN = re.compile(r"[^\w.-]+")
_ASCII_FORBIDDEN = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_cell(value: Any) -> Any:
    """A cell value that no spreadsheet will run as a formula (CSV injection)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if value.startswith(_FORMULA_START) or _first_seen(value) in _FORMULA_AFTER_BLANKS:
        return "'" + value
    return value


def _first_seen(value: str) -> str:
    """The first character of a text that is not a blank, a control or a format character; ""
    if none."""
    for char in value:
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return char
    return ""


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_FORBIDDEN.sub("-", title).strip("' ")[:31].strip("' ")
    return cleaned or "Data"


def file_name(name: str) -> str:
    """A file name with nothing but letters, digits, ``_``, ``.`` and ``-`` in it."""
    cleaned = _NAME_FORBIDDEN.sub("-", unicodedata.normalize("NFC", name)).strip(".-")
    return re.sub(r"-{2,}", "-", cleaned) or "download"


def attachment(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition header for a file of this name (RFC 6266, RFC 5987)."""
    name = file_name(filename)
    header = content_disposition_header(as_attachment=not inline, filename=name)
    assert header is not None
    if "filename*=" not in header:
        return header
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"-{2,}", "-", _ASCII_FORBIDDEN.sub("-", ascii_name)).strip(".-")
    disposition, _, encoded = header.partition("; ")
    return f'{disposition}; filename="{fallback or "download"}"; {encoded}'


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
    response = _download(name, fmt, headers, rows, sheet=sheet, notes=notes, stream=False)
    assert isinstance(response, HttpResponse)
    return response


def streamed_table_download(
    name: str,
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Data",
    notes: Sequence[str] = (),
) -> HttpResponseBase:
    """``table_download`` for a table that may be long (every excerpt of a partnership): the CSV
    is sent row by row as ``rows`` yields them, and the workbook is written in openpyxl's
    write-only mode, which keeps its rows in a temporary file rather than in memory."""
    return _download(name, fmt, headers, rows, sheet=sheet, notes=notes, stream=True)


def _download(
    name: str,
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str,
    notes: Sequence[str],
    stream: bool,
) -> HttpResponseBase:
    header = [safe_cell(h) for h in headers]
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        buffer = io.BytesIO()
        _write_xlsx(buffer, header, rows, sheet=sheet, notes=notes, stream=stream)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    elif stream:
        response = StreamingHttpResponse(
            _csv_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows([safe_cell(v) for v in row] for row in rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment(f"{name}.{fmt}")
    return response


def content_type(fmt: str) -> str:
    """What a table download of this format is sent as."""
    return XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"


def write_table(
    out: IO[bytes],
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Data",
    notes: Sequence[str] = (),
) -> None:
    """Write to ``out`` exactly the bytes ``streamed_table_download`` sends (a background
    export's file). A workbook's are the same cells: openpyxl stamps each with the time it
    was written."""
    header = [safe_cell(h) for h in headers]
    if fmt == "xlsx":
        _write_xlsx(out, header, rows, sheet=sheet, notes=notes, stream=True)
        return
    for line in _csv_lines(header, rows):
        out.write(line.encode("utf-8"))


def _write_xlsx(
    out: IO[bytes],
    header: list[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str,
    notes: Sequence[str],
    stream: bool,
) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=stream)
    first = book.create_sheet() if stream else book.active
    assert first is not None
    first.title = _sheet_title(sheet)
    _append(first, header)
    for row in rows:
        _append(first, [safe_cell(v) for v in row])
    if notes:
        about = book.create_sheet("About")
        for note in notes:
            _append(about, [safe_cell(note)])
    book.save(out)


def write_workbook(
    out: IO[bytes], sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]], *, title: str = ""
) -> None:
    """Write to ``out`` a workbook of several sheets, each given as its name and its rows, every
    cell neutralised as ``table_download``'s are (a text cell is text, never a formula)."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets:
        sheet = book.create_sheet(_sheet_title(name))
        for row in rows:
            _append(sheet, [safe_cell(v) for v in row])
    if title:
        book.properties.title = safe_cell(title)
    book.save(out)


def _csv_lines(header: list[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV a line at a time, written as ``table_download`` writes it whole."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in itertools.chain([header], ([safe_cell(v) for v in row] for row in rows)):
        writer.writerow(row)
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def _append(sheet: Any, values: list[Any]) -> None:
    """A row of the sheet, every text cell stored as text (never a formula)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if isinstance(sheet, WriteOnlyWorksheet):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
        return
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
