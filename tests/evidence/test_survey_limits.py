"""A survey file's control characters, long attributes and long respondent ids are refused with
a message naming the line and the column: never shown back on the preview page, never cut short
in silence, never a server error."""

from __future__ import annotations

import html

from followup.evidence.models import Case, Source, SurveyUpload
from tests.evidence.test_surveys import HEADER, ROLES, upload


def _csv(*rows: list[str]) -> bytes:
    return "\r\n".join(",".join(row) for row in [HEADER, *rows]).encode("utf-8")


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_a_null_byte_in_a_survey_cell_is_refused_naming_line_and_column_and_nothing_is_staged(
    world,
):
    client = world.client_for("lead")
    staged = SurveyUpload.objects.count()
    response = upload(client, _csv(["r1", "Sta\x00ff", "16-24", "Fine", "Fine"]))
    page = _page(response)
    assert response.status_code == 200
    assert (
        "Line 2, column 2 (group): the cell contains a control character (a null byte, say), "
        "which Followup does not accept; remove it and upload the file again"
    ) in page
    assert "\x00" not in page
    assert SurveyUpload.objects.count() == staged


def test_a_control_character_in_a_heading_is_refused_by_column_number_without_showing_it(world):
    client = world.client_for("lead")
    staged = SurveyUpload.objects.count()
    data = _csv(["r1", "Staff", "16-24", "Fine", "Fine"]).replace(b"group", b"gr\x1bup", 1)
    page = _page(upload(client, data))
    assert "Line 1, column 2: the heading contains a control character" in page
    assert "\x1b" not in page
    assert SurveyUpload.objects.count() == staged


def test_tabs_and_line_breaks_in_answers_are_kept(world):
    client = world.client_for("lead")
    response = upload(client, _csv(["r1", "Staff", "16-24", '"One\tTwo\r\nThree"', "Fine"]))
    assert response.status_code == 302
    assert client.post(response["Location"], ROLES).status_code == 302
    assert Source.objects.get(kind="survey", title__endswith="r1").text.startswith(
        "What helps you most?\nOne\tTwo\nThree"
    )


def test_an_attribute_value_of_100000_characters_is_refused_naming_line_and_column(world):
    client = world.client_for("lead")
    response = upload(client, _csv(["r1", "S" * 100_000, "16-24", "Fine", "Fine"]))
    page = _page(client.post(response["Location"], ROLES))
    assert (
        "line 2, column group: the attribute value is 100,000 characters long; Followup keeps "
        "at most 200. Shorten it and try again"
    ) in page
    assert not Case.objects.filter(name__startswith="Wellbeing survey").exists()


def test_an_attribute_column_with_a_name_of_101_characters_is_refused(world):
    client = world.client_for("lead")
    long_name = "g" * 101
    data = _csv(["r1", "Staff", "16-24", "Fine", "Fine"]).replace(b"group", long_name.encode(), 1)
    response = upload(client, data)
    page = _page(client.post(response["Location"], ROLES))
    assert (
        f"The attribute column “{'g' * 60}…”: its name is 101 characters long; Followup keeps "
        "at most 100. Shorten it and try again"
    ) in page
    assert not Case.objects.filter(name__startswith="Wellbeing survey").exists()


def test_a_respondent_id_too_long_for_a_case_name_is_refused_not_cut_short(world):
    client = world.client_for("lead")
    response = upload(client, _csv(["r" * 190, "Staff", "16-24", "Fine", "Fine"]))
    page = _page(client.post(response["Location"], ROLES))
    # A case is named "Wellbeing survey: <id>", at most 200 characters: 182 for the id.
    assert (
        f"line 2, column respondent: the respondent id “{'r' * 60}…” is 190 characters long; "
        "with the survey's title it may be at most 182"
    ) in page
    assert not Case.objects.filter(name__startswith="Wellbeing survey").exists()


def test_the_survey_preview_lists_the_first_100_problems_and_says_how_many_more(world):
    client = world.client_for("lead")
    rows = [["", "Staff", "16-24", f"Answer {n}", "x"] for n in range(150)]
    response = upload(client, _csv(["r0", "Staff", "16-24", "Fine", "Fine"], *rows))
    page = _page(client.post(response["Location"], ROLES))
    assert page.count("a respondent id is required") == 100
    assert "And 50 more problems, not listed here." in page


def test_a_survey_staged_before_the_check_with_a_null_byte_is_not_shown_back(world):
    from django.core.files.base import ContentFile

    from followup.lib.tabular import Table, staged_bytes

    table = Table(["id", "answer"], [(2, {"id": "r1", "answer": "Fi\x00ne"})])
    staged = SurveyUpload.objects.create(
        partnership=world.home.partnership,
        title="Old survey",
        filename="survey.csv",
        data=ContentFile(staged_bytes(table), name="survey.csv"),
    )
    from django.urls import reverse

    client = world.client_for("lead")
    page = _page(client.get(reverse("evidence:survey_preview", args=["home", staged.pk])))
    assert "Line 2, column 2 (answer): the cell contains a control character" in page
    assert "\x00" not in page


def test_columns_headed_alike_are_refused_naming_both_columns_and_nothing_is_staged(world):
    client = world.client_for("lead")
    staged = SurveyUpload.objects.count()
    page = _page(upload(client, b"id,Q,Q,A\r\nr1,one,two,x\r\n"))
    assert "Columns 2 and 3 are both headed “Q”: give each column its own heading" in page
    assert SurveyUpload.objects.count() == staged


def test_three_columns_headed_alike_are_all_named(world):
    client = world.client_for("lead")
    page = _page(upload(client, b"id,Q,A,Q,Q\r\nr1,one,x,two,three\r\n"))
    assert "Columns 2, 4 and 5 are all headed “Q”: give each column its own heading" in page


def test_a_column_without_a_heading_is_refused_by_number(world):
    client = world.client_for("lead")
    staged = SurveyUpload.objects.count()
    page = _page(upload(client, b"id,Q,A,,B\r\nr1,one,x,lost,y\r\n"))
    assert "Column 4 has no heading: give each column its own heading" in page
    assert SurveyUpload.objects.count() == staged


def test_the_reviewers_file_names_the_repeated_and_the_blank_headings(world):
    client = world.client_for("lead")
    page = _page(upload(client, b"id,Q,Q,,\r\nr1,a,b,c,d\r\n"))
    assert "Columns 2 and 3 are both headed “Q”: give each column its own heading" in page
    assert "Columns 4 and 5 have no heading: give each column its own heading" in page


def test_a_survey_with_the_most_columns_allowed_imports_through_its_form_as_rendered(world):
    from django.conf import settings

    from followup.lib.uploads import MAX_TABLE_COLUMNS
    from tests.browserlike import post_forms, submit

    client = world.client_for("lead")
    headers = ["respondent"] + [f"Question {n}?" for n in range(1, MAX_TABLE_COLUMNS)]
    rows = [headers] + [
        [f"r{r}"] + [f"answer {r}.{n}" for n in range(1, MAX_TABLE_COLUMNS)] for r in (1, 2)
    ]
    data = "\r\n".join(",".join(row) for row in rows).encode()
    response = upload(client, data)
    assert response.status_code == 302
    url = response["Location"]
    (form,) = [f for f in post_forms(client.get(url).content.decode()) if "role-0" in f.names()]
    assert len(form.pairs) + len(form.buttons) <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert len([name for name, _ in form.pairs if name.startswith("role-")]) == MAX_TABLE_COLUMNS
    assert submit(client, url, form).status_code == 302
    assert Source.objects.filter(kind="survey", title__startswith="Wellbeing survey").count() == 2
