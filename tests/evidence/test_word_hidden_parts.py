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


# The second review's files (#11): words hidden through a style came across, and words in a
# content control, a tracked insertion, a simple field or a smart tag were lost without a word.

STYLE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/styles" Target="styles.xml"/></Relationships>'
)


def word_with_styles(body: bytes, styles: bytes) -> bytes:
    """A Word file whose main part names a styles part holding ``styles``."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(word(body)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        archive.writestr("word/_rels/document.xml.rels", STYLE_RELS)
        archive.writestr(
            "word/styles.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><w:styles '
            + hostile.W
            + b">"
            + styles
            + b"</w:styles>",
        )
    return buffer.getvalue()


HIDING_STYLES = (
    b'<w:style w:type="character" w:styleId="Secret"><w:rPr><w:vanish/></w:rPr></w:style>'
    b'<w:style w:type="character" w:styleId="SecretToo"><w:basedOn w:val="Secret"/></w:style>'
    b'<w:style w:type="character" w:styleId="Unhidden"><w:basedOn w:val="Secret"/>'
    b'<w:rPr><w:vanish w:val="0"/></w:rPr></w:style>'
    b'<w:style w:type="paragraph" w:styleId="HidPara"><w:rPr><w:vanish/></w:rPr></w:style>'
    b'<w:style w:type="character" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>'
)


def test_words_hidden_by_their_character_style_or_a_style_it_is_based_on_stay_out():
    data = word_with_styles(
        b'<w:p><w:r><w:t xml:space="preserve">Met </w:t></w:r>'
        b'<w:r><w:rPr><w:rStyle w:val="Secret"/></w:rPr><w:t>SECRET-STYLE</w:t></w:r>'
        b'<w:r><w:rPr><w:rStyle w:val="SecretToo"/></w:rPr><w:t>SECRET-BASED</w:t></w:r>'
        b'<w:r><w:rPr><w:rStyle w:val="Loop"/></w:rPr><w:t xml:space="preserve">the </w:t></w:r>'
        b'<w:r><w:rPr><w:rStyle w:val="Unhidden"/></w:rPr><w:t>manager</w:t></w:r></w:p>',
        HIDING_STYLES,
    )
    assert extract_text("styled.docx", data) == "Met the manager"


def test_a_paragraph_whose_style_hides_it_stays_out_unless_a_run_shows_itself():
    data = word_with_styles(
        b"<w:p><w:r><w:t>Kept.</w:t></w:r></w:p>"
        b'<w:p><w:pPr><w:pStyle w:val="HidPara"/></w:pPr><w:r><w:t>SECRET-PARAGRAPH</w:t></w:r>'
        b'<w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>Shown.</w:t></w:r></w:p>',
        HIDING_STYLES,
    )
    assert extract_text("para.docx", data) == "Kept.\nShown."


def test_words_in_content_controls_insertions_fields_and_smart_tags_come_across():
    data = word(
        b"<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>In a block control.</w:t></w:r></w:p>"
        b"</w:sdtContent></w:sdt>"
        b'<w:p><w:r><w:t xml:space="preserve">Before </w:t></w:r><w:sdt><w:sdtContent><w:r>'
        b'<w:t xml:space="preserve">inline </w:t></w:r></w:sdtContent></w:sdt>'
        b'<w:ins w:id="1"><w:r><w:t xml:space="preserve">inserted </w:t></w:r></w:ins>'
        b'<w:del w:id="2"><w:r><w:delText>deleted </w:delText></w:r></w:del>'
        b'<w:fldSimple w:instr="DATE"><w:r><w:t xml:space="preserve">field </w:t></w:r>'
        b"</w:fldSimple><w:smartTag><w:r><w:t>tagged</w:t></w:r></w:smartTag></w:p>"
    )
    assert extract_text("wrapped.docx", data) == (
        "In a block control.\nBefore inline inserted field tagged"
    )


def test_a_table_in_a_content_control_and_a_table_in_a_cell_keep_their_words():
    cell = b"<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>"
    inner = b"<w:tbl><w:tr>" + cell % b"inner" + b"</w:tr></w:tbl>"
    data = word(
        b"<w:sdt><w:sdtContent><w:tbl><w:tr>"
        + cell % b"a"
        + b"<w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p>"
        + inner
        + b"</w:tc></w:tr></w:tbl></w:sdtContent></w:sdt>"
    )
    assert extract_text("tables.docx", data) == "a\tb\ninner"
