"""The records reading pages before there is anything to read: a return that is not a
spreadsheet, drawing a sample with no return, and agreement before any record is read by both."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.records.models import RecordsReturn, Sample
from tests import factories as f
from tests.records.returns_data import return_csv
from tests.submissions import key


def test_a_return_that_is_not_a_csv_or_xlsx_file_is_refused(world):
    client = world.client_for("inspector")
    url = reverse("records:upload", args=["home", world.home.inspection.pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("return.txt", return_csv(5)), **key(client)}
    )
    assert response.status_code == 200
    assert (
        '<a href="#id_file">The return must be a CSV or XLSX file</a>' in response.content.decode()
    )
    assert not RecordsReturn.objects.exists()


def test_drawing_a_sample_before_the_return_is_uploaded_says_to_upload_it_first(world):
    url = reverse("records:draw", args=["home", world.home.inspection.pk])
    page = world.client_for("inspector").get(url)
    assert page.status_code == 200
    assert "Upload the pre-inspection return first." in page.content.decode()
    assert "A random sample of" not in page.content.decode()


def test_another_partnerships_lead_gets_404_on_the_draw_page(world):
    url = reverse("records:draw", args=["home", world.home.inspection.pk])
    assert world.client_for("outsider").get(url).status_code == 404
    assert not Sample.objects.exists()


def test_before_any_record_is_read_by_both_the_agreement_page_says_so_with_no_figures(world):
    sample = f.records_sample(world.home.inspection)
    url = reverse("records:agreement", args=["home", sample.pk])
    page = world.client_for("inspector").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "No record has been read by both of its pair yet" in html
    assert 'id="finding"' not in html and "grades given by both," not in html
    assert world.client_for("outsider").get(url).status_code == 404
