"""The web upload: the importer's code path, with a preview before anything is imported."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.indicators.models import DataValue, ImportUpload


def post_file(client, content: bytes, name: str = "figures.csv", **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "release": "Quarterly return, October 2024",
        **extra,
    }
    return client.post(reverse("indicators:upload", args=["home"]), data)


def test_an_editor_uploads_sees_the_preview_and_imports(world):
    client = world.client_for("editor")
    response = post_file(
        client,
        b"area_code,period,data_element,value\nS1HOME,2023,children_looked_after,40\nS1HOME,2024,children_looked_after,38\n",
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "Check what will change" in html
    assert "Import 2 figures" in html
    assert DataValue.objects.count() == 0
    done = client.post(response["Location"])
    assert done.status_code == 302
    assert DataValue.objects.filter(area__code="S1HOME").count() == 2
    upload = ImportUpload.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert upload.applied_at is not None and upload.data.name == ""


def test_a_bad_file_lists_every_problem_and_offers_no_import(world):
    client = world.client_for("lead")
    response = post_file(
        client,
        b"area_code,period,data_element,value\nS1HOME,2024,children_looked_after,lots\nNOWHERE,2024,children_looked_after,3\n",
    )
    html = client.get(response["Location"]).content.decode()
    assert "Nothing can be imported from this file" in html
    assert "expected a number, got &#x27;lots&#x27;" in html
    assert "unknown area code &#x27;NOWHERE&#x27;" in html
    assert "Import " not in html.split("Problems in the file")[1]
    assert client.post(response["Location"]).status_code == 200
    assert DataValue.objects.count() == 0


def test_hostile_files_never_give_a_server_error(world):
    client = world.client_for("admin")
    hostile = [
        (b"\xff\xfe\x00\x00garbage\x00\x01", "figures.csv"),
        (b"PK\x03\x04 this is not a workbook", "figures.xlsx"),
        (b'area_code,period,data_element,value\n"S1HOME,2024,x,1\n', "figures.csv"),
        (b"", "figures.csv"),
        (b"\n\n\n", "figures.csv"),
        (b"a,b\n1,2,3,4\n", "figures.csv"),
        (
            b"area_code,period,data_element,value\nS1HOME,2024,children_looked_after,1e400\n",
            "figures.csv",
        ),
    ]
    for content, name in hostile:
        response = post_file(client, content, name)
        assert response.status_code in (200, 302), content
        if response.status_code == 302:
            assert client.get(response["Location"]).status_code == 200
            assert client.post(response["Location"]).status_code in (200, 302)
    assert DataValue.objects.count() == 0


def test_a_file_that_is_not_csv_or_xlsx_is_refused_at_the_field(world):
    response = post_file(world.client_for("editor"), b"hello", "notes.docx")
    assert (
        '<a href="#id_file">The data file must be a CSV or XLSX file</a>'
        in response.content.decode()
    )


def test_outsider_gets_404_for_another_partnerships_upload(world):
    url = reverse("indicators:upload_preview", args=["home", world.home.upload.pk])
    assert world.client_for("outsider").get(url).status_code == 404
    assert world.client_for("outsider").post(url).status_code == 404


def test_the_preview_writes_large_counts_with_thousands_separators(world):
    from followup.indicators import actions
    from tests.jobs.bigfile import big_csv

    staged = actions.stage_upload(
        world.users["lead"],
        world.home.partnership,
        filename="big.csv",
        data=big_csv("S1HOME", 1_500),
        release="Big return",
        create_elements=True,
    )
    page = world.client_for("lead").get(
        reverse("indicators:upload_preview", args=["home", staged.pk])
    )
    html = page.content.decode()
    assert "Import 1,500 figures</button>" in html
    assert (
        '<dt class="govuk-summary-list__key">New figures</dt>'
        '<dd class="govuk-summary-list__value">1,500</dd>'
    ) in html
