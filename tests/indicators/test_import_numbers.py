"""Numbers the importer misread (#19): a count too large for a float to hold exactly was stored
rounded, and "12,5" was read as 125. Each is now a problem naming the line, the column and what
was expected, the same in the dry run and the import, in the preview, on the command line and
through the API (whose corpus, tests/api/test_import_corpus.py, sends NUMBERS); "1,234" is 1234
on every path, as it always was."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_import_data
from followup.indicators.cells import exact_count, number_problem, parse_number
from followup.indicators.importer import plan_import
from followup.indicators.models import DataElement, DataValue
from followup.lib.tabular import read_table
from tests.conftest import World
from tests.indicators.test_hostile_cells import HEADER
from tests.indicators.test_import_columns import FILES, problems

NOT_GROUPED = (
    "expected a number with a point before any decimals, and commas only between groups of "
    "three digits (such as 1234, 1,234 or 12.5), got"
)
TOO_LARGE = (
    "children_looked_after is a count: expected a whole number from 0 to 9,007,199,254,740,991 "
    "(the largest Followup holds exactly), got"
)

# (what the tester tried, the value as the CSV file holds it, the problem): each in a row of
# test_hostile_cells' HEADER, for Homeshire's count children_looked_after.
NUMBERS = [
    ("a count past 2**53 written with an exponent", "1e+23", f"{TOO_LARGE} 1e+23"),
    (
        "a count past 2**53 written out",
        "123456789012345678901",
        f"{TOO_LARGE} 123456789012345678901",
    ),
    ("a count of 2**53", "9007199254740992", f"{TOO_LARGE} 9007199254740992"),
    (
        "a count a float would round to a whole number",
        "1.0000000000000001",
        "children_looked_after is a count: expected a whole number of 0 or more, got "
        "1.0000000000000001",
    ),
    ("a decimal comma", '"12,5"', f"{NOT_GROUPED} '12,5'"),
    ("commas not between thousands", '"1,2,3,4"', f"{NOT_GROUPED} '1,2,3,4'"),
    ("Indian grouping", '"1,23,456"', f"{NOT_GROUPED} '1,23,456'"),
    ("a space between thousands", '"1 234"', f"{NOT_GROUPED} '1 234'"),
    ("a no-break space between thousands", '"1\u00a0234"', f"{NOT_GROUPED} '1\\xa0234'"),
    ("an underscore between thousands", "1_234", f"{NOT_GROUPED} '1_234'"),
    ("an apostrophe between thousands", "1'234", f'{NOT_GROUPED} "1\'234"'),
    ("digits of another script", "\u0661\u0662\u0663", "expected a number, got '١٢٣'"),
]


def number_file(value: str) -> str:
    return f"{HEADER}\nS1HOME,2024,children_looked_after,{value},Return,,\n"


@pytest.mark.parametrize(("what", "value", "expected"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_a_count_that_cannot_be_held_exactly_or_a_number_in_another_form_is_refused(
    world: World, what: str, value: str, expected: str
) -> None:
    assert problems(world, number_file(value)) == [f"line 2, column value: {expected}"]


def test_a_workbook_s_count_too_large_is_refused_as_the_sheet_shows_it_not_as_its_float_s_digits(
    world: World, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(["S1HOME", "2024", "children_looked_after", 1e23, "Return"])
    sheet.append(["S1HOME", "2023", "children_looked_after", 1234.0, "Return"])
    path = tmp_path / "figures.xlsx"
    book.save(path)
    plan = plan_import(
        read_table(path.read_bytes(), "figures.xlsx"), partnership=world.home.partnership
    )
    assert [str(p) for p in plan.errors] == [f"line 2, column value: {TOO_LARGE} 1e+23"]


def test_the_largest_count_followup_holds_exactly_is_imported_and_comes_back_the_same(
    world: World,
) -> None:
    plan = plan_import(
        read_table(number_file("9007199254740991").encode(), "f.csv"),
        partnership=world.home.partnership,
    )
    assert plan.errors == []
    assert int(plan.new[0].value) == 9007199254740991


def test_a_measure_may_be_as_large_as_a_float_and_a_new_element_too_large_for_a_count_is_one(
    world: World,
) -> None:
    DataElement.objects.create(
        code="spend", name="Spend", period_kind="year", is_count=False, partnership=None
    )
    text = (
        f"{HEADER}\nS1HOME,2024,spend,1e+23,Return,,\n"
        "S1HOME,2024,huge_count,123456789012345678901,Return,,\n"
    )
    plan = plan_import(
        read_table(text.encode(), "f.csv"),
        partnership=world.home.partnership,
        create_elements=True,
    )
    assert plan.errors == []
    assert [c.value for c in plan.new] == [1e23, 123456789012345678901.0]
    assert plan.measured == {"huge_count"}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234", 1234.0),
        ("1,234", 1234.0),
        ("-1,234,567.25", -1234567.25),
        ("+12.5", 12.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e5", 100000.0),
        ("2.5E-7", 2.5e-7),
    ],
)
def test_a_number_with_a_point_and_commas_between_thousands_is_read(
    text: str, number: float
) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text", ["12,5", "1,2", "1,23,456", "1,234e5", ",5", "1,", "1 234", "inf", "nan", "0x10"]
)
def test_anything_else_is_no_number(text: str) -> None:
    assert parse_number(text) is None


def test_a_value_left_empty_is_required_and_one_in_words_is_no_number() -> None:
    assert (number_problem(""), number_problem("many")) == (
        "a value is required",
        "expected a number, got 'many'",
    )


@pytest.mark.parametrize(
    ("text", "exact"),
    [
        ("0", True),
        ("12.0", True),
        ("1.2e1", True),
        ("1,234", True),
        ("9007199254740991", True),
        ("9007199254740992", False),
        ("1e+23", False),
        ("1.0000000000000001", False),
        ("-1", False),
        ("2.5", False),
    ],
)
def test_a_count_is_exact_when_it_is_written_as_a_whole_number_below_2_to_the_53(
    text: str, exact: bool
) -> None:
    assert exact_count(text) is exact


def test_1_234_is_1234_in_the_dry_run_and_the_import_on_the_page_and_the_command_line(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    text = number_file('"1,234"')
    client = world.client_for("lead")
    upload = SimpleUploadedFile("figures.csv", text.encode())
    response = client.post(reverse("indicators:upload", args=["home"]), {"file": upload})
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Nothing can be imported from this file" not in page
    assert client.post(response["Location"]).status_code == 302
    assert list(DataValue.objects.values_list("value", flat=True)) == [1234.0]
    path = tmp_path / "figures.csv"
    path.write_text(text.replace("Return", "Later"))
    home = ["--partnership", "home"]
    args = ["import-data", str(path), *home]
    assert cmd_import_data(build_parser().parse_args([*args, "--dry-run"])) == 0
    assert "0 new, 0 revised, 1 confirmed by another release" in capsys.readouterr().out
    assert cmd_import_data(build_parser().parse_args(args)) == 0
    assert sorted(DataValue.objects.values_list("value", flat=True)) == [1234.0, 1234.0]


def test_12_5_is_refused_in_the_dry_run_and_the_import_on_the_page_and_the_command_line(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    text = number_file('"12,5"')
    expected = f"line 2, column value: {NOT_GROUPED} '12,5'"
    client = world.client_for("lead")
    upload = SimpleUploadedFile("figures.csv", text.encode())
    response = client.post(reverse("indicators:upload", args=["home"]), {"file": upload})
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert expected.split(": ", 1)[1] in page
    answer = html.unescape(client.post(response["Location"]).content.decode())
    assert f"nothing was imported: {expected}." in answer
    path = tmp_path / "figures.csv"
    path.write_text(text)
    capsys.readouterr()  # what the pages' requests logged is not the command's output
    for dry in (["--dry-run"], []):
        args = ["import-data", str(path), "--partnership", "home", *dry]
        assert cmd_import_data(build_parser().parse_args(args)) == 1
        assert capsys.readouterr().err.splitlines()[0] == f"{path}: {expected}"
    assert DataValue.objects.count() == 0


def test_the_docs_quote_the_importers_own_problems_for_columns_and_numbers() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-import.md").read_text()
    quoted = [
        line
        for line in docs.splitlines()
        if line.startswith(("line 1, column staus:", "line 2, column value:"))
    ]
    given = [expected[0] for _, _, expected in FILES[:1]] + [
        f"line 2, column value: {problem}" for _, _, problem in NUMBERS
    ]
    assert len(quoted) == 3
    assert set(quoted) <= set(given)
