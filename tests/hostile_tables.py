"""Hostile tables (#11), beside ``tests.hostile``: a workbook whose styles or shared strings part
is huge for its size, and CSV files of one 18 MB line or an unclosed quote."""

from __future__ import annotations

from tests.hostile import (
    MB,
    SHEET_CLOSE,
    SHEET_OPEN,
    SPREADSHEET_NS,
    XLSX_PARTS,
    XLSX_TYPES,
    Entry,
    _row,
    deflated,
    raw_zip,
    repeated,
)


def csv_one_line(megabytes: int = 18) -> bytes:
    """An 18 MB CSV file with no line break: it held 219 MB when decoded whole, then copied."""
    return b"a," * (megabytes * MB // 2)


def csv_unclosed_quote(megabytes: int = 18) -> bytes:
    """A quote opened on the second line and never closed, for 18 MB."""
    return b'area_code,period,data_element,value\nS1,2020,x,"' + b"a" * (megabytes * MB)


def _with_part(part: Entry, types: bytes = XLSX_TYPES) -> bytes:
    sheet = SHEET_OPEN + _row(["id", "group", "What helps?"]) + _row(["R", "Staff", "Time"])
    parts = [("[Content_Types].xml", types), *XLSX_PARTS[1:]]
    parts.append(("xl/worksheets/sheet1.xml", sheet + SHEET_CLOSE))
    return raw_zip([deflated(name, data) for name, data in parts] + [part])


def xlsx_styles_bomb() -> bytes:
    """What cost 8 s and 350 MB at 29 KB: hundreds of thousands of fonts in the styles part."""
    head = b'<?xml version="1.0"?><styleSheet xmlns="' + SPREADSHEET_NS + b'"><fonts>'
    block = b'<font><sz val="11"/><name val="Arial"/></font>' * 1000
    return _with_part(repeated("xl/styles.xml", head, block, 300, b"</fonts></styleSheet>"))


def xlsx_shared_strings_bomb() -> bytes:
    """800,000 shared strings of one letter each (7 MB), for a sheet that uses none."""
    types = XLSX_TYPES.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    head = b'<?xml version="1.0"?><sst xmlns="' + SPREADSHEET_NS + b'">'
    part = repeated("xl/sharedStrings.xml", head, b"<si><t>a</t></si>" * 1000, 800, b"</sst>")
    return _with_part(part, types)
