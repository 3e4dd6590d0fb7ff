"""Text out of uploaded files: plain text, Word (.docx) and PDF.

Only the words come across: paragraphs become lines, a Word table's cells are read row by row
(cells separated by a tab), and a PDF's pages are separated by a blank line. A PDF that is a scan
has no text to take; it must be run through text recognition first.
"""

from __future__ import annotations

import io
import zipfile

MAX_BYTES = 10 * 1024 * 1024
KINDS = (".txt", ".docx", ".pdf")


class ExtractError(ValueError):
    """A file whose text cannot be taken, with the reason in plain words."""


def extract_text(name: str, data: bytes) -> str:
    lower = name.lower()
    if len(data) > MAX_BYTES:
        raise ExtractError("The file must be smaller than 10 MB")
    if lower.endswith(".txt"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ExtractError("The file must be UTF-8 text") from None
    if lower.endswith(".docx"):
        return _docx(data)
    if lower.endswith(".pdf"):
        return _pdf(data)
    raise ExtractError("The file must be a .txt, .docx or .pdf file")


def _docx(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ExtractError("The file could not be read as a Word (.docx) document") from None
    except Exception as error:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise ExtractError(
            f"The file could not be read as a Word (.docx) document ({type(error).__name__})"
        ) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise ExtractError("The Word document has no text")
    return text


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ExtractError("The PDF is protected by a password; save an unprotected copy")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except ExtractError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise ExtractError("The file could not be read as a PDF") from None
    text = "\n\n".join(page for page in pages if page)
    if not text.strip():
        raise ExtractError(
            "The PDF has no text to take: it may be a scan. Run it through text recognition, "
            "or paste the text"
        )
    return text
