"""Cases and their attributes, a source's case and memo, editing a coding, coding a selection."""

from __future__ import annotations

from django.urls import reverse

from followup.evidence.models import Case, Code, Coding, Source
from tests.browserlike import edit
from tests.submissions import key


def test_a_contributor_adds_a_case_with_the_standard_and_the_partnerships_own_attributes(world):
    response = world.client_for("contributor").post(
        reverse("evidence:case_create", args=["home"]),
        {
            **key(world.users["contributor"]),
            "name": "Respondent 12",
            "respondent_group": "Parent or carer",
            "organisation": "Homeshire Council",
            "age_band": "25 to 34",
            "date": "2018-03-14",
            "other": "Locality: Carrick\n\nSurvey wave: 2",
            "memo": "Answered by phone",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(name="Respondent 12")
    assert case.attributes == {
        "Respondent group": "Parent or carer",
        "Organisation": "Homeshire Council",
        "Age band": "25 to 34",
        "Date": "2018-03-14",
        "Locality": "Carrick",
        "Survey wave": "2",
    }
    assert case.memo == "Answered by phone"


def test_a_case_form_names_the_bad_line_of_the_partnerships_own_attributes(world):
    html = (
        world.client_for("contributor")
        .post(
            reverse("evidence:case_create", args=["home"]),
            {"name": "R13", "other": "Locality: Carrick\nno colon here"},
        )
        .content.decode()
    )
    assert "Line 2: write the attribute as name: value, like Locality: Carrick" in html
    assert not Case.objects.filter(name="R13").exists()


def test_editing_a_case_shows_its_attributes_in_their_boxes_and_keeps_them(world):
    case = world.home.case
    client = world.client_for("editor")
    url = reverse("evidence:case_edit", args=["home", case.pk])
    html = client.get(url).content.decode()
    assert '<option value="Staff" selected>Staff</option>' in html
    edit(client, url, {"age_band": "35 to 44"})
    case.refresh_from_db()
    assert case.attributes == {"Respondent group": "Staff", "Age band": "35 to 44"}


def test_two_cases_cannot_share_a_name(world):
    html = (
        world.client_for("lead")
        .post(
            reverse("evidence:case_create", args=["home"]),
            {**key(world.users["lead"]), "name": world.home.case.name},
        )
        .content.decode()
    )
    assert "A case with this name is already there" in html


def test_a_source_is_attached_to_a_case_and_given_a_memo_without_its_text_changing(world):
    source = world.home.source
    text = source.text
    other = Case.objects.create(partnership=world.home.partnership, name="Group B")
    response = edit(
        world.client_for("contributor"),
        reverse("evidence:source_details", args=["home", source.pk]),
        {"case": str(other.pk), "memo": "Collected at the team meeting"},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.case, source.memo, source.text) == (other, "Collected at the team meeting", text)


def test_a_source_cannot_join_another_partnerships_case(world):
    response = world.client_for("contributor").post(
        reverse("evidence:source_details", args=["home", world.home.source.pk]),
        {"case": world.away.case.pk},
    )
    assert response.status_code == 200
    world.home.source.refresh_from_db()
    assert world.home.source.case == world.home.case


def test_a_coding_is_given_another_code_a_new_span_and_a_memo(world):
    source = Source.objects.create(
        partnership=world.home.partnership, title="Notes", text="One two three four."
    )
    first = Code.objects.create(partnership=world.home.partnership, name="First")
    second = Code.objects.create(partnership=world.home.partnership, name="Second")
    coding = Coding.objects.create(source=source, code=first, start=0, end=3)
    response = edit(
        world.client_for("contributor"),
        reverse("evidence:coding_edit", args=["home", coding.pk]),
        {"code": str(second.pk), "start": "4", "end": "13", "memo": "Better as two words"},
    )
    assert response.status_code == 302
    coding.refresh_from_db()
    assert (coding.code, coding.excerpt, coding.memo) == (
        second,
        "two three",
        "Better as two words",
    )


def test_a_coding_span_must_lie_within_the_text_and_a_quoted_codings_words_stay(world):
    coding = world.home.coding
    client = world.client_for("contributor")
    url = reverse("evidence:coding_edit", args=["home", coding.pk])
    html = client.post(url, {"code": coding.code.pk, "start": 0, "end": 999}).content.decode()
    assert "A span must lie within the text" in html
    html = client.post(url, {"code": coding.code.pk, "start": 1, "end": 5}).content.decode()
    assert "This coding is quoted, so its words cannot change" in html
    coding.refresh_from_db()
    assert coding.start == 0


def test_selected_words_are_coded_with_several_codes_at_once(world):
    partnership = world.home.partnership
    source = Source.objects.create(partnership=partnership, title="Notes", text="Mé 😊 agus thusa.")
    a = Code.objects.create(partnership=partnership, name="A")
    b = Code.objects.create(partnership=partnership, name="B")
    client = world.client_for("contributor")
    response = client.post(
        reverse("evidence:source", args=["home", source.pk]),
        {**key(client), "start": 3, "end": 9, "codes": [a.pk, b.pk], "apply": "selection"},
    )
    assert response.status_code == 302
    assert sorted((c.code.name, c.excerpt) for c in source.codings.all()) == [
        ("A", "😊 agus"),
        ("B", "😊 agus"),
    ]


def test_a_selection_outside_the_text_codes_nothing_and_says_why(world):
    source = world.home.source
    client = world.client_for("contributor")
    response = client.post(
        reverse("evidence:source", args=["home", source.pk]),
        {
            **key(client),
            "start": 5,
            "end": 5000,
            "codes": [world.home.code.pk],
            "apply": "selection",
        },
    )
    assert response.status_code == 200
    assert "A span must lie within the text (0 to 58); got 5 to 5000" in response.content.decode()
    assert source.codings.count() == 1


def test_a_code_memo_is_saved_with_the_code(world):
    code = world.home.code
    edit(
        world.client_for("contributor"),
        reverse("evidence:code_edit", args=["home", code.pk]),
        {"memo": "Use for support from managers"},
    )
    code.refresh_from_db()
    assert code.memo == "Use for support from managers"


def test_a_case_forms_attribute_value_longer_than_200_characters_is_refused_not_cut_short(world):
    html = (
        world.client_for("contributor")
        .post(
            reverse("evidence:case_create", args=["home"]),
            {"name": "R14", "other": f"Locality: Carrick\nNotes: {'n' * 201}"},
        )
        .content.decode()
    )
    assert (
        "Line 2: the value is 201 characters long; Followup keeps at most 200. "
        "Shorten it and try again"
    ) in html
    assert not Case.objects.filter(name="R14").exists()
