"""Reading a pre-inspection return: what it must hold, and the refusal of anything that looks
like a name, a date of birth or another personal identifier, naming the row and the column."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from followup.lib.tabular import read_table
from followup.records.returns import (
    ReturnProblems,
    looks_like_chi,
    looks_like_date,
    looks_like_name,
    read_return,
    record_digest,
)
from tests.records.returns_data import HEADINGS, child, return_csv

KEY = b"a test key for the records tests only"


def problems_of(data: bytes, filename: str = "return.csv") -> list[str]:
    with pytest.raises(ReturnProblems) as raised:
        read_return(read_table(data, filename), KEY)
    return raised.value.messages()


def test_a_good_return_gives_each_child_with_only_the_hash_of_the_key():
    rows = read_return(read_table(return_csv(20), "return.csv"), KEY)
    assert len(rows) == 20
    first = rows[0]
    assert first.row == 2
    assert first.digest == record_digest(KEY, "SA-0001")
    assert len(first.digest) == 64 and "SA-0001" not in repr(first)
    assert first.stratum == "register"
    assert (
        first.flags["social_work"] and first.age_band == "5-11" and first.team == "Ayr South team"
    )


def test_a_child_in_several_cohorts_is_counted_in_the_first_of_them():
    row = child(11) | {"child_protection_register": "yes"}  # investigation, and the register
    (read,) = read_return(read_table(return_csv(rows=[row]), "r.csv"), KEY)
    assert read.stratum == "register"
    assert read.flags["investigation"]


@pytest.mark.parametrize(
    "heading",
    [
        "Name",
        "Forename",
        "Surname",
        "Child's name",
        "DOB",
        "Date of birth",
        "Address",
        "Postcode",
        "CHI number",
        "CHI",
    ],
)
def test_a_column_headed_like_a_personal_identifier_refuses_the_file_naming_the_column(heading):
    headings = [*HEADINGS, heading]
    rows = [child(1) | {heading: "x"}]
    found = problems_of(return_csv(rows=rows, headings=headings))
    assert found == [
        f"Row 1, column 13 ({heading}): this looks like a personal identifier (a name, a date of "
        "birth, an address, a postcode or a CHI number); expected none: a pre-inspection return "
        "holds no personal identifiers. Remove the column and upload the file again."
    ]


def test_a_team_column_named_team_name_is_the_team_not_an_identifier():
    headings = [h if h != "team" else "Team name" for h in HEADINGS]
    rows = [child(1) | {"Team name": "Girvan team"}]
    (read,) = read_return(read_table(return_csv(rows=rows, headings=headings), "r.csv"), KEY)
    assert read.team == "Girvan team"


@pytest.mark.parametrize(
    "team", ["Jamie Kerr", "Kerr, Jamie", "Mrs Kerr", "J. Kerr", "Ann Marie McLean"]
)
def test_a_team_that_looks_like_a_personal_name_is_refused_without_repeating_it(team):
    found = problems_of(return_csv(rows=[child(1), child(2) | {"team": team}]))
    assert found == [
        "Row 3, column team: this looks like a personal name; expected the name of a team, such "
        "as Ayr North team."
    ]
    assert team not in " ".join(found)


@pytest.mark.parametrize("value", ["12/03/2015", "2015-03-12", "12 March 2015", "March 12, 2015"])
def test_a_date_in_a_free_column_is_refused_as_a_possible_date_of_birth(value):
    found = problems_of(return_csv(rows=[child(1) | {"team": value}]))
    assert found == [
        "Row 2, column team: this looks like a date (a date of birth?); expected the name of a "
        "team, such as Ayr North team."
    ]


def test_a_date_of_birth_cell_in_a_workbook_is_refused():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    values = child(1)
    sheet.append([values[h] for h in HEADINGS[:-2]] + [datetime.date(2015, 3, 12), "Ayr team"])
    out = io.BytesIO()
    book.save(out)
    assert problems_of(out.getvalue(), "return.xlsx") == [
        "Row 2, column age_band: this looks like a date (a date of birth?); expected an age band "
        "such as 0-4, 12-15 or 16+."
    ]


def test_a_record_key_that_looks_like_a_chi_number_is_refused():
    found = problems_of(return_csv(rows=[child(1) | {"record_key": "1203151234"}]))
    assert found == [
        "Row 2, column record_key: this looks like a CHI number; expected a pseudonymous record key."
    ]


def test_the_same_record_key_twice_is_refused_naming_both_rows():
    found = problems_of(return_csv(rows=[child(1), child(2), child(1)]))
    assert found == [
        "Row 4, column record_key: the same record key as row 2; expected each child once."
    ]


def test_every_problem_is_listed_with_its_row_column_and_what_was_expected():
    rows = [
        child(1) | {"police": "maybe"},
        child(2) | {"age_band": "teenager"},
        child(3) | {"record_key": ""},
        child(4)
        | {
            "child_protection_register": "no",
            "investigation_not_leading_to_registration": "no",
            "care_and_risk_management": "no",
            "looked_after_at_home": "no",
        },
    ]
    assert problems_of(return_csv(rows=rows)) == [
        "Row 2, column police: expected yes or no (or blank for no).",
        "Row 3, column age_band: expected an age band such as 0-4, 5-11, 12-15 or 16+.",
        "Row 4, column record_key: expected the child's pseudonymous record key; the cell is empty.",
        "Row 5: expected at least one cohort marked yes (child_protection_register, "
        "investigation_not_leading_to_registration, care_and_risk_management, "
        "looked_after_at_home).",
    ]


def test_a_missing_or_unknown_column_is_refused():
    headings = [h for h in HEADINGS if h != "police"] + ["notes"]
    found = problems_of(return_csv(rows=[child(1) | {"notes": "fine"}], headings=headings))
    assert found[0].startswith(
        "Row 1, column 12 (notes): expected only the columns of a pre-inspection return ("
    )
    assert found[1] == "Row 1: expected the column police."


def test_an_empty_return_is_refused():
    assert problems_of(return_csv(rows=[])) == [
        "Row 2: expected a row for each child; the file has none."
    ]


def test_the_first_hundred_problems_are_listed_and_the_rest_counted():
    rows = [child(n) | {"police": "?"} for n in range(1, 131)]
    found = problems_of(return_csv(rows=rows))
    assert len(found) == 101 and found[-1] == "... and 30 more problems."


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Ayr North", False),
        ("Girvan team", False),
        ("Intake", False),
        ("Children and Families", False),
        ("Jamie Kerr", True),
        ("Dr Who", True),
        ("Ayr North 2", False),
        ("Kyle Academy", False),
        ("JAMIE KERR", True),
        ("jamie kerr", True),
        ("ayr north", False),
    ],
)
def test_what_counts_as_a_personal_name(value, name):
    assert looks_like_name(value) is name


def test_what_counts_as_a_date_or_a_chi_number():
    assert (
        looks_like_date("3/4/15") and looks_like_date("1 Jan 2016") and not looks_like_date("12-15")
    )
    assert looks_like_chi("0101151234") and not looks_like_chi("3201151234")
    assert not looks_like_chi("SA-0001")
