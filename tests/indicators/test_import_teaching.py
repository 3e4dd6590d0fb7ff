"""Importing that teaches itself (#15): the data elements page and its templates, the tidy
download that imports back unchanged (withheld figures staying withheld), required fields
marked, the chosen file kept across a failed check, and the preview's rows."""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from followup.indicators import actions
from followup.indicators.models import DataElement, DataValue, ImportUpload, Release
from tests.browserlike import page_form
from tests.indicators.figures import year_period

COLUMNS = ["area_code", "period", "data_element", "value", "release", "status", "note"]


def rows_of(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def upload(client: Any, content: bytes, changes: dict[str, str], name: str = "back.csv") -> Any:
    """Open the import page, fill it as a user would, choose the file and press the button."""
    url = reverse("indicators:upload", args=["home"])
    form = page_form(client.get(url).content.decode())
    data: dict[str, Any] = form.data()
    data.update({key: [value] for key, value in changes.items()})
    if content:
        data["file"] = SimpleUploadedFile(name, content)
    return client.post(url, data)


@pytest.fixture
def figures(world: Any) -> Any:
    """The world's count indicator (children looked after, Homeshire): official figures of 30,
    3 and 29 for 2021 to 2023 ("Return 2024", 3 a small count), 28 for 2023 first published in
    "Return 2023", and Homeshire's own 2024 figure of 27."""
    count = world.home.indicator
    first = Release.objects.create(name="Return 2023", published_on=datetime.date(2023, 6, 1))
    second = Release.objects.create(name="Return 2024", published_on=datetime.date(2024, 6, 1))
    own = Release.objects.create(name="Homeshire return", partnership=world.home.partnership)
    for release, year, value in [
        (first, 2023, 28),
        (second, 2021, 30),
        (second, 2022, 3),
        (second, 2023, 29),
        (own, 2024, 27),
    ]:
        DataValue.objects.create(
            element=count.numerator,
            area=count.area,
            period=year_period(year),
            release=release,
            value=value,
            status="provisional" if year == 2024 else "",
        )
    return count


def test_the_elements_page_lists_codes_kinds_and_periods_with_a_template_each(world):
    DataElement.objects.create(
        code="home_waits",
        name="Weeks waited",
        period_kind="month",
        is_count=False,
        partnership=world.home.partnership,
    )
    DataElement.objects.create(
        code="away_only", name="Away's own", partnership=world.away.partnership
    )
    response = world.client_for("viewer").get(reverse("indicators:elements", args=["home"]))
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('id="elements-table"') : html.index("</table>")]
    cells = [
        [
            re.sub(r"<[^>]+>", "", cell)
            for cell in re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row)
        ][:4]
        for row in table.split('<tr class="govuk-table__row">')[2:]
    ]
    assert cells == [
        ["children_looked_after", "Children looked after", "Count", "a calendar year (YYYY)"],
        ["home_waits", "Weeks waited", "Measure", "a month (YYYY-MM)"],
    ]
    assert "away_only" not in html
    element = DataElement.objects.get(code="home_waits")
    assert reverse("indicators:element_template", args=["home", element.pk]) in html


def test_an_elements_template_has_the_tidy_header_and_the_codes_filled_in(world):
    element = world.home.indicator.numerator
    url = reverse("indicators:element_template", args=["home", element.pk])
    response = world.client_for("viewer").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="children_looked_after-template.csv"'
    )
    assert rows_of(response) == [
        ["area_code", "period", "data_element", "value"],
        ["S1HOME", "", "children_looked_after", ""],
    ]


def test_a_template_imported_unfilled_imports_nothing_and_names_the_empty_cells(world):
    element = world.home.indicator.numerator
    client = world.client_for("lead")
    template = client.get(reverse("indicators:element_template", args=["home", element.pk]))
    response = upload(client, template.content, {"release": "Return"})
    html = client.get(response["Location"]).content.decode()
    assert "Nothing can be imported from this file" in html
    assert DataValue.objects.count() == 0


def test_outsider_gets_404_for_the_elements_page_and_templates(world):
    element = world.home.indicator.numerator
    outsider = world.client_for("outsider")
    assert outsider.get(reverse("indicators:elements", args=["home"])).status_code == 404
    url = reverse("indicators:element_template", args=["home", element.pk])
    assert outsider.get(url).status_code == 404
    away_own = DataElement.objects.create(
        code="away_only", name="Away's own", partnership=world.away.partnership
    )
    url = reverse("indicators:element_template", args=["home", away_own.pk])
    assert world.client_for("lead").get(url).status_code == 404


def test_the_tidy_download_holds_each_figures_latest_release(world, figures):
    url = reverse("indicators:tidy_csv", args=["home", figures.pk])
    response = world.client_for("lead").get(url)
    assert response.status_code == 200
    assert rows_of(response) == [
        COLUMNS,
        ["S1HOME", "2021", "children_looked_after", "30", "Return 2024", "", ""],
        ["S1HOME", "2022", "children_looked_after", "3", "Return 2024", "", ""],
        ["S1HOME", "2023", "children_looked_after", "29", "Return 2024", "", ""],
        ["S1HOME", "2024", "children_looked_after", "27", "Homeshire return", "provisional", ""],
    ]
    book = load_workbook(io.BytesIO(world.client_for("lead").get(url[:-3] + "xlsx").content))
    assert list(book.active.iter_rows(values_only=True))[2] == (
        "S1HOME",
        "2022",
        "children_looked_after",
        3,
        "Return 2024",
        None,
        None,
    )


def test_a_viewers_tidy_download_keeps_small_counts_withheld(world, figures):
    url = reverse("indicators:tidy_csv", args=["home", figures.pk])
    rows = rows_of(world.client_for("viewer").get(url))
    assert [row[3] for row in rows[1:]] == ["30", "[c]", "29", "27"]
    xlsx = world.client_for("viewer").get(url[:-3] + "xlsx")
    values = [
        row[3] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    ]
    assert values == ["value", 30, "[c]", 29, 27]


@pytest.mark.parametrize("who", ["lead", "viewer"])
def test_a_tidy_download_imported_again_changes_nothing(world, figures, who):
    downloaded = world.client_for(who).get(
        reverse("indicators:tidy_csv", args=["home", figures.pk])
    )
    before = sorted(DataValue.objects.values_list("period_id", "value", "release__name"))
    client = world.client_for("lead")
    # Every row of the download names its release, so the form's release may be left empty.
    response = upload(client, downloaded.content, {"release": ""})
    assert response.status_code == 302
    staged = ImportUpload.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    plan = actions.preview_upload(world.users["lead"], staged)
    assert plan.ok
    assert (len(plan.new), len(plan.revisions), len(plan.confirmations)) == (0, 0, 0)
    assert plan.official_releases == ["Return 2024"]
    withheld = 1 if who == "viewer" else 0
    assert plan.ignored == withheld
    assert [str(w) for w in plan.warnings] == (
        ["line 3, column value: value '[c]' is not available (suppressed); row skipped"]
        if withheld
        else []
    )
    html = client.get(response["Location"]).content.decode()
    assert "Import 0 figures" in html
    client.post(response["Location"])
    after = sorted(DataValue.objects.values_list("period_id", "value", "release__name"))
    assert after == before


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_outsider_gets_404_for_the_tidy_download(world, figures, kind):
    url = reverse(f"indicators:tidy_{kind}", args=["home", figures.pk])
    assert world.client_for("outsider").get(url).status_code == 404


def test_the_import_page_marks_the_optional_field_and_explains_the_required_release(world):
    html = (
        world.client_for("lead").get(reverse("indicators:upload", args=["home"])).content.decode()
    )
    assert ">Mapping (optional)</label>" in html
    assert ">Release (optional if every row of the file names its own)</label>" in html
    assert "Every figure belongs to a release" in html
    assert reverse("indicators:elements", args=["home"]) in html


FILE = b"area_code,period,data_element,value\nS1HOME,2023,children_looked_after,40\n"


def test_the_chosen_file_is_kept_across_a_failed_check_and_checked_again(world):
    client = world.client_for("lead")
    failed = upload(client, FILE, {"release": "Quarterly\treturn"}, name="october.csv")
    assert failed.status_code == 200
    html = failed.content.decode()
    assert (
        '<a href="#id_release">Enter a release name without control characters (such as tabs or '
        "line breaks)</a>"
    ) in html
    assert "You chose october.csv. Choose another or check again." in html
    assert ">Check again</button>" in html
    form = page_form(html)
    (token,) = form.data()["kept"]
    # Check again without choosing a file: the form as the browser sends it, release filled.
    data = form.data()
    data["release"] = ["Quarterly return, October 2024"]
    done = client.post(reverse("indicators:upload", args=["home"]), data)
    assert done.status_code == 302
    staged = ImportUpload.objects.get(pk=int(done["Location"].rstrip("/").split("/")[-1]))
    assert (staged.filename, staged.release) == ("october.csv", "Quarterly return, October 2024")
    assert staged.data.name.endswith(f"/{token}.table")
    preview = client.get(done["Location"]).content.decode()
    assert "Import 1 figure" in preview


def test_choosing_another_file_after_a_failed_check_uses_the_new_one(world):
    client = world.client_for("lead")
    form = page_form(upload(client, FILE, {"release": "Quarterly\treturn"}).content.decode())
    data: dict[str, Any] = form.data()
    data["release"] = ["R"]
    data["file"] = SimpleUploadedFile("newer.csv", FILE.replace(b",40", b",41"))
    done = client.post(reverse("indicators:upload", args=["home"]), data)
    staged = ImportUpload.objects.get(pk=int(done["Location"].rstrip("/").split("/")[-1]))
    assert staged.filename == "newer.csv"


def test_a_kept_file_of_another_partnership_is_never_used(world):
    away = world.client_for("outsider")
    url = reverse("indicators:upload", args=["away"])
    form = page_form(away.get(url).content.decode())
    data: dict[str, Any] = form.data()
    data["file"] = SimpleUploadedFile("away.csv", FILE)
    data["release"] = ["Bad\trelease"]  # a failed check keeps the file
    kept = page_form(away.post(url, data).content.decode()).data()["kept"]
    client = world.client_for("lead")
    home = reverse("indicators:upload", args=["home"])
    response = client.post(
        home, {**page_form(client.get(home).content.decode()).data(), "kept": kept, "release": "R"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_file">Choose a data file</a>' in html
    assert "You chose" not in html


def test_a_failed_preview_offers_to_check_the_same_file_with_other_choices(world):
    client = world.client_for("lead")
    text = FILE.replace(b"children_looked_after", b"new_element")
    response = upload(client, text, {"release": "R"})
    preview = client.get(response["Location"]).content.decode()
    assert "Nothing can be imported from this file" in preview
    link = preview.split("check again with other choices")[0].rsplit('href="', 1)[1].split('"')[0]
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Choose another or check again." in page
    data = page_form(page).data()
    data["create_elements"] = ["on"]
    done = client.post(reverse("indicators:upload", args=["home"]), data)
    assert done.status_code == 302
    assert "Import 1 figure" in client.get(done["Location"]).content.decode()


def test_the_preview_lists_the_rows_it_adds_and_revises_with_a_cap(world, figures):
    lines = ["area_code,period,data_element,value,release"]
    lines += [
        f"S1HOME,{year},children_looked_after,{year - 1900},Later" for year in range(1940, 2001)
    ]
    lines.append("S1HOME,2024,children_looked_after,26,Homeshire return 2")
    client = world.client_for("lead")
    response = upload(client, "\n".join(lines).encode(), {"release": "R"})
    html = client.get(response["Location"]).content.decode()
    new = html[html.index('id="new-rows"') : html.index("</table>", html.index('id="new-rows"'))]
    assert "The first 50 new figures" in new
    assert new.count('<tr class="govuk-table__row">') == 51
    assert (
        '<td class="govuk-table__cell">2</td><td class="govuk-table__cell">children_looked_after</td>'
        '<td class="govuk-table__cell">S1HOME</td><td class="govuk-table__cell followup-nowrap">1940</td>'
        '<td class="govuk-table__cell">Later</td><td class="govuk-table__cell govuk-table__cell--numeric">40</td>'
    ) in new
    assert "And 11 more new figures, not listed here." in html
    revised = html[html.index('id="revised-rows"') :]
    assert ">Revisions<" in revised
    assert ">27<br>" in revised and ">26</td>" in revised


def test_a_file_whose_rows_name_no_release_is_refused_when_the_form_names_none(world):
    client = world.client_for("lead")
    response = upload(
        client,
        b"area_code,period,data_element,value\nS1HOME,2024,children_looked_after,12\n",
        {"release": ""},
    )
    page = (
        client.get(response["Location"]).content.decode()
        if response.status_code == 302
        else (response.content.decode())
    )
    assert "no release given" in page
    assert "add a release column or give one for the whole file" in page
