from __future__ import annotations

import io
import textwrap
from typing import NamedTuple

import pytest

from followup.cli import build_parser
from followup.indicators.export import values_for_export, write_tidy
from followup.indicators.importer import apply_import, load_mapping, plan_import
from followup.indicators.models import DataElement, DataValue, Release
from followup.lib.tabular import read_table
from followup.lib.types import CommandLine
from followup.partnerships.models import Area

OPERATOR = CommandLine("tests")

TIDY = textwrap.dedent(
    """\
    area_code,period,data_element,value
    S12000028,2018-07-31,looked_after_total,312
    S12000028,2019-07-31,looked_after_total,298
    S92000003,2018-07-31,looked_after_total,14738
    S92000003,2019-07-31,looked_after_total,14015
    """
)

SGS = textwrap.dedent(
    """\
    FeatureCode,DateCode,Measurement,Units,Value,Residential Status,DataMarker
    S12000028,2018,Count,Children,312,All,
    S12000028,2019,Count,Children,298,All,
    S92000003,2018,Count,Children,14738,All,
    S92000003,2019,Count,Children,14015,All,
    S92000003,2019,Ratio,Per 1000 Children,14.0,All,
    S12000028,2019,Count,Children,200,In the community,
    """
)

MAPPING = textwrap.dedent(
    """\
    dataset: looked-after-children
    elements:
      - element: looked_after_total
        match: {Measurement: Count, Residential Status: All}
        period: {snapshot: "07-31"}
    """
)


@pytest.fixture
def areas(db):
    Area.objects.create(code="S12000028", name="South Ayrshire")
    Area.objects.create(code="S92000003", name="Scotland", kind="country")
    DataElement.objects.create(
        code="looked_after_total", name="Children looked after at 31 July", period_kind="day"
    )
    DataElement.objects.create(
        code="looked_after_residential",
        name="Children looked after in residential care",
        period_kind="day",
    )


def table(text: str, name: str = "data.csv"):
    return read_table(text.encode(), name)


def exported(all_releases: bool = False) -> str:
    out = io.StringIO()
    write_tidy(out, values_for_export(partnership=None, all_releases=all_releases))
    return out.getvalue()


def test_a_tidy_file_imports_and_importing_it_again_changes_nothing(areas):
    plan = plan_import(table(TIDY), release="CSWS 2018-19")
    assert plan.ok, plan.errors
    assert (len(plan.new), len(plan.revisions), len(plan.unchanged)) == (4, 0, 0)
    apply_import(plan, actor=OPERATOR)
    again = plan_import(table(TIDY), release="CSWS 2018-19")
    assert (
        len(again.new),
        len(again.revisions),
        len(again.confirmations),
        len(again.unchanged),
    ) == (0, 0, 0, 4)
    apply_import(again, actor=OPERATOR)
    assert DataValue.objects.count() == 4


def test_the_tidy_export_writes_every_figure_exactly_so_it_imports_back_unchanged(areas):
    text = (
        "area_code,period,data_element,value\n"
        "S12000028,2019-07-31,looked_after_total,1234567\n"
        "S12000028,2020-07-31,looked_after_total,1234567.25\n"
    )
    DataElement.objects.filter(code="looked_after_total").update(is_count=False)
    apply_import(plan_import(table(text), release="Big"), actor=OPERATOR)
    written = exported()
    assert written.splitlines()[1:] == [
        "S12000028,2019-07-31,looked_after_total,1234567,Big,,",
        "S12000028,2020-07-31,looked_after_total,1234567.25,Big,,",
    ]
    again = plan_import(table(written))
    assert (len(again.new), len(again.revisions), len(again.unchanged)) == (0, 0, 2)


def test_a_statistics_gov_scot_download_and_a_tidy_file_of_the_same_figures_give_the_same_values(
    areas,
):
    plan = plan_import(
        table(SGS), release="statistics.gov.scot 2020", mapping=load_mapping(MAPPING)
    )
    assert plan.ok, plan.errors
    assert plan.ignored == 2  # the ratio and the community rows are other measures
    apply_import(plan, actor=OPERATOR)
    from_sgs = exported().splitlines()
    DataValue.objects.all().delete()
    apply_import(plan_import(table(TIDY), release="statistics.gov.scot 2020"), actor=OPERATOR)
    assert exported().splitlines() == from_sgs
    assert from_sgs[1] == "S12000028,2018-07-31,looked_after_total,312,statistics.gov.scot 2020,,"


def test_a_later_release_that_revises_a_value_is_a_revision_and_both_values_are_kept(areas):
    apply_import(plan_import(table(TIDY), release="CSWS 2018-19 (first estimate)"), actor=OPERATOR)
    Release.objects.filter(name="CSWS 2018-19 (first estimate)").update(published_on="2020-03-03")
    revised = TIDY.replace(
        "S92000003,2019-07-31,looked_after_total,14015",
        "S92000003,2019-07-31,looked_after_total,14262",
    )
    plan = plan_import(table(revised), release="CSWS 2018-19 (republished)")
    assert [(c.area, c.period, c.old_value, c.old_release, c.value) for c in plan.revisions] == [
        ("S92000003", "2019-07-31", 14015.0, "CSWS 2018-19 (first estimate)", 14262.0)
    ]
    assert len(plan.confirmations) == 3
    apply_import(plan, actor=OPERATOR)
    latest = [line for line in exported().splitlines() if line.startswith("S92000003,2019-07-31")]
    assert latest == ["S92000003,2019-07-31,looked_after_total,14262,CSWS 2018-19 (republished),,"]
    both = [
        line
        for line in exported(all_releases=True).splitlines()
        if line.startswith("S92000003,2019-07-31")
    ]
    assert both == [
        "S92000003,2019-07-31,looked_after_total,14015,CSWS 2018-19 (first estimate),,",
        "S92000003,2019-07-31,looked_after_total,14262,CSWS 2018-19 (republished),,",
    ]


BAD = textwrap.dedent(
    """\
    area_code,period,data_element,value
    S12000028,2018-07-31,looked_after_total,312
    S99999999,2018-07-31,looked_after_total,10
    S12000028,2018-13-31,looked_after_total,10
    S12000028,2017-07-31,looked_after_total,many
    S12000028,2016-07-31,looked_after_total,-4
    S12000028,2015-07-31,looked_after_total,2.5
    S12000028,2018-07-31,looked_after_total,312
    S12000028,2018-07-31,no_such_element,3
    S12000028,2018,looked_after_total,3
    """
)


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_imported(areas):
    plan = plan_import(table(BAD), release="R1")
    assert [str(p) for p in plan.errors] == [
        "line 3, column area_code: unknown area code 'S99999999'",
        "line 4, column period: '2018-13-31' is not a real date",
        "line 5, column value: expected a number, got 'many'",
        "line 6, column value: looked_after_total is a count: expected a whole number of 0 or more, got -4",
        "line 7, column value: looked_after_total is a count: expected a whole number of 0 or more, got 2.5",
        "line 8: repeats line 2 (same data element, area, period and release)",
        "line 9, column data_element: unknown data element 'no_such_element' (create it first, or allow creating data elements)",
        "line 10, column period: cannot read '2018' as a day (YYYY-MM-DD)",
    ]
    with pytest.raises(ValueError):
        apply_import(plan, actor=OPERATOR)
    assert DataValue.objects.count() == 0


def test_a_changed_figure_under_the_same_release_is_refused(areas):
    apply_import(plan_import(table(TIDY), release="R1"), actor=OPERATOR)
    changed = TIDY.replace(",312", ",313")
    plan = plan_import(table(changed), release="R1")
    assert [str(p) for p in plan.errors] == [
        "line 2, column value: release 'R1' already holds 312 here; a changed figure needs a new release"
    ]


def test_a_file_with_no_release_anywhere_is_refused_with_the_missing_release_reported_once(areas):
    plan = plan_import(table(TIDY))
    rows = len(TIDY.strip().splitlines()) - 1
    assert [str(p) for p in plan.errors] == [
        f"line 2, column release: no release given on {rows} rows, from this one: add a release "
        "column or give one for the whole file"
    ]


def test_rows_without_a_release_among_rows_with_one_are_reported_once(areas):
    text = (
        "area_code,period,data_element,value,release\n"
        "S12000028,2023Q1,referrals,41,MI return\n"
        "S12000028,2023Q2,referrals,42,\n"
        "S12000028,2023Q3,referrals,43,\n"
    )
    plan = plan_import(table(text), create_elements=True)
    assert [str(p) for p in plan.errors] == [
        "line 3, column release: no release given on 2 rows, from this one: add a release "
        "column or give one for the whole file"
    ]


def test_unknown_data_elements_are_created_only_when_asked_and_are_listed(areas):
    text = "area_code,period,data_element,value,release\nS12000028,2023Q1,referrals,41,MI return\n"
    assert not plan_import(table(text)).ok
    plan = plan_import(table(text), create_elements=True)
    assert plan.ok and plan.created_elements == ["referrals"]
    assert "data elements to create: referrals (a count)" in plan.summary()
    apply_import(plan, actor=OPERATOR)
    element = DataElement.objects.get(code="referrals")
    assert (element.period_kind, element.is_count) == ("quarter", True)


def test_a_created_data_element_is_a_count_unless_a_figure_is_no_whole_number_of_0_or_more(
    areas,
):
    """A count's small numbers are withheld from viewers and in reports: a data element made by
    the import is one unless its figures show it cannot be (a fraction, a negative)."""
    text = (
        "area_code,period,data_element,value,release\n"
        "S12000028,2023,registrations,3,MI return\n"
        "S12000028,2024,registrations,0,MI return\n"
        "S12000028,2023,rate_per_1000,2.5,MI return\n"
        "S12000028,2024,rate_per_1000,3,MI return\n"
        "S12000028,2023,net_change,-4,MI return\n"
    )
    plan = plan_import(table(text), create_elements=True)
    assert plan.ok
    assert plan.summary().endswith(
        "data elements to create: registrations (a count), rate_per_1000 (a measure), "
        "net_change (a measure)"
    )
    apply_import(plan, actor=OPERATOR)
    kinds = dict(DataElement.objects.values_list("code", "is_count"))
    assert (kinds["registrations"], kinds["rate_per_1000"], kinds["net_change"]) == (
        True,
        False,
        False,
    )


def test_a_header_row_of_neither_layout_is_refused():
    plan = plan_import(table("area,when,what,amount\nS12000028,2020,x,1\n"))
    assert not plan.ok
    assert str(plan.errors[0]).startswith("line 1: the header row matches neither layout")


def test_an_xlsx_file_imports_like_the_csv(areas, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in TIDY.splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in line.split(",")])
    path = tmp_path / "data.xlsx"
    book.save(path)
    plan = plan_import(read_table(path.read_bytes(), "data.xlsx"), release="R1")
    assert plan.ok, plan.errors
    assert [(c.line, c.area, c.period, c.value) for c in plan.new][:2] == [
        (2, "S12000028", "2018-07-31", 312.0),
        (3, "S12000028", "2019-07-31", 298.0),
    ]


class Ran(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def test_the_command_line_dry_run_shows_revisions_and_a_bad_file_exits_non_zero(
    db, tmp_path, capsys, monkeypatch
):
    """``followup import-data`` and ``export-data`` as the command runs them, in this process
    (tests/core/test_cli.py runs the command in processes of its own)."""

    def run(*argv: str) -> Ran:
        args = build_parser().parse_args(argv)
        code = args.handler(args)
        return Ran(code, *capsys.readouterr())

    monkeypatch.chdir(tmp_path)
    Area.objects.create(code="S12000028", name="South Ayrshire")
    Area.objects.create(code="S92000003", name="Scotland")
    DataElement.objects.create(code="looked_after_total", name="Looked after", period_kind="day")
    (tmp_path / "first.csv").write_text(TIDY)
    (tmp_path / "second.csv").write_text(TIDY.replace(",14015", ",14262"))
    (tmp_path / "bad.csv").write_text(BAD)
    first = run("import-data", "first.csv", "--release", "First estimate")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == "Imported 4 values."
    dry = run("import-data", "second.csv", "--release", "Republished", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        "  revision: looked_after_total S92000003 2019-07-31: 14015 (First estimate) -> 14262 (Republished)"
        in dry.stdout
    )
    assert dry.stdout.splitlines()[-1] == "Dry run: nothing was imported."
    bad = run("import-data", "bad.csv", "--release", "Bad")
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert (
        bad.stderr.splitlines()[0]
        == "bad.csv: line 3, column area_code: unknown area code 'S99999999'"
    )
    assert bad.stderr.splitlines()[-1] == "Nothing was imported (8 problems)."
    export = run("export-data", "--area", "S92000003")
    assert export.stdout.splitlines() == [
        "area_code,period,data_element,value,release,status,note",
        "S92000003,2018-07-31,looked_after_total,14738,First estimate,,",
        "S92000003,2019-07-31,looked_after_total,14015,First estimate,,",
    ]


def test_a_validation_rule_refuses_a_part_larger_than_its_whole_naming_the_row(areas):
    from followup.indicators.models import ValidationRule

    ValidationRule.objects.create(
        name="Residential within all looked after",
        left="looked_after_residential",
        operator="<=",
        right="looked_after_total",
    )
    apply_import(plan_import(table(TIDY), release="R1"), actor=OPERATOR)
    bad = "area_code,period,data_element,value\nS12000028,2019-07-31,looked_after_residential,400\n"
    plan = plan_import(table(bad), release="R2")
    assert [str(p) for p in plan.errors] == [
        "line 2: Residential within all looked after fails for S12000028 2019-07-31: "
        "looked_after_residential = 400, looked_after_total = 298 "
        "(expected looked_after_residential <= looked_after_total)"
    ]
    good = "area_code,period,data_element,value\nS12000028,2019-07-31,looked_after_residential,40\n"
    assert plan_import(table(good), release="R2").ok


def test_a_warning_rule_lets_the_import_go_ahead_and_says_why(areas):
    from followup.indicators.models import ValidationRule

    ValidationRule.objects.create(
        name="Scotland above any council",
        left="looked_after_total",
        operator=">=",
        right="5000",
        severity="warning",
    )
    plan = plan_import(table(TIDY), release="R1")
    assert plan.ok
    assert [str(w) for w in plan.warnings] == [
        "line 2: Scotland above any council fails for S12000028 2018-07-31: looked_after_total = 312, 5000 = 5000 (expected looked_after_total >= 5000)",
        "line 3: Scotland above any council fails for S12000028 2019-07-31: looked_after_total = 298, 5000 = 5000 (expected looked_after_total >= 5000)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the expression is empty"),
        ("a + * b", "cannot read '+ * b'"),
        ("a b", "cannot read 'b'"),
    ],
)
def test_expressions_that_cannot_be_read_say_where(text, message):
    from followup.indicators.rules import parse_expression

    with pytest.raises(ValueError) as caught:
        parse_expression(text)
    assert str(caught.value).startswith(message)


def test_a_proportion_indicator_makes_a_numerator_above_its_denominator_a_bad_row(areas):
    from followup.indicators.models import Indicator
    from followup.partnerships.models import Partnership

    partnership = Partnership.objects.create(slug="p", name="P")
    Indicator.objects.create(
        partnership=partnership,
        code="residential-share",
        name="Residential share",
        numerator=DataElement.objects.get(code="looked_after_residential"),
        denominator=DataElement.objects.get(code="looked_after_total"),
        factor=100,
        area=Area.objects.get(code="S12000028"),
    )
    text = TIDY + "S12000028,2019-07-31,looked_after_residential,300\n"
    plan = plan_import(table(text), release="R1")
    assert [str(p) for p in plan.errors] == [
        "line 3: looked_after_residential is part of looked_after_total: a numerator cannot be above its "
        "denominator fails for S12000028 2019-07-31: looked_after_residential = 300, looked_after_total = 298 "
        "(expected looked_after_residential <= looked_after_total)"
    ]
