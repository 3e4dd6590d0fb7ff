"""Reading tables from CSV and XLSX files into header names and numbered rows.

What a table may cost is bounded (``lib.uploads``): at most ``MAX_TABLE_CELLS`` cells from a CSV
file and ``MAX_XLSX_CELLS`` from a workbook (openpyxl reads a cell some twenty times more slowly
than the csv module), larger caps on the command line, whose operator chooses the file; a workbook
is unpacked once within the archive budget before openpyxl reads it, with ``defusedxml`` (openpyxl
uses it whenever it is installed, and a workbook is refused if it is not).

A staged upload keeps the table read once, as ``staged_bytes`` (JSON with a marker line), so a
preview never reads the file again: ``staged_table`` reads it back.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from typing import Any

from followup.lib.uploads import (
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_XLSX_CELLS,
    XLSX,
    UploadError,
    open_archive,
)
from followup.lib.xlsxparts import check_parts

# The command line reads the operator's own files: larger caps, the same archive budget.
COMMAND_LINE_BYTES = 100 * 1024 * 1024
COMMAND_LINE_CELLS = 20_000_000
COMMAND_LINE_XLSX_CELLS = 2_000_000
_STAGED = b"followup-table/1\n"
_PIECE = 1024 * 1024  # bytes checked as UTF-8 at a time
# What the csv module refuses: a cell longer than its field limit (131,072 characters).
_CSV_PROBLEM = (
    f"a cell is longer than {csv.field_size_limit():,} characters, or its quotes are unbalanced"
)


class TableError(ValueError):
    """A file that cannot be read as a table at all."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, cells by header)
    # Each row's number in a spreadsheet showing the file (the heading row 1, every record a row,
    # blank ones too), where it differs from its line: in a CSV file whose cells hold line breaks,
    # a record spans several lines. Empty when every row's line is its spreadsheet row.
    sheet_rows: list[int] = field(default_factory=list)

    def sheet_row(self, index: int) -> int:
        """The spreadsheet row of ``rows[index]``."""
        return self.sheet_rows[index] if self.sheet_rows else self.rows[index][0]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    # A whole number as written, but one past 2**53 as the float it is (1e+23), never as the
    # digits of that float (99999999999999991611392), which were never in the sheet.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str, *, command_line: bool = False) -> Table:
    """A table from a CSV (UTF-8, with or without a byte-order mark) or the first sheet of an XLSX."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data, COMMAND_LINE_XLSX_CELLS if command_line else MAX_XLSX_CELLS)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data, COMMAND_LINE_CELLS if command_line else MAX_TABLE_CELLS)
    raise TableError(f"{filename}: expected a .csv or .xlsx file")


def _too_wide(line: int, columns: int) -> TableError:
    return TableError(
        f"line {line} has {columns:,} columns; Followup reads at most {MAX_TABLE_COLUMNS:,}: "
        "leave out the columns not needed, or split the table"
    )


def _width(values: Any) -> int:
    """How many columns a row really fills: up to its last cell with a value."""
    width = len(values)
    while width and (values[width - 1] is None or values[width - 1] == ""):
        width -= 1
    return width


def _too_many(limit: int, kind: str) -> TableError:
    advice = "split it" if kind == "CSV file" else "save the sheet as CSV, or split it"
    return TableError(f"the {kind} has more than {limit:,} cells; {advice}")


def _not_utf8(data: bytes) -> int | None:
    """The position (from 0) of the first byte that is not UTF-8, or None: checked a piece at
    a time, so the check never holds the file decoded."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for offset in range(0, len(data), _PIECE):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[offset : offset + _PIECE], final=offset + _PIECE >= len(data))
        except UnicodeDecodeError as error:
            return offset - pending + error.start
    return None


def _read_csv(data: bytes, limit: int) -> Table:
    # The file is decoded as the csv module reads it, a piece at a time: decoding it whole into
    # one string, then copying that into a StringIO (four bytes a character), held 200 MB for
    # an 18 MB file of one line (#11).
    wrong = _not_utf8(data)
    if wrong is not None:
        start = wrong - 3 if data.startswith(codecs.BOM_UTF8) else wrong
        raise TableError(f"the file is not UTF-8 text (byte {start + 1}); save it as CSV UTF-8")
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    try:
        first = next(reader)
        if len(first) > MAX_TABLE_COLUMNS:
            raise _too_wide(1, _width(first))
        headers = [h.strip() for h in first]
    except StopIteration:
        raise TableError("the file is empty") from None
    except csv.Error:
        raise TableError(f"line 1: {_CSV_PROBLEM}") from None
    rows = []
    sheet_rows: list[int] = []
    width = len(headers)
    cells_read = width
    try:
        for sheet_row, record in enumerate(reader, start=2):
            cells_read += len(record)
            if cells_read > limit:
                raise _too_many(limit, "CSV file")
            if len(record) > MAX_TABLE_COLUMNS and _width(record) > MAX_TABLE_COLUMNS:
                raise _too_wide(reader.line_num, _width(record))
            if len(record) > width:
                rows.append((reader.line_num, _cells(headers, record)))
                sheet_rows.append(sheet_row)
                continue
            cells = {h: v.strip() for h, v in zip(headers, record, strict=False)}
            if any(cells.values()):
                rows.append((reader.line_num, cells))
                sheet_rows.append(sheet_row)
    except csv.Error:
        raise TableError(f"line {reader.line_num}: {_CSV_PROBLEM}") from None
    same = all(line == row for (line, _), row in zip(rows, sheet_rows, strict=True))
    return Table(headers, rows, [] if same else sheet_rows)


def _cells(headers: list[str], record: list[Any]) -> dict[str, str]:
    cells = {h: _cell(v) for h, v in zip(headers, record, strict=False)}
    if len(record) > len(headers):
        extra = [_cell(v) for v in record[len(headers) :] if _cell(v)]
        if extra:
            cells["\0extra"] = ", ".join(extra)
    return cells


def _read_xlsx(data: bytes, limit: int) -> Table:
    import openpyxl.xml
    from openpyxl import load_workbook

    if not openpyxl.xml.DEFUSEDXML:
        raise TableError(
            "this server cannot read XLSX files safely (openpyxl is not using defusedxml); "
            "save the sheet as CSV"
        )
    try:
        check_parts(open_archive(data, XLSX), limit)
    except UploadError as error:
        raise TableError(str(error)) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise TableError(
            "the file is not a readable XLSX workbook: it is damaged, or not a workbook saved "
            "by a spreadsheet program; save it again, or save the sheet as CSV"
        ) from None
    try:
        return _sheet_rows(book, limit)
    except TableError:
        raise
    except Exception:  # a damaged or hostile sheet: XML errors, entities, bad values
        raise TableError(
            "the first sheet of the workbook cannot be read: it is damaged, or holds something "
            "other than cells of text, numbers and dates; save the sheet as CSV"
        ) from None
    finally:
        book.close()


def _sheet_rows(book: Any, limit: int) -> Table:
    if not book.worksheets:
        raise TableError("the workbook has no sheet")
    sheet = book.worksheets[0]
    # The extent the sheet declares can lie: too small, and rows past it would be lost; too
    # large, and every row would be padded out to it. Read the cells that are really there.
    sheet.reset_dimensions()
    rows_iter = sheet.iter_rows(values_only=True)
    headers: list[str] = []
    line = cells_read = 0
    for values in rows_iter:
        line += 1
        cells_read += len(values)
        if cells_read > limit:
            raise _too_many(limit, "workbook")
        if _width(values) > MAX_TABLE_COLUMNS:
            raise _too_wide(line, _width(values))
        if any(v is not None and str(v).strip() for v in values):
            headers = [_cell(v) for v in values]
            break
    if not headers:
        raise TableError("the first sheet is empty")
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for values in rows_iter:
        line += 1
        cells_read += len(values)
        if cells_read > limit:
            raise _too_many(limit, "workbook")
        if _width(values) > MAX_TABLE_COLUMNS:
            raise _too_wide(line, _width(values))
        if not any(v is not None and str(v).strip() for v in values):
            continue
        rows.append((line, _cells(headers, list(values))))
    return Table(headers, rows)


def staged_bytes(table: Table) -> bytes:
    """The table as a staged upload keeps it: read once, never parsed from the file again."""
    body = json.dumps(
        {"headers": table.headers, "rows": table.rows}, ensure_ascii=False, separators=(",", ":")
    )
    return _STAGED + body.encode("utf-8")


def staged_table(data: bytes, filename: str) -> Table:
    """The table a staged upload holds. An upload staged before tables were kept this way holds
    the file itself, which is read now (within the same caps)."""
    if not data.startswith(_STAGED):
        return read_table(data, filename)
    try:
        body = json.loads(data[len(_STAGED) :].decode("utf-8"))
        return Table(
            [str(h) for h in body["headers"]],
            [
                (int(line), {str(k): str(v) for k, v in cells.items()})
                for line, cells in body["rows"]
            ],
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TableError(
            "the staged file is damaged; discard it and upload the file again"
        ) from None
