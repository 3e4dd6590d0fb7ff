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
        "as Ayr North team (a name with a word such as team, locality or service in it is never "
        "taken for a person's)."
    ]
    assert team not in " ".join(found)


@pytest.mark.parametrize("value", ["12/03/2015", "2015-03-12", "12 March 2015", "March 12, 2015"])
def test_a_date_in_a_free_column_is_refused_as_a_possible_date_of_birth(value):
    found = problems_of(return_csv(rows=[child(1) | {"team": value}]))
    assert found == [
        "Row 2, column team: this looks like a date (a date of birth?); expected the name of a "
        "team, such as Ayr North team (a name with a word such as team, locality or service in "
        "it is never taken for a person's)."
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


def test_a_file_without_its_heading_row_is_refused_without_repeating_a_name_date_or_chi_number():
    first_child = "Jamie Kerr,2012-03-04,0403121234,KA7 1AA,yes,no,no,no,yes,no,no,no\n"
    problems = problems_of(first_child.encode() + return_csv(3).split(b"\n", 1)[1])
    assert problems[:3] == [
        "Row 1, column 1 (heading not shown): expected only the columns of a pre-inspection "
        "return (" + ", ".join(HEADINGS) + "): leave this one out.",
        "Row 1, column 2 (heading not shown): expected only the columns of a pre-inspection "
        "return (" + ", ".join(HEADINGS) + "): leave this one out.",
        "Row 1, column 3 (heading not shown): expected only the columns of a pre-inspection "
        "return (" + ", ".join(HEADINGS) + "): leave this one out.",
    ]
    said = "\n".join(problems)
    for private in ("Jamie", "Kerr", "2012-03-04", "0403121234", "KA7"):
        assert private not in said


def test_an_identifying_heading_is_refused_without_being_repeated():
    heading = "Kerr Jamie 12 High Street Ayr KA7 1AA born 04/03/2012"
    data = return_csv(2).replace(b"team", heading.encode(), 1)
    (problem,) = problems_of(data)
    assert problem.startswith("Row 1, column 12 (heading not shown): this looks like a personal")
    assert "Kerr" not in problem and "2012" not in problem


def test_rows_are_numbered_as_a_spreadsheet_shows_them_when_a_cell_holds_a_line_break():
    rows = [child(1) | {"team": "North\nteam"}, child(2), child(3)]
    read = read_return(read_table(return_csv(rows=rows), "r.csv"), KEY)
    # In the file the first child spans lines 2 and 3; a spreadsheet shows it in row 2.
    assert [row.row for row in read] == [2, 3, 4]
    assert read[1].digest == record_digest(KEY, "SA-0002")
    bad = [child(1) | {"team": "North\nteam"}, child(2) | {"age_band": "old"}]
    assert problems_of(return_csv(rows=bad)) == [
        "Row 3, column age_band: expected an age band such as 0-4, 5-11, 12-15 or 16+."
    ]


def test_a_tables_spreadsheet_rows_count_every_record_blank_ones_too_not_its_lines():
    data = b'a,b\n1,"two\nlines"\n\n3,x\n'
    table = read_table(data, "t.csv")
    assert [line for line, _ in table.rows] == [3, 5]  # where each record ends in the file
    assert [table.sheet_row(i) for i in range(2)] == [2, 4]  # as a spreadsheet shows them
    plain = read_table(b"a,b\n1,x\n\n3,y\n", "t.csv")
    assert plain.sheet_rows == [] and [plain.sheet_row(i) for i in range(2)] == [2, 4]


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("040-312-1234", "this looks like a CHI number"),
        ("0403 12 1234", "this looks like a CHI number"),
        ("QQ123456C", "this looks like a National Insurance number"),
        ("jamie.kerr", "a record key with no digit may be a name"),
        ("JamieKerr", "a record key with no digit may be a name"),
        ("20120304", "this looks like a date (a date of birth?)"),
    ],
)
def test_a_record_key_that_may_identify_a_child_is_refused_without_repeating_it(key, said):
    (problem,) = problems_of(return_csv(rows=[child(1) | {"record_key": key}]))
    assert problem.startswith(f"Row 2, column record_key: {said}")
    assert key not in problem


@pytest.mark.parametrize("team", ["Jamie Lee Anne Kerr", "20120304", "04032012"])
def test_a_team_of_four_names_or_a_date_without_separators_is_refused(team):
    (problem,) = problems_of(return_csv(rows=[child(1) | {"team": team}]))
    assert problem.startswith("Row 2, column team: this looks like a")


@pytest.mark.parametrize("team", ["Throughcare Aftercare", "Kinship Care", "Ayr North team"])
def test_teams_named_with_the_words_of_services_are_taken(team):
    (row,) = read_return(read_table(return_csv(rows=[child(1) | {"team": team}]), "r.csv"), KEY)
    assert row.team == team


@pytest.mark.parametrize(
    "band", ["05-Nov", "Nov-05", "5 November", f"{datetime.date.today().year}-11-05"]
)
def test_an_age_band_a_spreadsheet_made_a_date_is_refused_saying_how_to_put_it_right(band):
    (problem,) = problems_of(return_csv(rows=[child(1) | {"age_band": band}]))
    assert problem.startswith(
        "Row 2, column age_band: this looks like an age band a spreadsheet turned into a date"
    )
    assert "Format the age_band column as Text" in problem


@pytest.mark.parametrize("tick", ["x", "X", "✓", "✔", "Y", "yes"])
def test_a_tick_typed_in_a_spreadsheet_marks_a_cohort(tick):
    row = child(1) | {"child_protection_register": tick}
    (read,) = read_return(read_table(return_csv(rows=[row]), "r.csv"), KEY)
    assert read.flags["register"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("CHI 0101011234", "a CHI number"),
        ("dob 12/03/2015 near the school", "a date (a date of birth?)"),
        ("near KA7 1AA", "a postcode"),
        ("Mrs Kerr said the child likes school", "a person's name"),
        ("lives at 12 High Street, Ayr", "an address"),
        ("mum is jamie.kerr@example.com", "an email address"),
        ("call 07700 900123", "a telephone number"),
        ("Seen by the Ayr North team twice in 2024", None),
        ("Plan reviewed 3 times; 40 contacts in 12 months", None),
    ],
)
def test_identifiers_in_a_free_text_are_found_and_ordinary_words_and_counts_are_not(text, found):
    from followup.records.returns import identifier_in_text

    assert identifier_in_text(text) == found
