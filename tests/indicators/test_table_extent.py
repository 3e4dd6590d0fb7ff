"""A table is judged by the cells really in it: a workbook's declared extent is not trusted
(too small, rows past it would be lost; too large, every row would be padded to it), and a row
wider than 1,000 columns is refused naming its line."""

from __future__ import annotations

import pytest

from followup.lib.tabular import TableError, read_table
from tests import hostile
from tests.hostile import SHEET_OPEN, _row


def workbook(dimension: str, rows: list[list[str]], cells: bytes = b"") -> bytes:
    prolog = SHEET_OPEN.replace(
        b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode()
    )

    def chunks():
        for row in rows:
            yield _row(row)
        yield cells

    return hostile.xlsx_with_sheet(chunks, prolog=prolog)


ROWS = [["id", "answer"], *[[f"r{n}", f"answer {n}"] for n in range(1, 6)]]


def test_rows_past_a_workbooks_declared_extent_are_read_not_lost():
    table = read_table(workbook("A1:B2", ROWS), "survey.xlsx")
    assert table.headers == ["id", "answer"]
    assert [cells["id"] for _, cells in table.rows] == ["r1", "r2", "r3", "r4", "r5"]


def test_a_workbook_declaring_the_whole_sheet_is_read_by_the_cells_it_has():
    table = read_table(workbook("A1:XFD1048576", ROWS), "survey.xlsx")
    assert table.headers == ["id", "answer"]
    assert len(table.rows) == 5


def test_a_workbook_row_with_a_value_past_column_1000_is_refused_naming_its_line():
    far = b'<row r="7"><c r="A7" t="inlineStr"><is><t>r6</t></is></c><c r="ALN7"><v>1</v></c></row>'
    with pytest.raises(TableError) as refused:
        read_table(workbook("A1:B2", ROWS, far), "survey.xlsx")
    assert str(refused.value) == (
        "line 7 has 1,002 columns; Followup reads at most 1,000: leave out the columns not "
        "needed, or split the table"
    )


def test_a_csv_row_of_1001_filled_columns_is_refused_naming_its_line():
    data = ("id,answer\r\nr1," + ",".join(["x"] * 1000) + "\r\n").encode()
    with pytest.raises(TableError) as refused:
        read_table(data, "survey.csv")
    assert str(refused.value) == (
        "line 2 has 1,001 columns; Followup reads at most 1,000: leave out the columns not "
        "needed, or split the table"
    )


def test_a_csv_row_with_empty_cells_past_column_1000_is_read():
    data = ("id,answer\r\nr1,yes" + "," * 1500 + "\r\n").encode()
    table = read_table(data, "survey.csv")
    assert [line for line, _ in table.rows] == [2]
