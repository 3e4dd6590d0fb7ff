from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.evidence import actions
from followup.evidence.models import Code, Coding, Source
from followup.evidence.text import normalise, sentences
from tests.submissions import key


def test_text_is_normalised_once_to_nfc_with_newline_endings_and_no_byte_order_mark():
    decomposed = "\ufeffCe\u0300ol\r\nagus òrain\rend"
    assert normalise(decomposed) == "Cèol\nagus òrain\nend"


def test_sentences_are_code_point_spans_in_any_script():
    text = "Tha mi toilichte. 😀 Czuję się bezpiecznie!\nأشعر بالأمان. Last one"
    spans = sentences(text)
    assert [s.text for s in spans] == [
        "Tha mi toilichte.",
        "😀 Czuję się bezpiecznie!",
        "أشعر بالأمان.",
        "Last one",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_a_contributor_pastes_a_source_and_codes_a_sentence_from_the_keyboard(world):
    client = world.client_for("contributor")
    response = client.post(
        reverse("evidence:source_create", args=["home"]),
        {
            **key(client),
            "title": "Focus group, young people",
            "kind": "focus_group",
            "text": "We feel listened to.\r\nThe bus is late. 🚌",
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(title="Focus group, young people")
    assert source.text == "We feel listened to.\nThe bus is late. 🚌"
    code = world.home.code
    response = client.post(
        response["Location"],
        {**key(client), "spans": ["21-37"], "codes": [code.pk], "apply": "sentences"},
    )
    assert response.status_code == 302
    coding = Coding.objects.get(source=source)
    assert (coding.start, coding.end, coding.excerpt) == (21, 37, "The bus is late.")
    html = client.get(reverse("evidence:source", args=["home", source.pk])).content.decode()
    assert (
        f'<mark>The bus is late.</mark> <span class="followup-coded-as">[{code.name}]</span>'
        in html
    )


def test_a_text_file_source_keeps_every_character(world):
    content = "Seo an teacsa.\r\nTo jest tekst — z polskimi znakami: ąęłóśżź.\r\n"
    response = world.client_for("editor").post(
        reverse("evidence:source_create", args=["home"]),
        {
            **key(world.users["editor"]),
            "title": "Notes",
            "kind": "interview",
            "file": SimpleUploadedFile("notes.txt", ("\ufeff" + content).encode()),
        },
    )
    assert response.status_code == 302
    assert Source.objects.get(title="Notes").text == normalise(content)


def test_bad_sources_are_refused_at_the_field(world):
    url = reverse("evidence:source_create", args=["home"])
    client = world.client_for("editor")
    html = client.post(url, {"title": "Empty", "kind": "document", "text": "   "}).content.decode()
    assert '<a href="#id_text">Enter the text of the source, or choose a file</a>' in html
    html = client.post(
        url,
        {
            "title": "Bytes",
            "kind": "document",
            "file": SimpleUploadedFile("x.txt", b"\xff\xfe\x00bad"),
        },
    ).content.decode()
    assert "The file must be UTF-8 text" in html
    html = client.post(
        url, {"title": "Word", "kind": "document", "file": SimpleUploadedFile("x.docx", b"PK")}
    ).content.decode()
    assert "The file could not be read as a Word (.docx) document" in html
    html = client.post(
        url, {"title": "Sheet", "kind": "document", "file": SimpleUploadedFile("x.ods", b"PK")}
    ).content.decode()
    assert "The file must be a .txt, .docx or .pdf file" in html
    assert not Source.objects.filter(title__in=["Empty", "Bytes", "Word", "Sheet"]).exists()


def test_a_sources_text_never_changes(world):
    source = world.home.source
    source.text = "Rewritten"
    with pytest.raises(ValidationError):
        source.save()


def test_spans_must_lie_within_the_text_and_codes_must_be_the_partnerships_own(world):
    source = world.home.source
    with pytest.raises(ValidationError):
        actions.code_spans(world.users["lead"], source, world.home.code, [(0, 10_000)])
    with pytest.raises(ValidationError):
        actions.code_spans(world.users["lead"], source, world.away.code, [(0, 5)])


def test_the_eight_wellbeing_indicators_are_added_once_with_their_meanings(world):
    client = world.client_for("contributor")
    client.post(reverse("evidence:add_wellbeing", args=["home"]))
    client.post(reverse("evidence:add_wellbeing", args=["home"]))
    names = list(
        Code.objects.filter(
            partnership=world.home.partnership, origin="wellbeing", parent__isnull=False
        ).values_list("name", flat=True)
    )
    assert sorted(names) == sorted(
        [
            "Safe",
            "Healthy",
            "Achieving",
            "Nurtured",
            "Active",
            "Respected",
            "Responsible",
            "Included",
        ]
    )
    html = client.get(reverse("evidence:codebook", args=["home"])).content.decode()
    assert "Involved in, and heard on, the decisions that affect their life" in html


def test_a_viewer_cannot_read_a_sources_words_code_it_or_remove_codings(world):
    client = world.client_for("viewer")
    assert (
        client.get(reverse("evidence:source", args=["home", world.home.source.pk])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("evidence:coding_remove", args=["home", world.home.coding.pk])
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        actions.create_source(
            world.users["viewer"], world.home.partnership, {"title": "x", "text": "y"}
        )


def test_outsider_gets_404_for_another_partnerships_source_and_coding(world):
    client = world.client_for("outsider")
    assert (
        client.get(reverse("evidence:source", args=["home", world.home.source.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("evidence:source", args=["away", world.home.source.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("evidence:coding_remove", args=["away", world.home.coding.pk])
        ).status_code
        == 404
    )
    assert Coding.objects.filter(pk=world.home.coding.pk).exists()
