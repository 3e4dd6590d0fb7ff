"""Counting coded evidence: codes by attribute, co-occurrence, excerpts, and the disclosure threshold."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from followup.evidence import analysis
from followup.evidence.models import Case, Code, Coding, Source
from followup.lib import disclosure


@pytest.fixture
def counted(world):
    """Six respondents: five children and young people, one member of staff, one source without
    a case. "Safe" is coded five times for children (in five sources) and once for staff."""
    partnership = world.home.partnership
    safe = Code.objects.create(partnership=partnership, name="Safe")
    heard = Code.objects.create(partnership=partnership, name="Heard")
    text = "=I feel safe here. Staff listen to me."
    for n in range(1, 7):
        group = "Staff" if n == 6 else "Child or young person"
        case = Case.objects.create(
            partnership=partnership, name=f"R{n}", attributes={"Respondent group": group}
        )
        source = Source.objects.create(
            partnership=partnership, title=f"Answer {n}", text=text, case=case
        )
        Coding.objects.create(source=source, code=safe, start=0, end=18)
        if n <= 2:
            Coding.objects.create(source=source, code=heard, start=10, end=37)
    loose = Source.objects.create(partnership=partnership, title="Loose note", text=text)
    Coding.objects.create(source=loose, code=heard, start=19, end=37)
    return partnership, safe, heard


def test_the_matrix_counts_codings_and_sources_for_each_value_of_the_attribute(counted):
    partnership, _, _ = counted
    table = analysis.matrix(partnership, "Respondent group")
    assert table.values == ["Child or young person", "Staff", "Not recorded"]
    rows = {code.name: (cells, total) for code, _, cells, total in table.rows}
    assert rows["Safe"] == (
        [analysis.Cell(5, 5), analysis.Cell(1, 1), analysis.Cell(0, 0)],
        analysis.Cell(6, 6),
    )
    assert rows["Heard"] == (
        [analysis.Cell(2, 2), analysis.Cell(0, 0), analysis.Cell(1, 1)],
        analysis.Cell(3, 3),
    )


def test_co_occurrence_counts_overlapping_passages_of_two_codes(counted):
    partnership, _, _ = counted
    codes, table = analysis.cooccurrence(partnership)
    by_name = {c.name: i for i, c in enumerate(codes)}
    # Answers 1 and 2 have Safe (0-18) overlapping Heard (10-37); the loose note's Heard (19-37)
    # touches no Safe passage.
    assert table[by_name["Safe"]][by_name["Heard"]] == 2
    assert table[by_name["Heard"]][by_name["Safe"]] == 2
    assert table[by_name["Safe"]][by_name["Safe"]] == 0


def test_excerpts_are_filtered_by_code_and_attribute_values(counted):
    partnership, safe, heard = counted
    staff = analysis.excerpts(partnership, safe, {"Respondent group": "Staff"})
    assert [(c.source.title, c.excerpt) for c in staff] == [("Answer 6", "=I feel safe here.")]
    loose = analysis.excerpts(partnership, heard, {"Respondent group": "Not recorded"})
    assert [c.source.title for c in loose] == ["Loose note"]
    assert len(analysis.excerpts(partnership, None, {})) == 10  # nine here, one of the world


def test_a_coder_sees_small_counts_marked_and_a_viewer_sees_them_withheld(world, counted):
    url = reverse("evidence:analysis", args=["home"])
    coder = world.client_for("contributor").get(url).content.decode()
    assert (
        'class="followup-small-count">1<span class="govuk-visually-hidden"> (a small count, never published)'
        in coder
    )
    viewer = world.client_for("viewer").get(url).content.decode()
    assert "followup-small-count" not in viewer
    assert "[c]" in viewer and escape(disclosure.meaning()) in viewer
    assert "A count from 1 to 4 could identify people" in disclosure.meaning()


def test_the_matrix_downloads_as_csv_with_exact_counts_for_a_coder_and_withheld_for_a_viewer(
    world, counted
):
    url = reverse("evidence:matrix_download", args=["home", "csv"]) + "?attribute=Respondent+group"
    rows = list(csv.reader(io.StringIO(world.client_for("lead").get(url).content.decode())))
    assert rows[0][:4] == [
        "Code",
        "Code path",
        "Child or young person: codings",
        "Child or young person: sources",
    ]
    safe = next(r for r in rows if r[0] == "Safe")
    assert safe[2:] == ["5", "5", "1", "1", "0", "0", "6", "6"]
    # A viewer gets what a report would publish: sources only. The one staff source is small;
    # the five children's sources go with it, or the total of 6 would give it away; five is all
    # the children there are, but a complement of 0 tells of no one.
    rows = list(csv.reader(io.StringIO(world.client_for("viewer").get(url).content.decode())))
    assert rows[0][:4] == [
        "Code",
        "Code path",
        "Child or young person: sources",
        "Staff: sources",
    ]
    safe = next(r for r in rows if r[0] == "Safe")
    assert safe[2:] == ["[c]", "[c]", "0", "6"]
    heard = next(r for r in rows if r[0] == "Heard")
    assert heard[2:] == ["[c]", "[c]", "[c]", "[c]"]  # a small total withholds its whole row


@override_settings(DISCLOSURE_THRESHOLD=5)
def test_the_threshold_setting_decides_what_is_withheld(world, counted):
    url = reverse("evidence:matrix_download", args=["home", "csv"]) + "?attribute=Respondent+group"
    rows = list(csv.reader(io.StringIO(world.client_for("viewer").get(url).content.decode())))
    safe = next(r for r in rows if r[0] == "Safe")
    assert safe[2:] == ["[c]", "[c]", "0", "6"]
    rows = list(csv.reader(io.StringIO(world.client_for("lead").get(url).content.decode())))
    safe = next(r for r in rows if r[0] == "Safe")
    assert safe[2:] == ["5", "5", "1", "1", "0", "0", "6", "6"]


def test_excerpts_download_as_xlsx_with_attributes_and_formulas_made_harmless(world, counted):
    _, safe, _ = counted
    url = reverse("evidence:excerpts_download", args=["home", "xlsx"]) + f"?code={safe.pk}"
    response = world.client_for("contributor").get(url)
    sheet = load_workbook(io.BytesIO(response.content))["Excerpts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Code", "Source", "Case", "Respondent group", "Start", "End", "Excerpt")
    assert rows[1] == (
        "Safe",
        "Answer 1",
        "R1",
        "Child or young person",
        0,
        18,
        "'=I feel safe here.",
    )
    assert len(rows) == 7


def test_the_co_occurrence_table_downloads_as_csv_with_a_dash_for_a_code_with_itself(
    world, counted
):
    url = reverse("evidence:cooccurrence_download", args=["home", "csv"])
    rows = list(csv.reader(io.StringIO(world.client_for("lead").get(url).content.decode())))
    assert rows[0][0] == "Code"
    heard = next(r for r in rows if r[0] == "Heard")
    assert heard[rows[0].index("Safe")] == "2"
    assert heard[rows[0].index("Heard")] == "–"
    assert [row[i] for i, row in enumerate(rows) if i > 0] == ["–"] * (len(rows) - 1)


def test_an_unknown_download_format_is_not_found(world, counted):
    url = reverse("evidence:excerpts_download", args=["home", "pdf"])
    assert world.client_for("lead").get(url).status_code == 404
