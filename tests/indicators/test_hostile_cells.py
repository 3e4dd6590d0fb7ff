"""Cells no field can hold (#10): over-long text, NUL and other control characters, codes that
are not slugs, doubled columns, years no figure has. Each is a row-level problem, in the preview
and on the command line, and nothing is written, on SQLite and PostgreSQL alike (PostgreSQL gave
a server error for each before)."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_import_data
from followup.indicators.importer import load_mapping, plan_import
from followup.indicators.models import DataElement, DataValue, ImportUpload, Release
from followup.lib.tabular import read_table
from followup.partnerships.models import Area

HEADER = "area_code,period,data_element,value,release,status,note"
LONG_RELEASE = "R" * 301
LONG_CODE = "c" * 300

# (what the tester tried, the row, whether "create data elements" is ticked, the problem)
CASES = [
    (
        "a release name longer than the field",
        f"S1HOME,2024,children_looked_after,12,{LONG_RELEASE},,",
        False,
        "line 2, column release: expected a release name of at most 300 characters, got 301",
    ),
    (
        "a status longer than the field",
        f"S1HOME,2024,children_looked_after,12,Return,{'s' * 5000},",
        False,
        "line 2, column status: expected a status of at most 100 characters (such as "
        "provisional), got 5,000",
    ),
    (
        "a new data element's code longer than the field",
        f"S1HOME,2024,{LONG_CODE},12,Return,,",
        True,
        "line 2, column data_element: a new data element's code has at most 100 characters, "
        "not 300; rename it in the file",
    ),
    (
        "a new data element's code that is no slug",
        "S1HOME,2024,a b/c,12,Return,,",
        True,
        "line 2, column data_element: a new data element's code is made of letters, digits, "
        "hyphens and underscores only, not 'a b/c'; rename it in the file",
    ),
    (
        "a NUL in the release",
        "S1HOME,2024,children_looked_after,12,Ret\0urn,,",
        False,
        "line 2, column release: expected text without control characters, but the cell holds "
        "U+0000 (NUL) at character 4",
    ),
    (
        "a NUL in a note",
        "S1HOME,2024,children_looked_after,12,Return,,a\0b",
        False,
        "line 2, column note: expected text without control characters, but the cell holds "
        "U+0000 (NUL) at character 2",
    ),
    (
        "a bell in the status",
        "S1HOME,2024,children_looked_after,12,Return,ok\x07,",
        False,
        "line 2, column status: expected text without control characters, but the cell holds "
        "U+0007 (a control character) at character 3",
    ),
    (
        "a line break in an area code",
        'S1HOME,2024,children_looked_after,12,Return,,\n"S1\nHOME",2023,children_looked_after,1,R,,',
        False,
        "line 4, column area_code: expected text without control characters, but the cell "
        "holds U+000A (a control character) at character 3",
    ),
    (
        "a year no figure has",
        "S1HOME,0001,children_looked_after,12,Return,,",
        False,
        "line 2, column period: '0001' is in the year 1: expected a year from 1900 to 2100",
    ),
    (
        "a year far ahead",
        "S1HOME,9999,children_looked_after,12,Return,,",
        False,
        "line 2, column period: '9999' is in the year 9999: expected a year from 1900 to 2100",
    ),
]


def post(client, content: bytes, *, create: bool, release: str = "Form release") -> object:
    data = {"file": SimpleUploadedFile("figures.csv", content), "release": release}
    if create:
        data["create_elements"] = "on"
    return client.post(reverse("indicators:upload", args=["home"]), data)


def test_every_hostile_cell_is_a_row_problem_in_the_preview_and_nothing_is_written(world):
    client = world.client_for("lead")
    releases, elements = Release.objects.count(), DataElement.objects.count()
    for what, row, create, problem in CASES:
        response = post(client, f"{HEADER}\n{row}\n".encode(), create=create)
        assert response.status_code == 302, what
        preview = client.get(response["Location"])
        assert preview.status_code == 200, what
        page = html.unescape(preview.content.decode())
        assert "Nothing can be imported from this file" in page, what
        line, column, message = problem.split(": ", 1)[0], None, problem.split(": ", 1)[1]
        if ", column " in line:
            line, column = line.split(", column ")
        assert message in page, what
        assert f'<td class="govuk-table__cell">{column}</td>' in page, what
        assert client.post(response["Location"]).status_code == 200, what
    assert DataValue.objects.count() == 0
    assert (Release.objects.count(), DataElement.objects.count()) == (releases, elements)


@pytest.mark.parametrize(("what", "row", "create", "problem"), CASES, ids=[c[0] for c in CASES])
def test_the_importer_names_the_row_the_column_and_what_was_expected(
    world, what, row, create, problem
):
    plan = plan_import(
        read_table(f"{HEADER}\n{row}\n".encode(), "f.csv"),
        partnership=world.home.partnership,
        create_elements=create,
    )
    assert [str(p) for p in plan.errors] == [problem]


def test_a_note_may_hold_tabs_and_line_breaks(world):
    text = f'{HEADER}\nS1HOME,2024,children_looked_after,12,Return,,"first\tline\nsecond"\n'
    plan = plan_import(read_table(text.encode(), "f.csv"), partnership=world.home.partnership)
    assert plan.ok, plan.errors
    assert plan.new[0].note == "first\tline\nsecond"


def test_the_release_given_for_the_whole_file_is_checked_once(world):
    rows = "".join(f"S1HOME,{year},children_looked_after,12,,,\n" for year in (2022, 2023))
    plan = plan_import(
        read_table(f"{HEADER}\n{rows}".encode(), "f.csv"),
        release="x" * 400,
        partnership=world.home.partnership,
    )
    assert [str(p) for p in plan.errors] == [
        "the release given for the whole file: expected a release name of at most 300 "
        "characters, got 400"
    ]


def test_the_upload_form_refuses_a_release_name_with_control_characters(world):
    response = post(
        world.client_for("lead"),
        f"{HEADER}\nS1HOME,2024,children_looked_after,12,,,\n".encode(),
        create=False,
        release="Quarterly\x01return",
    )
    assert response.status_code == 200
    assert "Enter a release name without control characters" in response.content.decode()
    assert ImportUpload.objects.filter(release__contains="\x01").count() == 0


def test_a_column_named_twice_is_refused_naming_it(world):
    text = "area_code,period,data_element,value,value\nS1HOME,2024,children_looked_after,12,13\n"
    plan = plan_import(read_table(text.encode(), "f.csv"), release="R")
    assert [str(p) for p in plan.errors] == [
        "line 1, column value: the header row names the column 'value' twice (columns 4 and 5): "
        "expected each column once"
    ]


def test_the_command_line_reports_hostile_cells_as_problems_and_exits_1(world, tmp_path, capsys):
    for what, row, create, problem in CASES[:1] + CASES[4:5]:
        path = tmp_path / "figures.csv"
        path.write_bytes(f"{HEADER}\n{row}\n".encode())
        for dry_run in (["--dry-run"], []):
            args = build_parser().parse_args(
                ["import-data", str(path), "--partnership", "home", *dry_run]
                + (["--create-elements"] if create else [])
            )
            assert cmd_import_data(args) == 1, what
            captured = capsys.readouterr()
            assert captured.out == ""
            assert captured.err.splitlines() == [
                f"{path}: {problem}",
                "Nothing was imported (1 problem).",
            ]
    assert DataValue.objects.count() == 0


def test_the_command_line_refuses_a_source_url_that_is_no_web_address(world, tmp_path, capsys):
    path = tmp_path / "figures.csv"
    path.write_bytes(f"{HEADER}\nS1HOME,2024,children_looked_after,12,R,,\n".encode())
    args = build_parser().parse_args(
        ["import-data", str(path), "--source-url", "https://example.org/" + "a" * 600]
    )
    assert cmd_import_data(args) == 1
    assert capsys.readouterr().err == (
        "import-data: --source-url must be at most 500 characters, not 620.\n"
    )
    assert DataValue.objects.count() == 0


SGS_HEADER = "FeatureCode,DateCode,Measurement,Units,Value,Residential Status,DataMarker"
MAPPING = """\
elements:
  - element: looked_after_total
    match: {Measurement: Count, Residential Status: All}
    period: {snapshot: "07-31"}
"""


@pytest.fixture
def official(db):
    Area.objects.create(code="S12000028", name="South Ayrshire")
    DataElement.objects.create(code="looked_after_total", name="Looked after", period_kind="day")


def test_a_statistics_gov_scot_download_is_held_to_the_same_rules(official):
    text = (
        f"{SGS_HEADER}\n"
        f"S12000028,2019,Count,Children,298,All,{'p' * 101}\n"
        "S12000028,2018,Count,Children,312,A\0ll,\n"
    )
    plan = plan_import(
        read_table(text.encode(), "f.csv"), release="SGS", mapping=load_mapping(MAPPING)
    )
    assert [str(p) for p in plan.errors] == [
        "line 3, column Residential Status: expected text without control characters, but the "
        "cell holds U+0000 (NUL) at character 2",
        "line 2, column DataMarker: expected a status of at most 100 characters (such as "
        "provisional), got 101",
    ]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            "elements:\n  - {element: 'a b/c', match: {Measurement: Count}}\n",
            "mapping entry 1: 'element': a new data element's code is made of letters, digits, "
            "hyphens and underscores only, not 'a b/c'",
        ),
        (
            "elements:\n  - {element: x, match: {Measurement: Count}, period: {kind: fortnight}}\n",
            "mapping entry 1: 'kind' is one of day, month, quarter, financial_year, year, "
            "statistical_year",
        ),
        (
            "elements:\n  - {element: x, match: {Measurement: Count}, period: {snapshot: [1]}}\n",
            "mapping entry 1: 'snapshot' is a day of the year written MM-DD",
        ),
        ("elements:\n  - {element: x, match: {}}\n", "mapping entry 1: expected 'element'"),
        (
            "elements:\n  - {element: x\n",
            "the mapping is not valid YAML at line 3, column 1: check its indentation, colons "
            "and quotes",
        ),
    ],
)
def test_a_mapping_that_cannot_be_used_is_refused_naming_its_entry(mapping, message):
    with pytest.raises(ValueError) as caught:
        load_mapping(mapping)
    assert str(caught.value).startswith(message)


def test_the_upload_form_refuses_a_mapping_that_cannot_be_used(world):
    response = world.client_for("lead").post(
        reverse("indicators:upload", args=["home"]),
        {
            "file": SimpleUploadedFile("sgs.csv", f"{SGS_HEADER}\n".encode()),
            "mapping": SimpleUploadedFile(
                "map.yaml",
                b"elements:\n  - {element: x, match: {A: b}, period: {kind: fortnight}}\n",
            ),
            "release": "SGS",
        },
    )
    assert response.status_code == 200
    assert "The mapping cannot be used: mapping entry 1: &#x27;kind&#x27; is one of" in (
        response.content.decode()
    )
    # The data file is kept for the next check (#15), never the refused mapping.
    kept = ImportUpload.objects.get(release="SGS")
    assert (kept.mapping, kept.applied_at) == ("", None)


def test_the_problems_the_docs_quote_are_the_ones_the_importer_gives():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-import.md").read_text()
    quoted = [
        line
        for line in docs.splitlines()
        if line.startswith(("line 2, column release:", "line 2, column status:"))
    ]
    assert len(quoted) == 2
    assert set(quoted) <= {problem for _, _, _, problem in CASES}


def test_the_preview_lists_the_first_100_problems_and_says_how_many_more_there_are(world):
    client = world.client_for("lead")
    rows = "\n".join(f"S1HOME,9999,children_looked_after,{n},Return,," for n in range(250))
    response = post(client, f"{HEADER}\n{rows}\n".encode(), create=False)
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Correct 250 problems in the file, then upload it again." in page
    assert "The first 100 problems, by row" in page
    assert page.count("is in the year 9999") == 100
    assert "And 150 more problems, not listed here." in page
