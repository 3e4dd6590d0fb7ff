"""Reading tables from CSV and XLSX files into header names and numbered rows."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any


class TableError(ValueError):
    """A file that cannot be read as a table at all."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, cells by header)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str) -> Table:
    """A table from a CSV (UTF-8, with or without a byte-order mark) or the first sheet of an XLSX."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data)
    raise TableError(f"{filename}: expected a .csv or .xlsx file")


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(
            f"the file is not UTF-8 text (byte {error.start + 1}); save it as CSV UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TableError("the file is empty") from None
    except csv.Error as error:
        raise TableError(f"line 1: {error}") from None
    rows = []
    width = len(headers)
    try:
        for record in reader:
            if len(record) > width:
                rows.append((reader.line_num, _cells(headers, record)))
                continue
            cells = {h: v.strip() for h, v in zip(headers, record, strict=False)}
            if any(cells.values()):
                rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise TableError(f"line {reader.line_num}: {error}") from None
    return Table(headers, rows)


def _cells(headers: list[str], record: list[Any]) -> dict[str, str]:
    cells = {h: _cell(v) for h, v in zip(headers, record, strict=False)}
    if len(record) > len(headers):
        extra = [_cell(v) for v in record[len(headers) :] if _cell(v)]
        if extra:
            cells["\0extra"] = ", ".join(extra)
    return cells


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableError(
            f"the file is not a readable XLSX workbook ({type(error).__name__})"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        headers: list[str] = []
        line = 0
        for values in rows_iter:
            line += 1
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
            if not any(v is not None and str(v).strip() for v in values):
                continue
            rows.append((line, _cells(headers, list(values))))
        return Table(headers, rows)
    finally:
        book.close()
