"""``followup --version`` and ``followup list`` (#15), run in this process against the world, with
their exact output; and an import missing its release, reported once."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from followup import cli
from followup.indicators.models import DataElement
from followup.partnerships.models import Partnership


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    args = cli.build_parser().parse_args(list(argv))
    status = int(args.handler(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_version_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"followup {version('followup')}\n"


def test_list_partnerships_prints_each_slug_area_and_name(world, capsys):
    assert run(capsys, "list", "partnerships") == (
        0,
        "SLUG  AREA    NAME\naway  S1AWAY  Awayshire\nhome  S1HOME  Homeshire\n",
        "",
    )


def test_list_reviews_prints_the_ids_report_takes(world, capsys):
    home, away = world.home.review, world.away.review
    status, out, _ = run(capsys, "list", "reviews")
    assert status == 0
    # The id column is as wide as its widest id (ids grow on PostgreSQL, whose sequences the
    # tests' rollbacks do not reset).
    width = max(2, len(str(away.pk)), len(str(home.pk)))
    assert out.splitlines() == [
        f"{'ID':<{width}}  PARTNERSHIP  STATUS  PUBLISHED  TITLE",
        f"{away.pk:<{width}}  away         draft              Progress review of Awayshire",
        f"{home.pk:<{width}}  home         draft              Progress review of Homeshire",
    ]
    status, out, _ = run(capsys, "list", "reviews", "--partnership", "home")
    width = max(2, len(str(home.pk)))
    assert out.splitlines()[1:] == [
        f"{home.pk:<{width}}  home         draft              Progress review of Homeshire"
    ]


def test_list_elements_prints_the_official_ones_and_with_a_partnership_its_own(world, capsys):
    DataElement.objects.create(
        code="referrals", name="Referrals received", period_kind="quarter", partnership=None
    )
    DataElement.objects.create(
        code="home_waits",
        name="Weeks waited",
        period_kind="month",
        is_count=False,
        partnership=world.home.partnership,
    )
    assert run(capsys, "list", "elements") == (
        0,
        "CODE                   KIND   PERIOD   WHOSE     NAME\n"
        "children_looked_after  count  year     official  Children looked after\n"
        "referrals              count  quarter  official  Referrals received\n",
        "",
    )
    assert run(capsys, "list", "elements", "--partnership", "home")[1].splitlines() == [
        "CODE                   KIND     PERIOD   WHOSE     NAME",
        "children_looked_after  count    year     official  Children looked after",
        "home_waits             measure  month    own       Weeks waited",
        "referrals              count    quarter  official  Referrals received",
    ]


def test_list_refuses_an_unknown_partnership_on_standard_error(world, capsys):
    for what in ("reviews", "elements"):
        assert run(capsys, "list", what, "--partnership", "nowhere") == (
            1,
            "",
            "list: no partnership has the slug 'nowhere'.\n",
        )


def test_list_says_when_there_is_nothing_to_list(db, capsys):
    Partnership.objects.all().delete()  # the world's, when this module has built it
    assert run(capsys, "list", "partnerships") == (
        0,
        "No partnerships yet: `followup create-partnership` adds one.\n",
        "",
    )


def test_an_import_with_no_release_reports_it_once_not_once_a_row(
    world: Any, capsys: Any, tmp_path: Path
) -> None:
    rows = "".join(
        f"S1HOME,{year},children_looked_after,{year - 2000}\n" for year in range(2015, 2025)
    )
    data = tmp_path / "figures.csv"
    data.write_text("area_code,period,data_element,value\n" + rows, encoding="utf-8")
    status, _, err = run(capsys, "import-data", str(data), "--dry-run")
    assert status == 1
    assert err == (
        f"{data}: line 2, column release: no release given on 10 rows, from this one: add a "
        "release column or give one for the whole file\n"
        "Nothing was imported (1 problem).\n"
    )
