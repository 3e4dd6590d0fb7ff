"""Text out of uploaded files: plain text, Word (.docx) and PDF.

Only the words come across: paragraphs become lines, a Word table's cells are read row by row
(cells separated by a tab), and a PDF's pages are separated by a blank line. A PDF that is a scan
has no text to take; it must be run through text recognition first.

Each kind has a known, small cost (``lib.uploads``): the file is at most
``FOLLOWUP_MAX_UPLOAD_MB``; a Word file is unpacked once within the archive budget, then its
words are read in one pass by ``defusedxml`` within a budget of elements, nesting, paragraphs and
characters (``evidence/docxtext.py``); a PDF is read by pypdf in a separate process limited to
``PDF_CPU_SECONDS`` of processor time and ``PDF_MEMORY_MB`` of memory (``evidence/pdftext.py``);
and the text taken is at most ``MAX_TEXT_CHARS`` characters.
"""

from __future__ import annotations

import json
import subprocess
import sys

from followup.evidence.docxtext import MAX_DOCX_BLOCKS, docx_text
from followup.lib.uploads import UploadError, capped_text, check_size

KINDS = (".txt", ".docx", ".pdf")
__all__ = ["KINDS", "MAX_DOCX_BLOCKS", "ExtractError", "extract_text"]
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
    text = docx_text(data)
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


_TOO_COSTLY = (
    "The PDF takes more work to read than Followup spends on one file (it may be damaged, or "
    "built to be expensive). Save it again from the program that made it, or paste the text"
)
