"""Imports that keep figures true (#10): rules hold for the data elements an import creates,
release names tell releases apart (and an export imports again), the preview names the releases
the rows really go to, and the admin's checks refuse rules and names that could not work."""

from __future__ import annotations

import contextlib
import html
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_export_data, cmd_import_data
from followup.indicators.importer import plan_import
from followup.indicators.models import DataElement, DataValue, Release, ValidationRule
from followup.lib.tabular import read_table
from followup.partnerships.models import Area
from tests.indicators.figures import HOME_OWN, OFFICIAL, lay_figures, put

TIDY = "area_code,period,data_element,value\n"


def table(text: str):
    return read_table(text.encode(), "f.csv")


@pytest.fixture
def figures(world):
    return lay_figures(world)


def upload(client, content: bytes, release: str, *, create: bool = False):
    data = {"file": SimpleUploadedFile("figures.csv", content), "release": release}
    if create:
        data["create_elements"] = "on"
    return client.post(reverse("indicators:upload", args=["home"]), data)


# Rules hold for the data elements an import creates


def test_an_official_rule_refuses_a_figure_of_a_data_element_the_same_file_creates(
    db, tmp_path, capsys
):
    Area.objects.create(code="S12000028", name="South Ayrshire")
    ValidationRule.objects.create(name="At most ten", left="newx", operator="<=", right="10")
    path = tmp_path / "newx.csv"
    path.write_text(TIDY + "S12000028,2023,newx,50\n")
    args = build_parser().parse_args(
        ["import-data", str(path), "--release", "NewX", "--create-elements"]
    )
    assert cmd_import_data(args) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: line 2: At most ten fails for S12000028 2023: newx = 50, 10 = 10 "
        "(expected newx <= 10)",
        "Nothing was imported (1 problem).",
    ]
    assert not DataElement.objects.filter(code="newx").exists()
    path.write_text(TIDY + "S12000028,2023,newx,5\n")
    assert cmd_import_data(args) == 0
    assert DataValue.objects.get().value == 5


def test_a_partnership_rule_checks_a_new_element_against_the_figures_it_may_see(world, figures):
    ValidationRule.objects.create(
        name="Day two within all looked after",
        left="glen_day2",
        operator="<=",
        right="children_looked_after",
        partnership=world.home.partnership,
    )
    # The outsider's own rule names the same code: it is never Homeshire's to obey.
    ValidationRule.objects.create(
        name="Awayshire's own",
        left="glen_day2",
        operator="<=",
        right="0",
        partnership=world.away.partnership,
    )
    client = world.client_for("lead")
    response = upload(
        client, TIDY.encode() + b"S1HOME,2023,glen_day2,1000\n", "Day two", create=True
    )
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Nothing can be imported from this file" in page
    assert (
        "Day two within all looked after fails for S1HOME 2023: glen_day2 = 1000, "
        "children_looked_after = 38 (expected glen_day2 <= children_looked_after)" in page
    )
    assert "Awayshire's own" not in page
    assert client.post(response["Location"]).status_code == 200
    assert not DataElement.objects.filter(code="glen_day2").exists()
    fine = upload(client, TIDY.encode() + b"S1HOME,2023,glen_day2,30\n", "Day two", create=True)
    preview = client.get(fine["Location"]).content.decode()
    assert "Data elements to create</dt>" in preview and "glen_day2 (a count)" in preview
    assert client.post(fine["Location"]).status_code == 302
    assert DataValue.objects.filter(element__code="glen_day2").get().value == 30
    assert DataElement.objects.get(code="glen_day2").is_count  # its small numbers protected


# The preview names the releases the rows go to


def test_the_preview_names_the_release_of_the_file_not_the_one_typed_in_the_form(world):
    client = world.client_for("lead")
    rows = b"area_code,period,data_element,value,release\nS1HOME,2024,children_looked_after,12,Quarterly return A\n"
    response = upload(client, rows, "Form release B")
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "figures.csv · release: Quarterly return A</span>" in page
    assert "Quarterly return A (new release)" in page
    assert "Form release B" not in page
    client.post(response["Location"])
    assert DataValue.objects.get(period_id="2024").release.name == "Quarterly return A"


# Release names tell releases apart


def test_an_official_import_may_not_take_the_name_of_a_partnerships_release(world, figures):
    plan = plan_import(
        table(
            "area_code,period,data_element,value,release\n"
            f"S1THRD,2024,children_looked_after,31,{HOME_OWN}\n"
        )
    )
    assert [str(p) for p in plan.errors] == [
        f"line 2, column release: {HOME_OWN!r} is the name of a release of Homeshire: an "
        "official release needs a name no partnership's own release has, so that the two can "
        "be told apart; choose another name"
    ]


def test_a_partnership_file_under_an_official_release_is_refused_once_naming_the_first_row(
    world, figures
):
    rows = "".join(f"S1HOME,{year},children_looked_after,{year % 100}\n" for year in (2021, 2023))
    plan = plan_import(table(TIDY + rows), release=OFFICIAL, partnership=world.home.partnership)
    assert [str(p) for p in plan.errors] == [
        f"line 2: {OFFICIAL!r} is an official release, which holds no figure here: a "
        "partnership's own figures go under a release of its own, named unlike any official "
        "release (1 more row like this one)"
    ]


def exported(*options: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cmd_export_data(build_parser().parse_args(["export-data", *options])) == 0
    return out.getvalue()


def test_a_partnerships_export_imports_again_as_unchanged_figures(world, figures, tmp_path):
    """Its official figures (an official data element sharing a code with Homeshire's own
    included) are the official releases' own, and its own figures its own: all unchanged."""
    home = world.home.partnership
    own = DataElement.objects.create(code="waiting", name="Waiting (own count)", partnership=home)
    official = DataElement.objects.create(code="waiting", name="Waiting (official)")
    put(figures.home_own, own, figures.home, "2024", 5)
    put(figures.official, official, figures.home, "2024", 7)
    text = exported("--partnership", "home", "--all-releases")
    assert f"S1HOME,2024,waiting,5,{HOME_OWN},," in text
    assert f"S1HOME,2024,waiting,7,{OFFICIAL},," in text
    plan = plan_import(table(text), partnership=home)
    assert plan.ok, plan.errors
    assert (plan.to_write, len(plan.unchanged)) == ([], len(text.splitlines()) - 1)
    assert (plan.releases, plan.official_releases) == ([HOME_OWN], [OFFICIAL])
    path = tmp_path / "home.csv"
    path.write_text(text)
    args = build_parser().parse_args(["import-data", str(path), "--partnership", "home"])
    before = DataValue.objects.count()
    assert cmd_import_data(args) == 0
    assert DataValue.objects.count() == before
    assert Release.objects.filter(name=OFFICIAL).count() == 1


def test_a_partnerships_figure_that_differs_from_the_official_release_it_names_is_refused(
    world, figures
):
    plan = plan_import(
        table(TIDY + "S1AWAY,2023,children_looked_after,21\n"),
        release=OFFICIAL,
        partnership=world.home.partnership,
    )
    assert [str(p) for p in plan.errors] == [
        f"line 2: {OFFICIAL!r} is an official release, which holds 20 here: a partnership's own "
        "figures go under a release of its own, named unlike any official release"
    ]


def test_the_admin_refuses_release_names_shared_across_official_and_own(world, figures):
    with pytest.raises(ValidationError) as caught:
        Release(name=OFFICIAL, partnership=world.home.partnership).full_clean()
    assert caught.value.message_dict["name"] == [
        "An official release has this name: a partnership's own release needs a name of its "
        "own, so that its figures can be told from the official ones"
    ]
    with pytest.raises(ValidationError) as caught:
        Release(name=HOME_OWN).full_clean()
    assert caught.value.message_dict["name"] == [
        "A release of Homeshire has this name: an official release needs a name no "
        "partnership's own release has, so that the two can be told apart"
    ]
    Release(name=HOME_OWN, partnership=world.away.partnership).full_clean()  # never seen together


def test_releases_named_like_official_ones_before_get_names_of_their_own(world, figures):
    migration = importlib.import_module(
        "followup.indicators.migrations.0007_rename_partnership_releases_named_like_official"
    )
    clash = Release.objects.create(name=OFFICIAL, partnership=world.home.partnership)
    Release.objects.create(name=f"{OFFICIAL} (Homeshire)", partnership=world.home.partnership)
    twin = Release.objects.create(name=OFFICIAL, partnership=world.away.partnership)
    migration.rename_clashing_releases(apps, None)
    clash.refresh_from_db()
    twin.refresh_from_db()
    assert clash.name == f"{OFFICIAL} (Homeshire 2)"
    assert twin.name == f"{OFFICIAL} (Awayshire)"
    assert Release.objects.get(partnership__isnull=True).name == OFFICIAL


# The admin's checks


def test_a_validation_rule_naming_no_data_element_it_can_see_is_refused(world, figures):
    DataElement.objects.create(
        code="away_only", name="Away only", partnership=world.away.partnership
    )
    rule = ValidationRule(
        name="Bad",
        left="children_looked_after + nothing",
        operator="<=",
        right="away_only",
        partnership=world.home.partnership,
    )
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert caught.value.message_dict == {
        "left": [
            "nothing is not a data element this rule can see (official ones, and the "
            "partnership's own)"
        ],
        "right": [
            "away_only is not a data element this rule can see (official ones, and the "
            "partnership's own)"
        ],
    }
    official = ValidationRule(name="Odd", left="children_looked_after *", operator="<", right="1")
    with pytest.raises(ValidationError) as caught:
        official.full_clean()
    assert caught.value.message_dict["left"][0].startswith("The expression cannot be read:")
    ValidationRule(
        name="Fine", left="children_looked_after", operator="<=", right="500"
    ).full_clean()


def test_a_partnerships_data_element_may_not_take_an_official_code(world, figures):
    element = DataElement(
        code="children_looked_after", name="Mine", partnership=world.home.partnership
    )
    with pytest.raises(ValidationError) as caught:
        element.full_clean()
    assert caught.value.message_dict["code"] == [
        "An official data element has the code children_looked_after: give the partnership's "
        "own a code of its own, so that files and exports can tell the two apart"
    ]


def test_the_indicator_form_tells_an_official_data_element_from_an_own_one_of_the_same_code(
    world, figures
):
    DataElement.objects.create(
        code="children_looked_after", name="Our own count", partnership=world.home.partnership
    )
    page = html.unescape(
        world.client_for("lead").get(reverse("indicators:create", args=["home"])).content.decode()
    )
    assert ">children_looked_after — Children looked after (official)</option>" in page
    assert ">children_looked_after — Our own count (this partnership's)</option>" in page


def test_a_broken_rule_names_the_row_of_the_data_element_it_is_about(world):
    """Two rows of one area and period, each of a data element with a rule of its own: the
    broken rule is about the second's, so the conflict names the second row, not the cell's
    first."""
    import json

    from followup.indicators.models import DataElement, ValidationRule
    from tests.api.test_data_value_sets import send, writer

    DataElement.objects.create(code="other_count", name="Other", period_kind="year")
    ValidationRule.objects.create(
        name="At most 500 others", left="other_count", operator="<=", right="500"
    )
    ValidationRule.objects.create(
        name="At most 500 children looked after",
        left="children_looked_after",
        operator="<=",
        right="500",
    )
    body = (
        "area_code,period,data_element,value\n"
        "S1HOME,2022,other_count,7\n"
        "S1HOME,2022,children_looked_after,900\n"
    )
    response = send(writer(world), body, dryRun="true", release="Return")
    conflicts = json.loads(response.content)["importSummary"]["conflicts"]
    assert [(c["row"], c["column"]) for c in conflicts] == [(3, None)]
    assert "At most 500 children looked after" in conflicts[0]["reason"]
