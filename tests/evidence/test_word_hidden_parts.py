"""What a Word document holds outside its visible runs (#11): hidden text (w:vanish) was kept
and glued to the next word, though it is where a removed name may sit; a text box's and an
embedded document's (altChunk) words were lost without a word. Hidden runs now stay out, as
Word shows the document; a text box or an embedded document is refused, saying what was found."""

from __future__ import annotations

import pytest

from followup.evidence.extract import ExtractError, extract_text
from tests import hostile


def word(body: bytes) -> bytes:
    return hostile.docx_with_body(lambda: [body])


def test_a_run_formatted_as_hidden_stays_out_and_the_words_either_side_keep_their_space():
    data = word(
        b'<w:p><w:r><w:t xml:space="preserve">Met with </w:t></w:r>'
        b"<w:r><w:rPr><w:b/><w:vanish/></w:rPr><w:t>Jane Smith</w:t><w:tab/></w:r>"
        b"<w:r><w:t>the manager.</w:t></w:r></w:p>"
    )
    assert extract_text("hidden.docx", data) == "Met with the manager."


def test_a_run_whose_hidden_property_is_switched_off_comes_across():
    data = word(
        b'<w:p><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>Shown</w:t></w:r>'
        b'<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t xml:space="preserve"> too</w:t></w:r>'
        b"</w:p>"
    )
    assert extract_text("shown.docx", data) == "Shown too"


def test_a_hidden_paragraph_mark_does_not_hide_the_paragraphs_words():
    data = word(b"<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>Kept</w:t></w:r></w:p>")
    assert extract_text("mark.docx", data) == "Kept"


def test_a_text_box_is_refused_saying_so():
    data = word(
        b"<w:p><w:r><w:t>Before</w:t></w:r><w:r><w:drawing><w:txbxContent><w:p><w:r>"
        b"<w:t>In the box</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r></w:p>"
    )
    with pytest.raises(ExtractError) as refused:
        extract_text("box.docx", data)
    assert str(refused.value) == (
        "The Word document has a text box whose words Followup cannot read: move its text into "
        "the document, or paste the text"
    )


def test_an_embedded_document_is_refused_saying_so():
    data = word(
        b'<w:p><w:r><w:t>Before</w:t></w:r></w:p><w:altChunk r:id="rId9"/>'.replace(
            b"r:id", b"w:id"
        )
    )
    with pytest.raises(ExtractError) as refused:
        extract_text("chunk.docx", data)
    assert str(refused.value) == (
        "The Word document has an embedded document (altChunk) whose words Followup cannot "
        "read: paste its text into the document"
    )


def test_the_hostile_reviews_text_box_and_altchunk_files_are_refused_too():
    """The shapes Word writes: a text box inside mc:AlternateContent (and its VML fallback)."""
    data = word(
        b'<w:p><w:r><mc:AlternateContent xmlns:mc="urn:mc"><mc:Choice Requires="wps">'
        b'<w:drawing><wps:txbx xmlns:wps="urn:wps"><w:txbxContent><w:p><w:r><w:t>Boxed</w:t>'
        b"</w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice></mc:AlternateContent>"
        b"</w:r></w:p>"
    )
    with pytest.raises(ExtractError, match="a text box"):
        extract_text("box.docx", data)
