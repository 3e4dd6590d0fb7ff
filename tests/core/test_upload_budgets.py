"""The budgets of lib/uploads.py: each refuses with its reason, and the documentation states
the numbers the code uses."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl.xml
import pytest

from followup.evidence import docxtext, limits, pdftext
from followup.evidence.extract import MAX_DOCX_BLOCKS, PDF_CPU_SECONDS, PDF_MEMORY_MB
from followup.evidence.refi_import import MAX_PROJECT_CHARS
from followup.indicators.forms import MAX_MAPPING_BYTES
from followup.lib import tabular as reading
from followup.lib import uploads
from followup.lib.uploads import Budget, UploadError, open_archive, parse_xml
from tests import hostile

ROOT = Path(__file__).resolve().parents[2]
SMALL = Budget("test archive", entries=3, unpacked=1000, entry=600)


def archive(entries: dict[str, bytes]) -> bytes:
    return hostile.qdpx(entries)


def test_an_archive_within_its_budget_opens():
    opened = open_archive(archive({"a": b"x" * 500, "b": b"y" * 400}), SMALL)
    assert opened.read("a") == b"x" * 500


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({"a": b"", "b": b"", "c": b"", "d": b""}, "holds 4 files; Followup reads at most 3"),
        ({"a": b"x" * 601}, "unpacks to more than Followup reads"),
        ({"a": b"x" * 500, "b": b"x" * 501}, "unpacks to more than Followup reads"),
    ],
)
def test_an_archive_over_its_budget_is_refused_with_the_reason(entries, reason):
    with pytest.raises(UploadError, match=reason):
        open_archive(archive(entries), SMALL)


def test_an_archive_that_lies_about_its_sizes_is_refused_by_the_bytes_it_really_gives():
    budget = Budget("test archive", entries=10, unpacked=10**6, entry=10**6)
    with pytest.raises(UploadError, match="its checksum does not match its contents"):
        open_archive(hostile.qdpx_lying_size(), budget)


def test_a_file_that_is_not_an_archive_is_refused():
    with pytest.raises(UploadError, match="it is not a ZIP archive"):
        open_archive(b"just text", SMALL)


def test_an_archive_directory_padded_to_be_expensive_is_refused_before_it_is_read():
    padded = hostile.raw_zip(
        [hostile.Entry("x" * 60_000, b"", 0, 0, zipfile.ZIP_STORED) for _ in range(2)]
    )
    with pytest.raises(UploadError, match="its directory is too large"):
        open_archive(padded, SMALL)


def test_xml_is_parsed_without_a_dtd_within_its_depth_and_element_budget():
    assert parse_xml(b"<a><b/></a>", "file").tag == "a"
    with pytest.raises(UploadError, match="declares a document type"):
        parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "file")
    with pytest.raises(UploadError, match="more than 3 levels deep"):
        parse_xml(b"<a><b><c><d/></c></b></a>", "file", max_depth=3)
    with pytest.raises(UploadError, match="more than 2 XML elements"):
        parse_xml(b"<a><b/><c/></a>", "file", max_elements=2)
    with pytest.raises(UploadError, match="not well-formed XML"):
        parse_xml(b"<a>", "file")


def test_openpyxl_reads_workbooks_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_workbook_is_refused_if_openpyxl_is_not_using_defusedxml(monkeypatch):
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(reading.TableError, match="cannot read XLSX files safely"):
        reading.read_table(hostile.xlsx_rows(2), "survey.xlsx")


def test_the_pdf_worker_caps_text_as_the_rest_of_followup_does():
    assert pdftext.MAX_TEXT_CHARS == uploads.MAX_TEXT_CHARS
    assert pdftext.CPU_SECONDS == PDF_CPU_SECONDS
    assert pdftext.MEMORY_BYTES == PDF_MEMORY_MB * 1024 * 1024


def test_the_security_page_states_the_numbers_the_code_uses():
    text = (ROOT / "docs" / "security.md").read_text()
    section = text.split("## Uploads", 1)[1].split("\n## ", 1)[0]
    for budget in (uploads.QDPX, uploads.DOCX, uploads.XLSX):
        extension = budget.kind.split("(")[-1].rstrip(")") if "(" in budget.kind else ".xlsx"
        row = next(line for line in section.splitlines() if line.startswith(f"| `{extension}`"))
        assert f"{budget.entries:,} entries" in row
        assert f"{budget.unpacked // uploads.MB} MB unpacked in all" in row
        assert f"{budget.entry // uploads.MB} MB in one entry" in row
    numbers = [
        f"{uploads.MAX_XML_DEPTH} levels of nesting",
        f"{uploads.MAX_XML_ELEMENTS:,} elements",
        f"{uploads.MAX_TEXT_CHARS:,} characters",
        f"{MAX_PROJECT_CHARS:,} in all",
        f"{uploads.MAX_TABLE_CELLS:,} cells from a CSV file",
        f"{uploads.MAX_XLSX_CELLS:,} from a workbook",
        f"allows {reading.COMMAND_LINE_CELLS:,} and {reading.COMMAND_LINE_XLSX_CELLS:,}",
        f"{MAX_DOCX_BLOCKS:,} paragraphs and table cells",
        f"{docxtext.MAX_DOCX_ELEMENTS:,} XML elements, {docxtext.MAX_DOCX_DEPTH} levels",
        f"{uploads.MAX_TABLE_COLUMNS:,} columns",
        f"the first {uploads.SHOWN_PROBLEMS} problems",
        f"a code's or a case's name {limits.CODE_NAME_CHARS} characters",
        f"a source's {limits.SOURCE_NAME_CHARS}",
        f"an attribute's name {limits.ATTRIBUTE_NAME_CHARS} and its value "
        f"{limits.ATTRIBUTE_VALUE_CHARS}",
        f"{PDF_CPU_SECONDS} seconds of processor time or {PDF_MEMORY_MB} MB of memory",
        f"limits lowered to {pdftext.STREAM_BYTES // uploads.MB} MB",
        f"{pdftext.MAX_PAGES:,} pages",
        f"{MAX_MAPPING_BYTES // 1024} KB",
    ]
    for number in numbers:
        assert number in section, number
