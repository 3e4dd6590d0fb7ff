"""Reading an uploaded table (``lib.tabular``): what each kind of cell becomes, and what a file
that is not a table is told."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from followup.lib.tabular import TableError, read_table, staged_bytes, staged_table
from followup.lib.uploads import MAX_TABLE_COLUMNS


def workbook(*rows: tuple[object, ...]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbooks_dates_times_and_whole_numbers_are_read_as_people_wrote_them():
    data = workbook(
        ("when", "at", "count", "rate", "note", None),
        (datetime.date(2024, 3, 27), datetime.datetime(2024, 3, 27, 9, 30), 12.0, 0.25, None),
        (None, None, None, None, "   "),
        (datetime.datetime(2024, 3, 28), None, 7, 1.5, " kept "),
    )
    table = read_table(data, "figures.XLSX")
    assert table.headers == ["when", "at", "count", "rate", "note"]
    assert table.rows == [
        (
            2,
            {
                "when": "2024-03-27",
                "at": "2024-03-27T09:30:00",
                "count": "12",
                "rate": "0.25",
            },
        ),
        (4, {"when": "2024-03-28", "at": "", "count": "7", "rate": "1.5", "note": "kept"}),
    ]


def test_a_workbook_whose_first_sheet_is_blank_is_told_so():
    with pytest.raises(TableError, match=r"^the first sheet is empty$"):
        read_table(workbook((None, "  "), ()), "blank.xlsx")


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused_by_name():
    with pytest.raises(TableError, match=r"^report\.pdf: expected a \.csv or \.xlsx file$"):
        read_table(b"%PDF-1.7", "report.pdf")


def test_an_empty_csv_and_one_too_wide_are_told_what_is_wrong():
    with pytest.raises(TableError, match=r"^the file is empty$"):
        read_table(b"", "empty.csv")
    wide = ",".join(f"c{i}" for i in range(MAX_TABLE_COLUMNS + 5)).encode()
    with pytest.raises(TableError, match=f"^line 1 has {MAX_TABLE_COLUMNS + 5:,} columns"):
        read_table(wide, "wide.csv")


def test_a_csv_that_is_not_utf8_names_the_byte_counting_from_after_a_byte_order_mark():
    with pytest.raises(TableError, match=r"not UTF-8 text \(byte 6\)"):
        read_table(b"\xef\xbb\xbfcode\n\xff", "latin.csv")
    with pytest.raises(TableError, match=r"not UTF-8 text \(byte 6\)"):
        read_table(b"code\n\xff", "latin.csv")


def test_a_staged_table_reads_back_as_it_was_and_a_damaged_one_is_refused():
    table = read_table(b"code,value\nA,1\nB,2\n", "t.csv")
    assert staged_table(staged_bytes(table), "t.csv") == table
    assert staged_table(b"code,value\nA,1\n", "t.csv").rows == [(2, {"code": "A", "value": "1"})]
    damaged = staged_bytes(table)[:-5]
    with pytest.raises(TableError, match="the staged file is damaged"):
        staged_table(damaged, "t.csv")
