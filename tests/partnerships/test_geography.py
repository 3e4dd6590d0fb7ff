"""The official geography of Scotland: the register file and bringing the areas up to date."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest

from followup.audit.models import AuditEntry
from followup.lib.types import CommandLine
from followup.partnerships.actions_geography import bring_areas_up_to_date
from followup.partnerships.geography import REGISTER, RegisterError, read_register
from followup.partnerships.models import Area, Partnership

OPERATOR = CommandLine("tester")
HEADER = "# a test register\ncode,name,kind,valid_from,valid_to,successor\n"


def test_the_register_holds_the_country_32_councils_and_14_boards_with_the_codes_replaced():
    areas = read_register()
    current = [a for a in areas if a.valid_to is None]
    assert [a.kind for a in current].count("country") == 1
    assert [a.kind for a in current].count("council") == 32
    assert [a.kind for a in current].count("health_board") == 14
    replaced = {a.code: (a.valid_to, a.successor) for a in areas if a.valid_to}
    last_of_2018, last_of_2019 = datetime.date(2018, 2, 1), datetime.date(2019, 3, 31)
    assert replaced == {
        "S12000015": (last_of_2018, "S12000047"),  # Fife
        "S12000024": (last_of_2018, "S12000048"),  # Perth and Kinross
        "S12000044": (last_of_2019, "S12000050"),  # North Lanarkshire
        "S12000046": (last_of_2019, "S12000049"),  # Glasgow City
        "S08000018": (last_of_2018, "S08000029"),  # NHS Fife
        "S08000027": (last_of_2018, "S08000030"),  # NHS Tayside
        "S08000021": (last_of_2019, "S08000031"),  # NHS Greater Glasgow and Clyde
        "S08000023": (last_of_2019, "S08000032"),  # NHS Lanarkshire
    }
    by_code = {a.code: a for a in areas}
    for old, (last, new) in replaced.items():
        assert by_code[new].valid_from == last + datetime.timedelta(days=1)
        assert by_code[new].name == by_code[old].name
    assert "Open Government Licence" in REGISTER.read_text(encoding="utf-8")


def test_the_register_uses_every_council_code_the_published_statistics_use():
    demo = Path(__file__).resolve().parents[2] / "src/followup/demo/data/council_looked_after.csv"
    with demo.open(newline="", encoding="utf-8") as handle:
        used = {row["area_code"] for row in csv.DictReader(handle)}
    assert len(used) == 33
    current = {a.code for a in read_register() if a.valid_to is None}
    assert used <= current


@pytest.mark.django_db
def test_an_empty_database_gets_every_area_recorded_and_a_second_run_changes_nothing():
    changes = bring_areas_up_to_date(OPERATOR)
    assert (len(changes.added), changes.updated, changes.unchanged) == (55, [], 0)
    assert "S12000047 Fife (Council area)" in changes.added
    fife = Area.objects.get(code="S12000015")
    assert (fife.valid_from, fife.valid_to, fife.successor.code) == (
        datetime.date(1996, 4, 1),
        datetime.date(2018, 2, 1),
        "S12000047",
    )
    entry = AuditEntry.objects.get(verb="area.create", object_id=str(fife.pk))
    assert entry.changes["successor"] == [None, "Fife (S12000047)"]
    assert AuditEntry.objects.filter(verb="area.create").count() == 55
    again = bring_areas_up_to_date(OPERATOR)
    assert (again.added, again.updated, again.unchanged, again.changed) == ([], [], 55, False)
    assert AuditEntry.objects.count() == 55


@pytest.mark.django_db
def test_names_and_dates_are_updated_and_an_area_the_register_lacks_is_kept(tmp_path):
    edinburgh = Area.objects.create(code="S12000036", name="Edinburgh City", kind="other")
    ward = Area.objects.create(code="X01", name="Made-up ward", kind="other")
    Partnership.objects.create(slug="ward", name="Ward partnership", area=ward)
    changes = bring_areas_up_to_date(OPERATOR)
    assert changes.updated == [
        "S12000036 City of Edinburgh: kind other → council; name Edinburgh City → City of "
        "Edinburgh; valid_from (none) → 1996-04-01"
    ]
    assert changes.not_in_register == ["X01 Made-up ward"]
    edinburgh.refresh_from_db()
    assert (edinburgh.name, edinburgh.kind) == ("City of Edinburgh", "council")
    assert AuditEntry.objects.get(verb="area.update").changes["name"] == [
        "Edinburgh City",
        "City of Edinburgh",
    ]
    # A later release's register: a code replaced, with its successor, and a name changed.
    later = tmp_path / "register.csv"
    later.write_text(
        HEADER + "S12000036,Edinburgh,council,1996-04-01,2030-03-31,S12000099\n"
        "S12000099,City of Edinburgh,council,2030-04-01,,\n",
        encoding="utf-8",
    )
    changes = bring_areas_up_to_date(OPERATOR, later)
    assert changes.added == ["S12000099 City of Edinburgh (Council area)"]
    assert changes.updated == [
        "S12000036 Edinburgh: name City of Edinburgh → Edinburgh; successor (none) → City of "
        "Edinburgh (S12000099); valid_to (none) → 2030-03-31"
    ]
    assert Area.objects.filter(code="X01").exists()
    assert Area.objects.get(code="S12000036").successor.code == "S12000099"


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("S1,Nowhere,council,,,\n", "register.csv line 3: expected a code such as S12000028"),
        ("S12000005,Clacks,county,,,\n", "line 3: expected a kind of council, country"),
        ("S12000005,,council,,,\n", "line 3: expected a name"),
        ("S12000005,Clacks,council,1996,,\n", "line 3, valid_from: expected a date YYYY-MM-DD"),
        ("S12000005,Clacks,council,,\n", "line 3: expected 6 columns, got 5"),
        ("S12000005,Clacks,council,2000-01-01,1999-01-01,\n", "line 3: valid_to is before"),
        ("S12000005,A,council,,,\nS12000005,B,council,,,\n", "the code S12000005 is given twice"),
        ("S12000005,A,council,,2000-01-01,S12000006\n", "successor S12000006 is not in the"),
        ("S12000005,A,council,,,S12000006\nS12000006,B,council,,,\n", "has a successor but no"),
    ],
)
def test_a_register_with_a_problem_is_refused_naming_it(tmp_path, rows, problem):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(RegisterError, match=problem.replace("(", r"\(")):
        read_register(path)


def test_a_register_without_its_columns_is_refused(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("# nothing\ncode,name\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="expected the columns code,name,kind"):
        read_register(path)


@pytest.mark.django_db
def test_the_partnership_form_offers_areas_in_use_and_a_partnership_keeps_its_replaced_one():
    from followup.accounts.manage_forms import PartnershipForm, partnership_form

    bring_areas_up_to_date(OPERATOR)
    offered = {area.code for area in PartnershipForm().fields["area"].queryset}
    assert {"S12000047", "S92000003", "S08000029"} <= offered
    assert not {"S12000015", "S08000018"} & offered
    assert len(offered) == 47
    old = Partnership.objects.create(
        slug="fife", name="Fife", area=Area.objects.get(code="S12000015")
    )
    kept = {area.code for area in partnership_form(None, old).fields["area"].queryset}
    assert kept == offered | {"S12000015"}
