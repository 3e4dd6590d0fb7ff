"""Derived data elements follow their parts (#10): a total of community and residential figures
goes on when new parts arrive, is revised release by release, and a preview says what changes."""

from __future__ import annotations

import io
import textwrap
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_export_data, cmd_import_data
from followup.indicators.importer import apply_import, plan_import
from followup.indicators.models import DataElement, DataValue, Indicator, ValidationRule
from followup.indicators.values import observations, series
from followup.lib.tabular import read_table
from followup.lib.types import CommandLine
from followup.partnerships.models import Area, Partnership

PARTS = textwrap.dedent(
    """\
    area_code,period,data_element,value
    S12000028,2019-07-31,community,310
    S12000028,2019-07-31,residential,35
    S12000028,2020-07-31,community,271
    S12000028,2020-07-31,residential,29
    """
)


@pytest.fixture
def share(db) -> Indicator:
    area = Area.objects.create(code="S12000028", name="South Ayrshire")
    partnership = Partnership.objects.create(slug="sa", name="South Ayrshire", area=area)
    for code in ("community", "residential"):
        DataElement.objects.create(code=code, name=code, period_kind="day")
    total = DataElement.objects.create(
        code="total",
        name="Community plus residential",
        period_kind="day",
        formula="community + residential",
    )
    total.full_clean()
    return Indicator.objects.create(
        partnership=partnership,
        code="residential-share",
        name="Residential share",
        numerator=DataElement.objects.get(code="residential"),
        denominator=total,
        factor=100,
        area=area,
    )


def load(text: str, release: str, partnership: Partnership | None = None):
    plan = plan_import(read_table(text.encode(), "f.csv"), release=release, partnership=partnership)
    assert plan.ok, plan.errors
    apply_import(plan, actor=CommandLine("tests"))
    return plan


def test_a_derived_total_follows_new_parts_and_the_percentage_on_it_goes_on(share):
    first = load(PARTS, "LGBF 2022")
    assert [(c.area, c.period, c.old_value, c.value) for c in first.derived] == [
        ("S12000028", "2019-07-31", None, 345),
        ("S12000028", "2020-07-31", None, 300),
    ]
    assert [(p.period, p.value) for p in series(share)] == [
        ("2019-07-31", 35 / 345 * 100),
        ("2020-07-31", 29 / 300 * 100),
    ]
    later = "area_code,period,data_element,value\nS12000028,2021-07-31,community,280\nS12000028,2021-07-31,residential,20\n"
    plan = load(later, "LGBF 2023")
    assert plan.summary() == (
        "2 new, 0 revised, 0 confirmed by another release, 0 unchanged; derived figures that "
        "change: 1 (total for S12000028)"
    )
    assert [p.value for p in series(share)][-1] == 20 / 300 * 100
    assert not DataValue.objects.filter(element__code="total").exists()  # worked out, not stored


def test_a_revised_part_revises_the_derived_figure_release_by_release(share):
    load(PARTS, "LGBF 2022")
    plan = load(
        "area_code,period,data_element,value\nS12000028,2020-07-31,community,276\n", "LGBF 2023"
    )
    assert [(c.period, c.old_value, c.value, c.release) for c in plan.derived] == [
        ("2020-07-31", 300, 305, "LGBF 2023")
    ]
    total = DataElement.objects.get(code="total")
    seen = observations([total.pk], [share.area_id], partnership=None)
    latest = seen[(total.pk, share.area_id, "2020-07-31")]
    assert (latest.value, latest.release, latest.status, latest.earlier) == (
        305,
        "LGBF 2023",
        "derived",
        [(300, "LGBF 2022")],
    )
    assert latest.revised
    assert seen[(total.pk, share.area_id, "2019-07-31")].earlier == []
    # A release that only confirms a part leaves the derived figure as it was: nothing listed.
    plan = load(
        "area_code,period,data_element,value\nS12000028,2020-07-31,residential,29\n", "LGBF 2024"
    )
    assert plan.derived == [] and len(plan.confirmations) == 1


def test_a_file_cannot_give_a_derived_figure(share):
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS12000028,2020-07-31,total,300\n", "f.csv"
        ),
        release="R",
    )
    assert [str(p) for p in plan.errors] == [
        "line 2, column data_element: total is derived (community + residential): Followup works "
        "it out from its parts, so a file cannot give it; import the parts"
    ]


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("community + unknown", "total: the formula names 'unknown', no known data element"),
        ("community + total", "total: the formula cannot name the element itself"),
        ("community + yearly", "total: yearly has periods of kind year, not day"),
        ("2 + 3", "total: the formula must name at least one data element"),
        ("community * 2", "total: cannot read '* 2'"),
        ("community + secret", "total: the formula names 'secret', no known data element"),
    ],
)
def test_a_formula_names_visible_plain_elements_of_its_period_kind(share, formula, message):
    DataElement.objects.create(code="yearly", name="yearly", period_kind="year")
    DataElement.objects.create(
        code="secret", name="secret", period_kind="day", partnership=share.partnership
    )
    total = DataElement.objects.get(code="total")
    total.formula = formula
    with pytest.raises(ValidationError) as caught:
        total.full_clean()
    assert caught.value.message_dict["formula"][0].startswith(message)


def test_a_part_of_a_formula_cannot_become_derived_itself(share):
    community = DataElement.objects.get(code="community")
    community.formula = "residential + 1"
    with pytest.raises(ValidationError) as caught:
        community.full_clean()
    assert caught.value.message_dict["formula"] == [
        "total adds up community, so community cannot be derived"
    ]


def test_rules_judge_derived_figures_worked_out_with_the_file(share):
    ValidationRule.objects.create(
        name="A plausible total", left="total", operator="<=", right="400"
    )
    load(PARTS, "LGBF 2022")
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS12000028,2020-07-31,community,380\n", "f.csv"
        ),
        release="LGBF 2023",
    )
    assert [str(p) for p in plan.errors] == [
        "line 2: A plausible total fails for S12000028 2020-07-31: total = 409, 400 = 400 "
        "(expected total <= 400)"
    ]


def test_each_reader_sees_the_derived_figure_of_the_parts_it_may_see(share):
    load(PARTS, "LGBF 2022")
    partnership = share.partnership
    own = "area_code,period,data_element,value\nS12000028,2021-07-31,community,280\nS12000028,2021-07-31,residential,20\n"
    plan = load(own, "South Ayrshire's own count", partnership)
    assert [(c.period, c.value) for c in plan.derived] == [("2021-07-31", 300)]
    total = DataElement.objects.get(code="total")
    mine = observations([total.pk], [share.area_id], partnership=partnership)
    assert mine[(total.pk, share.area_id, "2021-07-31")].release == "South Ayrshire's own count"
    other = Partnership.objects.create(slug="other", name="Other")
    theirs = observations([total.pk], [share.area_id], partnership=other)
    assert sorted(p for (_, _, p) in theirs) == ["2019-07-31", "2020-07-31"]


def test_the_preview_page_lists_the_derived_series_an_upload_changes(world):
    for code in ("community", "residential"):
        DataElement.objects.create(code=code, name=code, period_kind="year")
    DataElement.objects.create(
        code="total", name="Total", period_kind="year", formula="community + residential"
    )
    client = world.client_for("editor")
    response = client.post(
        reverse("indicators:upload", args=["home"]),
        {
            "file": SimpleUploadedFile(
                "f.csv",
                b"area_code,period,data_element,value\nS1HOME,2024,community,30\nS1HOME,2024,residential,4\n",
            ),
            "release": "Homeshire return 2024",
        },
    )
    html = client.get(response["Location"]).content.decode()
    assert "Derived figures this import changes" in html
    assert "so importing this file changes these series too: total for S1HOME." in html
    assert (
        '<td class="govuk-table__cell">total</td><td class="govuk-table__cell">S1HOME</td>'
        '<td class="govuk-table__cell followup-nowrap">2024</td><td class="govuk-table__cell '
        'govuk-table__cell--numeric">No figure</td><td class="govuk-table__cell '
        'govuk-table__cell--numeric">34</td>' in html
    )


def test_the_command_line_says_which_derived_figures_change_and_export_leaves_them_out(
    share, tmp_path: Path, capsys
):
    path = tmp_path / "parts.csv"
    path.write_text(PARTS, encoding="utf-8")
    args = build_parser().parse_args(["import-data", str(path), "--release", "LGBF 2022"])
    assert cmd_import_data(args) == 0
    out = capsys.readouterr().out
    assert "  derived: total S12000028 2019-07-31: no figure -> 345\n" in out
    exported = io.StringIO()
    with redirect_stdout(exported):
        assert cmd_export_data(build_parser().parse_args(["export-data"])) == 0
    assert [line.split(",")[2] for line in exported.getvalue().splitlines()[1:]] == [
        "community",
        "community",
        "residential",
        "residential",
    ]
