"""Each partnership's figures stay its own (#10): every write and every read of values, from the
outsider's side. Awayshire's own release holds figures for Homeshire's area (what the bug let it
write); Homeshire never sees them, in any page, download, preview, rule or export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_export_data, cmd_import_data
from followup.indicators.importer import apply_import, plan_import
from followup.indicators.models import DataElement, DataValue, Release, ValidationRule
from followup.indicators.plan import Change, ImportPlan
from followup.indicators.values import series
from followup.lib.tabular import read_table
from followup.lib.types import CommandLine
from followup.partnerships.models import Area, Partnership
from tests.indicators.figures import AWAY_OWN, HOME_OWN, OFFICIAL, lay_figures, put

ATTACK = b"area_code,period,data_element,value\nS1HOME,2024,children_looked_after,0\n"


@pytest.fixture
def figures(world):
    return lay_figures(world)


def upload(client, slug: str, content: bytes, release: str):
    return client.post(
        reverse("indicators:upload", args=[slug]),
        {"file": SimpleUploadedFile("figures.csv", content), "release": release},
    )


def text(content: str) -> str:
    """A page's text with tags and entities flattened, for phrases that span markup."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


# Writes


def test_the_outsiders_official_figure_for_another_partnerships_area_is_refused_naming_the_row(
    world, figures
):
    client = world.client_for("outsider")
    before = DataValue.objects.count()
    response = upload(client, "away", ATTACK, "Awayshire private release 2")
    preview = client.get(response["Location"]).content.decode()
    assert "Nothing can be imported from this file" in preview
    assert (
        "children_looked_after is an official data element: Awayshire may give figures for it "
        "only for its own area, S1AWAY (Awayshire), not for S1HOME; official statistics are "
        "imported by an administrator." in text(preview)
    )
    assert '<td class="govuk-table__cell">2</td><td class="govuk-table__cell">area_code</td>' in (
        preview
    )
    assert HOME_OWN not in preview and "36" not in text(preview)
    assert client.post(response["Location"]).status_code == 200
    assert DataValue.objects.count() == before
    assert not Release.objects.filter(name="Awayshire private release 2").exists()


def test_the_outsider_cannot_upload_or_import_at_another_partnerships_pages(world, figures):
    client = world.client_for("outsider")
    assert upload(client, "home", ATTACK, "Sneaky").status_code == 404
    url = reverse("indicators:upload_preview", args=["home", world.home.upload.pk])
    assert client.post(url).status_code == 404
    assert not DataValue.objects.filter(release__name__in=["Sneaky", "Homeshire return"]).exists()


def test_a_partnership_gives_official_figures_for_its_own_area_under_its_own_release_only(
    world, figures
):
    away = world.away.partnership
    own_row = b"area_code,period,data_element,value\nS1AWAY,2025,children_looked_after,18\n"
    refused = plan_import(read_table(own_row, "f.csv"), release=OFFICIAL, partnership=away)
    assert [str(p) for p in refused.errors] == [
        f"line 2: {OFFICIAL!r} is an official release, which holds no figure here: a "
        "partnership's own figures go under a release of its own, named unlike any official "
        "release"
    ]
    plan = plan_import(read_table(own_row, "f.csv"), release="Awayshire 2025", partnership=away)
    assert plan.ok, plan.errors
    apply_import(plan, actor=CommandLine("tests"))
    written = DataValue.objects.get(period_id="2025")
    assert (written.release.name, written.release.partnership) == ("Awayshire 2025", away)
    assert Release.objects.filter(name=OFFICIAL).count() == 1  # the official one is untouched
    indicator = world.away.indicator
    assert [p.value for p in series(indicator)] == [22, 20, 19, 18]
    twin = world.home.indicator
    assert [p.period for p in series(twin, away.area_id)] == ["2022", "2023"]


def test_a_partnership_without_an_area_gives_no_official_figures(world, figures):
    away = world.away.partnership
    away.area = None
    away.save()
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS1AWAY,2025,children_looked_after,18\n", "f.csv"
        ),
        release="R",
        partnership=away,
    )
    assert [str(p) for p in plan.errors] == [
        "line 2, column area_code: children_looked_after is an official data element: Awayshire "
        "may give no figures for it, having no area of its own, not for S1AWAY; official "
        "statistics are imported by an administrator. For figures of the partnership's own, use "
        "a data element of its own"
    ]


def test_the_refusal_the_docs_quote_is_the_one_a_partnership_gets(db):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-import.md").read_text()
    [quoted] = [line for line in docs.splitlines() if line.startswith("line 2, column area_code")]
    Area.objects.create(code="S12000028", name="South Ayrshire")
    DataElement.objects.create(
        code="looked_after_residential", name="In residential care", period_kind="day"
    )
    glenmorran = Partnership.objects.create(
        slug="glenmorran", name="Glenmorran children's services partnership"
    )
    plan = plan_import(
        read_table(
            ATTACK.replace(
                b"S1HOME,2024,children_looked_after",
                b"S12000028,2024-07-31,looked_after_residential",
            ),
            "f.csv",
        ),
        release="Glenmorran private release",
        partnership=glenmorran,
    )
    assert [str(p) for p in plan.errors] == [quoted]


def test_a_partnerships_own_data_element_holds_figures_for_any_area_that_only_it_sees(
    world, figures
):
    away = world.away.partnership
    plan = plan_import(
        read_table(b"area_code,period,data_element,value\nS1HOME,2024,waiting_list,7\n", "f.csv"),
        release="Awayshire waiting lists",
        partnership=away,
        create_elements=True,
    )
    assert plan.ok and plan.created_elements == ["waiting_list"]
    apply_import(plan, actor=CommandLine("tests"))
    element = DataElement.objects.get(code="waiting_list")
    assert element.partnership == away
    home_export = exported("--partnership", "home")
    assert "waiting_list" not in home_export
    assert "S1HOME,2024,waiting_list,7,Awayshire waiting lists" in exported("--partnership", "away")


def test_a_plan_that_skipped_the_checks_still_cannot_write_anothers_area(world, figures):
    plan = ImportPlan(layout="tidy", partnership=world.away.partnership, releases=["Forged"])
    plan.new.append(Change(2, "children_looked_after", "S1HOME", "2024", "Forged", 0))
    with pytest.raises(ValueError, match="children_looked_after is official"):
        apply_import(plan, actor=CommandLine("tests"))
    assert not Release.objects.filter(name="Forged").exists()


def test_the_command_line_refuses_a_partnerships_official_figure_for_another_area(
    world, figures, tmp_path: Path, capsys
):
    path = tmp_path / "figures.csv"
    path.write_bytes(ATTACK)
    args = build_parser().parse_args(
        ["import-data", str(path), "--partnership", "away", "--release", "Away CLI"]
    )
    assert cmd_import_data(args) == 1
    assert "official statistics are imported by an administrator" in capsys.readouterr().err
    args = build_parser().parse_args(["import-data", str(path), "--release", "Official CLI"])
    assert cmd_import_data(args) == 0  # the official-statistics path: no partnership
    written = DataValue.objects.get(release__name="Official CLI")
    assert (written.value, written.release.partnership) == (0, None)


# Reads


def test_the_indicator_page_shows_only_official_figures_and_the_partnerships_own(world, figures):
    indicator = world.home.indicator
    response = world.client_for("viewer").get(
        reverse("indicators:detail", args=["home", indicator.pk])
    )
    html = response.content.decode()
    points = response.context["analysis"].points
    assert [(p.period, p.value, p.numerator.release) for p in points] == [
        ("2022", 40, OFFICIAL),
        ("2023", 38, OFFICIAL),
        ("2024", 36, HOME_OWN),
    ]
    assert all(p.numerator.earlier == [] for p in points)  # no other partnership's "revision"
    assert AWAY_OWN not in html and "999" not in html


def test_the_benchmark_compares_only_figures_the_partnership_may_see(world, figures):
    indicator = world.home.indicator
    response = world.client_for("viewer").get(
        reverse("indicators:detail", args=["home", indicator.pk])
    )
    compared = response.context["benchmark"]
    # 2024 is Homeshire's own figure; Awayshire's own 2024 figure (19) is not Homeshire's to see,
    # so no other area has a 2024 figure and the comparison is of 2023, all official.
    assert compared.period == "2023"
    assert [(a.code, p.value) for a, p in compared.group] == [
        ("S1HOME", 38),
        ("S1THRD", 30),
        ("S1AWAY", 20),
    ]
    assert compared.rank == 1
    page = text(response.content.decode())
    assert "the highest of the 3 areas in ‘The test councils’ with a figure for 2023" in page
    assert (
        "No other area has a figure for 2024 yet, so this compares 2023, the latest period with "
        "figures to compare." in page
    )


def test_the_dashboard_shows_the_partnerships_own_latest_figure(world, figures):
    response = world.client_for("viewer").get(reverse("indicators:dashboard", args=["home"]))
    [analysis] = response.context["analyses"]
    assert (analysis.latest.period, analysis.latest.value) == ("2024", 36)
    assert AWAY_OWN not in response.content.decode()


def test_the_downloads_hold_only_official_figures_and_the_partnerships_own(world, figures):
    indicator = world.home.indicator
    client = world.client_for("viewer")
    response = client.get(reverse("indicators:download_csv", args=["home", indicator.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [(r[0], r[1], r[4], r[6]) for r in rows[1:]] == [
        ("2022", "40.0", OFFICIAL, ""),
        ("2023", "38.0", OFFICIAL, ""),
        ("2024", "36.0", HOME_OWN, ""),
    ]
    response = client.get(reverse("indicators:download_xlsx", args=["home", indicator.pk]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert AWAY_OWN not in cells and "999" not in cells


def test_the_recommendation_page_shows_only_the_partnerships_figures(world, figures):
    recommendation = world.home.recommendation
    html = (
        world.client_for("viewer")
        .get(reverse("front:recommendation", args=["home", recommendation.pk]))
        .content.decode()
    )
    assert "Looked after in Homeshire" in html
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric">36<br>'
        '<span class="govuk-body-s followup-nowrap">2024</span></td>' in html
    )  # Homeshire's own latest figure, not Awayshire's 0
    assert AWAY_OWN not in html and "999" not in html


def test_the_data_quality_page_checks_only_figures_the_partnership_may_see(world, figures):
    home = world.client_for("lead").get(reverse("indicators:quality", args=["home"]))
    assert "Passes</strong>" in home.content.decode()  # Awayshire's 999 is not Homeshire's
    away = world.client_for("outsider").get(reverse("indicators:quality", args=["away"]))
    assert "1 place where the check fails" in text(away.content.decode())  # its own 999


def test_a_preview_compares_with_official_and_own_figures_only(world, figures):
    client = world.client_for("lead")
    response = upload(
        client,
        "home",
        b"area_code,period,data_element,value\nS1HOME,2023,children_looked_after,37\n",
        "Homeshire return 2",
    )
    html = client.get(response["Location"]).content.decode()
    plan = client.get(response["Location"]).context["plan"]
    assert [(c.old_value, c.old_release, c.value) for c in plan.revisions] == [(38, OFFICIAL, 37)]
    assert AWAY_OWN not in html and "999" not in html


def test_the_outsiders_preview_never_shows_another_partnerships_release_or_figure(world, figures):
    # Homeshire's own release holds a figure for Awayshire's area (as the bug allowed).
    put(figures.home_own, figures.element, figures.away, "2023", 555)
    client = world.client_for("outsider")
    response = upload(
        client,
        "away",
        b"area_code,period,data_element,value\nS1AWAY,2023,children_looked_after,21\n",
        "Awayshire return 2",
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert [(c.old_value, c.old_release) for c in page.context["plan"].revisions] == [
        (20, OFFICIAL)
    ]
    assert HOME_OWN not in html and "555" not in html
    # Under Homeshire's release name, the same figure is new to Awayshire, not "already held".
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS1AWAY,2023,children_looked_after,7\n", "f.csv"
        ),
        release=HOME_OWN,
        partnership=world.away.partnership,
    )
    assert plan.ok and [c.old_release for c in plan.revisions] == [OFFICIAL]


def test_rules_in_a_preview_read_only_figures_the_importer_may_see(world, figures):
    population = DataElement.objects.create(
        code="children_in_area", name="Children living in the area", period_kind="year"
    )
    ValidationRule.objects.create(
        name="Looked after within the children of the area",
        left="children_looked_after",
        operator="<=",
        right="children_in_area",
    )
    put(figures.away_own, population, figures.home, "2025", 1)  # Awayshire's, for Homeshire
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS1HOME,2025,children_looked_after,36\n", "f.csv"
        ),
        release="Homeshire return 2025",
        partnership=world.home.partnership,
    )
    assert plan.ok and plan.warnings == []
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS1AWAY,2025,children_looked_after,36\n", "f.csv"
        ),
        release="Awayshire return 2025",
        partnership=world.away.partnership,
    )
    assert plan.ok  # Awayshire's own figure is for S1HOME, not S1AWAY


def test_rules_of_another_partnerships_indicator_do_not_judge_the_outsiders_file(world, figures):
    home = world.home.partnership
    numerator = DataElement.objects.create(code="seen", name="Seen", partnership=home)
    denominator = DataElement.objects.create(code="referred", name="Referred", partnership=home)
    world.home.indicator.__class__.objects.create(
        partnership=home,
        code="seen-share",
        name="Seen share",
        numerator=numerator,
        denominator=denominator,
        factor=100,
        area=figures.home,
    )
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS1AWAY,2024,seen,5\nS1AWAY,2024,referred,2\n",
            "f.csv",
        ),
        release="Awayshire counts",
        partnership=world.away.partnership,
        create_elements=True,
    )
    assert plan.ok, plan.errors  # Homeshire's "seen is part of referred" is Homeshire's alone
    plan = plan_import(
        read_table(
            b"area_code,period,data_element,value\nS1HOME,2024,seen,5\nS1HOME,2024,referred,2\n",
            "f.csv",
        ),
        release="Homeshire counts",
        partnership=home,
    )
    assert [str(p).split(":")[1].strip() for p in plan.errors] == ["seen is part of referred"]


def exported(*options: str) -> str:
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        assert cmd_export_data(build_parser().parse_args(["export-data", *options])) == 0
    return out.getvalue()


def test_export_data_writes_official_figures_and_only_the_named_partnerships_own(world, figures):
    official = exported("--all-releases")
    assert HOME_OWN not in official and AWAY_OWN not in official
    assert "S1HOME,2023,children_looked_after,38," + OFFICIAL in official
    home = exported("--partnership", "home")
    assert AWAY_OWN not in home and "999" not in home
    assert [line for line in home.splitlines() if line.startswith("S1HOME")] == [
        f"S1HOME,2022,children_looked_after,40,{OFFICIAL},,",
        f"S1HOME,2023,children_looked_after,38,{OFFICIAL},,",
        f"S1HOME,2024,children_looked_after,36,{HOME_OWN},,",
    ]
    away = exported("--partnership", "away", "--all-releases")
    assert HOME_OWN not in away and ",36," not in away
    assert f"S1HOME,2023,children_looked_after,999,{AWAY_OWN},," in away  # its own, to itself


def test_the_indicator_form_offers_only_official_and_own_data_elements(world, figures):
    DataElement.objects.create(
        code="away_secret", name="Away secret", partnership=world.away.partnership
    )
    response = world.client_for("lead").get(reverse("indicators:create", args=["home"]))
    assert "Away secret" not in response.content.decode()


SCOPED = re.compile(r"\b(DataValue|Release)\.(objects|_default_manager|_base_manager)\b")


def test_values_and_releases_are_read_only_through_the_scope_module():
    """A new reader cannot forget the scoping: only followup.indicators.scope touches the rows."""
    src = Path(__file__).resolve().parents[2] / "src" / "followup"
    offenders = [
        str(path.relative_to(src))
        for path in sorted(src.rglob("*.py"))
        if "migrations" not in path.parts
        and path.name != "scope.py"
        and SCOPED.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
