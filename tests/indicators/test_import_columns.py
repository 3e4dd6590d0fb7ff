"""A tidy file's column the importer does not read was dropped without a word (#19): now it
is refused, naming it, its place and the columns the layout reads, the same in the preview, on
the command line and through the API (whose corpus, tests/api/test_import_corpus.py, sends
FILES). A statistics.gov.scot download's own columns are its dimensions, read as its mapping
matches on them; a column the mapping matches on that the download lacks is refused."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_import_data
from followup.indicators.importer import load_mapping, plan_import
from followup.indicators.models import DataValue
from followup.lib.tabular import read_table
from tests.conftest import World

TAKES = (
    "is not one the tidy layout reads, so its cells would be lost: expected only the columns "
    "area_code, period, data_element and value, and optionally release, status and note"
)
# (what the tester tried, the file, the problems): tidy files with columns the layout does not
# read, all for Homeshire's area and under a release of the file's own.
FILES = [
    (
        "a misspelt status column",
        "area_code,period,data_element,value,release,staus\n"
        "S1HOME,2024,children_looked_after,12,Return,provisional\n",
        [f"line 1, column staus: the header row's column 6, 'staus', {TAKES} (is it status?)"],
    ),
    (
        "a column of notes",
        "area_code,period,data_element,value,release,notes\n"
        "S1HOME,2024,children_looked_after,12,Return,checked by hand\n",
        [f"line 1, column notes: the header row's column 6, 'notes', {TAKES} (is it note?)"],
    ),
    (
        "a capital letter and a space after the name",
        "area_code,period,data_element,value,release,Status \n"
        "S1HOME,2024,children_looked_after,12,Return,provisional\n",
        [f"line 1, column Status: the header row's column 6, 'Status', {TAKES} (is it status?)"],
    ),
    (
        "two columns no layout has",
        "comment,area_code,period,data_element,value,release,source\n"
        "hand count,S1HOME,2024,children_looked_after,12,Return,SWS\n",
        [
            f"line 1, column comment: the header row's column 1, 'comment', {TAKES}",
            f"line 1, column source: the header row's column 7, 'source', {TAKES}",
        ],
    ),
    (
        "a column with no name that holds something",
        "area_code,period,data_element,value,release,\n"
        "S1HOME,2024,children_looked_after,12,Return,\n"
        "S1HOME,2023,children_looked_after,11,Return,provisional\n"
        "S1HOME,2022,children_looked_after,10,Return,provisional\n",
        [
            "line 3: a column with no name in the header row holds 'provisional', which the tidy "
            "layout cannot read: name the column, or leave its cells empty (1 more row like "
            "this one)"
        ],
    ),
]


def problems(world: World, text: str, **choices: Any) -> list[str]:
    plan = plan_import(
        read_table(text.encode(), "f.csv"), partnership=world.home.partnership, **choices
    )
    return [str(problem) for problem in plan.errors]


@pytest.mark.parametrize(("what", "text", "expected"), FILES, ids=[f[0] for f in FILES])
def test_a_column_the_tidy_layout_does_not_read_is_refused_naming_it_and_its_place(
    world: World, what: str, text: str, expected: list[str]
) -> None:
    assert problems(world, text) == expected


def test_a_misspelt_column_is_refused_in_the_preview_and_on_the_command_line_and_nothing_is_written(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    _, text, (expected,) = FILES[0]
    client = world.client_for("lead")
    upload = SimpleUploadedFile("figures.csv", text.encode())
    response = client.post(reverse("indicators:upload", args=["home"]), {"file": upload})
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Nothing can be imported from this file" in page
    assert expected.split(": ", 1)[1] in page
    assert client.post(response["Location"]).status_code == 200
    path = tmp_path / "figures.csv"
    path.write_text(text)
    capsys.readouterr()  # what the pages' requests logged is not the command's output
    assert cmd_import_data(build_parser().parse_args(["import-data", str(path)])) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: {expected}",
        "Nothing was imported (1 problem).",
    ]
    assert DataValue.objects.count() == 0


def test_a_column_with_no_name_and_no_cells_is_left_alone_as_a_trailing_comma_leaves_it(
    world: World,
) -> None:
    text = "area_code,period,data_element,value,release,\nS1HOME,2024,children_looked_after,12,R,\n"
    plan = plan_import(read_table(text.encode(), "f.csv"), partnership=world.home.partnership)
    assert (plan.errors, len(plan.new)) == ([], 1)


def test_a_mapping_matching_on_a_column_the_download_lacks_is_refused_naming_it(
    world: World,
) -> None:
    download = (
        "FeatureCode,DateCode,Measurement,Units,Value,Residential Status\n"
        "S1HOME,2024,Count,Children,12,All\n"
    )
    mapping = load_mapping(
        "elements:\n"
        "  - element: children_looked_after\n"
        "    match: {Measurement: Count, Residential status: All}\n"
    )
    plan = plan_import(
        read_table(download.encode(), "f.csv"), release="R", mapping=mapping, partnership=None
    )
    assert [str(p) for p in plan.errors] == [
        "line 1: the mapping matches on the column 'Residential status', which the file's header "
        "row does not have, so no row could match the entries naming it: expected one of the "
        "file's columns, FeatureCode, DateCode, Measurement, Units, Value and Residential Status "
        "(is it Residential Status?)"
    ]


def test_a_download_s_own_dimension_columns_are_read_as_the_mapping_matches_on_them(
    world: World,
) -> None:
    download = (
        "FeatureCode,DateCode,Measurement,Units,Value,Residential Status,Gender\n"
        "S1HOME,2024,Count,Children,12,All,All\n"
    )
    mapping = load_mapping(
        "elements:\n"
        "  - element: children_looked_after\n"
        "    match: {Measurement: Count, Residential Status: All}\n"
    )
    plan = plan_import(read_table(download.encode(), "f.csv"), release="R", mapping=mapping)
    assert (plan.errors, [c.value for c in plan.new]) == ([], [12.0])
