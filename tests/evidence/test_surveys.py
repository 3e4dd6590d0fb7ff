"""Survey import keeps every answer exactly, or imports nothing."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.evidence.models import Case, Source
from followup.evidence.text import normalise
from tests.submissions import key

ANSWERS = [
    ("r1", "Staff", "16-24", "My manager listens.\nShe acts on it, too.", "Ùine: tha i goirid."),
    ("r2", "Young person", "12-15", "Czuję się bezpiecznie w szkole.", "المدرسة بعيدة جداً 🚌"),
    ("r3", "Parent or carer", "25-64", 'Said "thank you", then left', ""),
]
HEADER = ["respondent", "group", "age band", "What helps you most?", "What should change?"]


def survey_csv() -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in ANSWERS:
        writer.writerow([row[0], row[1], row[2], row[3].replace("\n", "\r\n"), row[4]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def upload(client, content: bytes, name: str = "survey.csv"):
    return client.post(
        reverse("evidence:survey_upload", args=["home"]),
        {**key(client), "title": "Wellbeing survey", "file": SimpleUploadedFile(name, content)},
    )


ROLES = {
    "role-0": "respondent",
    "role-1": "attribute",
    "role-2": "attribute",
    "role-3": "question",
    "role-4": "question",
}


def test_a_csv_with_a_bom_crlf_quoted_newlines_and_any_script_keeps_every_answer_exactly(world):
    client = world.client_for("contributor")
    response = upload(client, survey_csv())
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "Say what each column holds" in preview
    assert client.post(response["Location"], ROLES).status_code == 302
    assert Source.objects.filter(kind="survey").count() == 3
    for respondent, group, age, helps, change in ANSWERS:
        source = Source.objects.get(title=f"Wellbeing survey: respondent {respondent}")
        assert f"What helps you most?\n{normalise(helps)}" in source.text
        if change:
            assert f"What should change?\n{normalise(change)}" in source.text
        else:
            assert "What should change?" not in source.text
        assert source.case.attributes == {"group": group, "age band": age}


def test_an_xlsx_survey_imports_the_same_answers(world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ANSWERS:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    client = world.client_for("editor")
    response = upload(client, data.getvalue(), "survey.xlsx")
    assert client.post(response["Location"], ROLES).status_code == 302
    source = Source.objects.get(title="Wellbeing survey: respondent r2")
    assert "المدرسة بعيدة جداً 🚌" in source.text


def test_a_malformed_survey_is_refused_with_line_and_reason_and_nothing_is_imported(world):
    bad = (
        ",".join(HEADER)
        + "\nr1,Staff,16-24,Fine,Fine\nr1,Staff,16-24,Again,Again\n,Staff,16-24,No id,x\nr4,a,b,c,d,extra\n"
    ).encode()
    client = world.client_for("lead")
    response = upload(client, bad)
    html = client.post(response["Location"], ROLES).content.decode()
    assert "Nothing was imported" in html
    assert "line 3, column respondent: respondent &#x27;r1&#x27; repeats line 2" in html
    assert "line 4, column respondent: a respondent id is required" in html
    assert "line 5: the row has more cells than the header row has columns" in html
    assert not Source.objects.filter(kind="survey").exists()
    assert not Case.objects.filter(name__startswith="Wellbeing survey").exists()


def test_a_survey_needs_one_respondent_column_and_a_question(world):
    client = world.client_for("lead")
    response = upload(client, survey_csv())
    html = client.post(
        response["Location"], {"role-0": "attribute", "role-1": "attribute"}
    ).content.decode()
    assert "Choose exactly one column as the respondent id" in html
    assert "Choose at least one column as a free-text question" in html


def test_unreadable_files_are_refused_at_the_field(world):
    client = world.client_for("lead")
    assert "The file cannot be read" in upload(client, b"\xff\xfe\x00\x01garbage").content.decode()
    assert (
        "The survey file must be a CSV or XLSX file"
        in upload(client, b"x", "survey.pdf").content.decode()
    )
    assert (
        "The file has a header row but no answers"
        in upload(client, b"id,answer\n").content.decode()
    )


def test_outsider_gets_404_for_another_partnerships_survey(world):
    url = reverse("evidence:survey_preview", args=["home", world.home.survey.pk])
    assert world.client_for("outsider").get(url).status_code == 404
    assert world.client_for("outsider").post(url, ROLES).status_code == 404


def test_the_first_guess_of_column_roles_reads_questions_from_their_question_marks():
    from followup.evidence.surveys import guess_roles
    from followup.lib.tabular import read_table

    table = read_table(survey_csv(), "survey.csv")
    assert guess_roles(table) == {
        "respondent": "respondent",
        "group": "attribute",
        "age band": "attribute",
        "What helps you most?": "question",
        "What should change?": "question",
    }
