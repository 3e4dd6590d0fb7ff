"""Sources from Word and PDF files: the words come across, exactly."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.evidence.extract import ExtractError, extract_text
from followup.evidence.models import Source
from tests.submissions import key


def word_file() -> bytes:
    document = docx.Document()
    document.add_heading("Focus group, secondary school (illustrative)", level=1)
    document.add_paragraph("Tha mi a’ faireachdainn sàbhailte. Czuję się wysłuchany 😊")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Who"
    table.cell(0, 1).text = "Said"
    table.cell(1, 0).text = "Pupil"
    table.cell(1, 1).text = "أشعر بالأمان"
    document.add_paragraph("Last line.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_file(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, written by hand (Helvetica, ASCII text)."""
    text = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def test_a_word_documents_paragraphs_and_table_come_across_in_order():
    assert extract_text("notes.DOCX", word_file()) == (
        "Focus group, secondary school (illustrative)\n"
        "Tha mi a’ faireachdainn sàbhailte. Czuję się wysłuchany 😊\n"
        "Who\tSaid\n"
        "Pupil\tأشعر بالأمان\n"
        "Last line."
    )


def test_a_pdfs_text_layer_comes_across():
    text = extract_text("notes.pdf", pdf_file(["Staff feel supported.", "Waiting lists are long."]))
    assert "Staff feel supported." in text and "Waiting lists are long." in text
    assert text.index("Staff") < text.index("Waiting")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("scan.pdf", pdf_file([]), "The PDF has no text to take"),
        ("broken.pdf", b"%PDF-1.4 nonsense", "could not be read as a PDF"),
        ("broken.docx", b"PK\x03\x04 nonsense", "could not be read as a Word (.docx) document"),
        ("big.txt", b"a" * (20 * 1024 * 1024 + 1), "smaller than 20 MB"),
        ("long.txt", b"a" * 1_000_001, "more than 1,000,000 characters"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(name, data, reason):
    with pytest.raises(ExtractError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        extract_text(name, data)


def test_a_contributor_adds_a_source_from_a_word_document(world):
    response = world.client_for("contributor").post(
        reverse("evidence:source_create", args=["home"]),
        {
            **key(world.users["contributor"]),
            "title": "Focus group",
            "kind": "focus_group",
            "file": SimpleUploadedFile("focus.docx", word_file()),
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(title="Focus group")
    assert source.text.endswith("Pupil\tأشعر بالأمان\nLast line.")


def test_a_word_document_is_measured_while_it_is_parsed_so_the_budget_stops_the_parse():
    """Past 500,000 elements the parse stops: the damage after them is never reached."""
    from tests import hostile

    data = hostile.docx_runs(510_000, tail=b"<w:p><broken")
    with pytest.raises(ExtractError) as refused:
        extract_text("long.docx", data)
    assert str(refused.value) == (
        "The Word document has more than 500,000 XML elements; split it, or save it as plain text"
    )


def test_a_word_documents_line_breaks_tabs_and_hyperlinks_come_across_and_deleted_text_does_not():
    from tests import hostile

    def chunks():
        yield (
            b"<w:p><w:r><w:t>One</w:t><w:tab/><w:t>two</w:t><w:br/><w:t>three</w:t></w:r>"
            b'<w:hyperlink><w:r><w:t xml:space="preserve"> linked</w:t></w:r></w:hyperlink>'
            b"<w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>"
        )

    assert extract_text("runs.docx", hostile.docx_with_body(chunks)) == "One\ttwo\nthree linked"
