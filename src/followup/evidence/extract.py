"""Text out of uploaded files: plain text, Word (.docx) and PDF.

Only the words come across: paragraphs become lines, a Word table's cells are read row by row
(cells separated by a tab), and a PDF's pages are separated by a blank line. A PDF that is a scan
has no text to take; it must be run through text recognition first.

Each kind has a known, small cost (``core.uploads``): the file is at most
``FOLLOWUP_MAX_UPLOAD_MB``; a Word file is unpacked once within the archive budget before
python-docx (lxml, entities never resolved) reads it, and at most ``MAX_DOCX_BLOCKS`` paragraphs
and table cells are read; a PDF is read by pypdf in a separate process limited to
``PDF_CPU_SECONDS`` of processor time and ``PDF_MEMORY_MB`` of memory (``evidence/pdftext.py``);
and the text taken is at most ``MAX_TEXT_CHARS`` characters.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

from followup.core.uploads import (
    DOCX,
    MAX_TEXT_CHARS,
    UploadError,
    capped_text,
    check_size,
    open_archive,
)

KINDS = (".txt", ".docx", ".pdf")
MAX_DOCX_BLOCKS = 50_000
PDF_CPU_SECONDS = 2
PDF_MEMORY_MB = 512
PDF_WALL_SECONDS = 10


class ExtractError(ValueError):
    """A file whose text cannot be taken, with the reason in plain words."""


def extract_text(name: str, data: bytes) -> str:
    lower = name.lower()
    try:
        check_size(len(data))
        if lower.endswith(".txt"):
            try:
                return capped_text(data.decode("utf-8"), "file")
            except UnicodeDecodeError:
                raise ExtractError("The file must be UTF-8 text") from None
        if lower.endswith(".docx"):
            return _docx(data)
        if lower.endswith(".pdf"):
            return _pdf(data)
    except UploadError as error:
        raise ExtractError(str(error)) from None
    raise ExtractError("The file must be a .txt, .docx or .pdf file")


def _docx(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if data[:4] != b"PK\x03\x04":
        raise ExtractError(_DAMAGED)
    try:
        open_archive(data, DOCX)
    except UploadError as error:
        raise ExtractError(
            f"The file could not be read as a Word (.docx) document. {error}"
        ) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ExtractError(_DAMAGED) from None
    except Exception:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise ExtractError(_DAMAGED) from None
    lines: list[str] = []
    blocks = chars = 0

    def take(text: str) -> None:
        nonlocal blocks, chars
        blocks += 1
        chars += len(text) + 1
        if blocks > MAX_DOCX_BLOCKS:
            raise ExtractError(
                f"The Word document has more than {MAX_DOCX_BLOCKS:,} paragraphs and table "
                "cells; split it, or save it as plain text"
            )
        if chars > MAX_TEXT_CHARS + 1:
            raise ExtractError(
                f"The Word document holds more than {MAX_TEXT_CHARS:,} characters of text; "
                "split it into smaller sources"
            )
        lines.append(text)

    try:
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                take(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    cells = [cell.text for cell in row.cells]
                    blocks += len(cells)
                    take("\t".join(cells))
    except (ExtractError, UploadError):
        raise
    except Exception:  # lxml or python-docx on a damaged part
        raise ExtractError(_DAMAGED) from None
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise ExtractError("The Word document has no text")
    return text


def _pdf(data: bytes) -> str:
    """The PDF's text, taken by ``followup.evidence.pdftext`` in a process of its own with
    limits on processor time and memory, so no PDF costs more than that."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "followup.evidence.pdftext"],
            input=data,
            capture_output=True,
            timeout=PDF_WALL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExtractError(_TOO_COSTLY) from None
    if done.returncode != 0:
        raise ExtractError(_TOO_COSTLY)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise ExtractError("The file could not be read as a PDF") from None
    if answer.get("error"):
        raise ExtractError(str(answer["error"]))
    return str(answer["text"])


_DAMAGED = (
    "The file could not be read as a Word (.docx) document: it is damaged, or not a document "
    "saved by a word processor. Save it again from Word, or paste the text"
)
_TOO_COSTLY = (
    "The PDF takes more work to read than Followup spends on one file (it may be damaged, or "
    "built to be expensive). Save it again from the program that made it, or paste the text"
)
