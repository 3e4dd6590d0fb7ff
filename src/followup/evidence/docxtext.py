"""The words of a Word (.docx) file, read in one pass within a budget.

The archive is unpacked once within its budget (``core.uploads.open_archive``); then the main
document part is parsed once, whole, by ``defusedxml`` (no DTD, no entities), with a target
that keeps only the words and counts as it goes: elements, nesting, paragraphs and table cells,
and characters. The parse stops at the first budget passed, with a message saying which, so a
document costs at most its budget however it is built: no tree of the document is ever made.

What comes across is what python-docx's ``paragraph.text`` gives: the text of the runs of each
paragraph of the body (directly or in a hyperlink), a tab and a line break as ``\\t`` and
``\\n``; a table's rows one line each, its cells separated by a tab, the paragraphs of a cell by
a line break. Deleted text, field codes and hidden text (a run formatted as hidden, as Word
does not show it) stay out. A text box or an embedded document (altChunk) is refused with a
message: their words are not in the body's runs, and would otherwise be lost without a word.
"""

from __future__ import annotations

import zipfile
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from followup.core.uploads import DOCX, MAX_TEXT_CHARS, UploadError, open_archive, parse_xml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OFFICE_DOCUMENT = "/officeDocument"
MAX_DOCX_BLOCKS = 50_000  # paragraphs and table cells
MAX_DOCX_ELEMENTS = 500_000  # XML elements of the main document part
MAX_DOCX_DEPTH = 128  # nesting of XML elements

_BODY, _P, _TBL, _TR, _TC = W + "body", W + "p", W + "tbl", W + "tr", W + "tc"
_R, _LINK, _T = W + "r", W + "hyperlink", W + "t"
_RPR, _VANISH = W + "rPr", W + "vanish"
_OFF = {"0", "false", "off"}
REFUSED = {
    W + "altChunk": "The Word document has an embedded document (altChunk) whose words "
    "Followup cannot read: paste its text into the document",
    W + "txbxContent": "The Word document has a text box whose words Followup cannot read: "
    "move its text into the document, or paste the text",
}
_IN_RUN = {W + "tab": "\t", W + "ptab": "\t", W + "cr": "\n", W + "noBreakHyphen": "-"}

DAMAGED = (
    "The file could not be read as a Word (.docx) document: it is damaged, or not a document "
    "saved by a word processor. Save it again from Word, or paste the text"
)


class _Words:
    """A parser target that keeps the body's words and stops past a budget."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.lines: list[str] = []
        self.elements = self.blocks = self.chars = 0
        self.body = -1  # the body's depth, once it has begun
        self.para: list[str] | None = None  # the paragraph being read
        self.para_depth = -1
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.text = False  # inside a w:t of a run of the paragraph
        self.hidden = False  # the run being read is formatted as hidden (w:vanish)

    def _in_run(self) -> bool:
        """Whether the element on top of the stack is a run's child, of the paragraph."""
        depth, at = len(self.stack) - 1, self.para_depth
        if self.para is None or self.stack[depth - 1] != _R:
            return False
        return depth == at + 2 or (depth == at + 3 and self.stack[at + 1] == _LINK)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_DOCX_ELEMENTS:
            raise UploadError(
                f"The Word document has more than {MAX_DOCX_ELEMENTS:,} XML elements; split it, "
                "or save it as plain text"
            )
        if len(self.stack) >= MAX_DOCX_DEPTH:
            raise UploadError(
                f"The Word document nests elements more than {MAX_DOCX_DEPTH} levels deep; "
                "save it again from Word, or save it as plain text"
            )
        parent = self.stack[-1] if self.stack else ""
        depth = len(self.stack)
        self.stack.append(tag)
        if tag in REFUSED and self.body >= 0:
            raise UploadError(REFUSED[tag])
        if tag == _BODY and self.body < 0:
            self.body = depth
        elif self.body < 0:
            return
        elif tag == _P and (
            depth == self.body + 1 or (depth == self.body + 4 and self.cell is not None)
        ):
            self.para, self.para_depth = [], depth
        elif tag == _TR and parent == _TBL and depth == self.body + 2:
            self.row = []
        elif tag == _TC and parent == _TR and self.row is not None and depth == self.body + 3:
            self.cell = []
        elif tag == _R:
            self.hidden = False
        elif tag == _VANISH and parent == _RPR and depth >= 2 and self.stack[-3] == _R:
            self.hidden = attrs.get(W + "val", "true").lower() not in _OFF
        elif tag == _T:
            self.text = self._in_run()
        elif tag in _IN_RUN and self._in_run() and not self.hidden:
            self._add(_IN_RUN[tag])
        elif tag == W + "br" and self._in_run() and not self.hidden:
            kind = attrs.get(W + "type", "textWrapping")
            self._add("\n" if kind == "textWrapping" else "")

    def data(self, text: str) -> None:
        if self.text and not self.hidden:
            self._add(text)

    def _add(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > MAX_TEXT_CHARS:
            raise UploadError(
                f"The Word document holds more than {MAX_TEXT_CHARS:,} characters of text; "
                "split it into smaller sources"
            )
        assert self.para is not None
        self.para.append(text)

    def end(self, tag: str) -> None:
        depth = len(self.stack) - 1
        self.stack.pop()
        if tag == _T:
            self.text = False
        elif tag == _R:
            self.hidden = False
        elif tag == _P and self.para is not None and depth == self.para_depth:
            text = "".join(self.para)
            self.para, self.para_depth = None, -1
            if self.cell is not None:
                self.cell.append(text)
            else:
                self._block(text)
        elif tag == _TC and self.cell is not None and depth == self.body + 3:
            assert self.row is not None
            self.row.append("\n".join(self.cell))
            self.cell = None
            self._count()
        elif tag == _TR and self.row is not None and depth == self.body + 2:
            row, self.row = self.row, None
            self.lines.append("\t".join(row))
            self.chars += 1

    def _count(self) -> None:
        self.blocks += 1
        if self.blocks > MAX_DOCX_BLOCKS:
            raise UploadError(
                f"The Word document has more than {MAX_DOCX_BLOCKS:,} paragraphs and table "
                "cells; split it, or save it as plain text"
            )

    def _block(self, text: str) -> None:
        self._count()
        self.chars += 1  # the line break
        self.lines.append(text)

    def close(self) -> str:
        return "\n".join(self.lines).strip("\n")


def _main_part(archive: zipfile.ZipFile) -> str:
    """The name of the document's main part, from the package's relationships."""
    try:
        rels = parse_xml(archive.read("_rels/.rels"), "Word document's relationships")
    except KeyError:
        raise UploadError(DAMAGED) from None
    for rel in rels:
        if rel.get("Type", "").endswith(OFFICE_DOCUMENT):
            return rel.get("Target", "").lstrip("/")
    raise UploadError(DAMAGED)


def docx_text(data: bytes) -> str:
    """The document's words; ``UploadError`` says why there are none to take."""
    if data[:4] != b"PK\x03\x04":
        raise UploadError(DAMAGED)
    try:
        archive = open_archive(data, DOCX)
    except UploadError as error:
        raise UploadError(
            f"The file could not be read as a Word (.docx) document. {error}"
        ) from None
    try:
        xml = archive.read(_main_part(archive))
    except KeyError:
        raise UploadError(DAMAGED) from None
    words = _Words()
    parser: Any = SafeET.DefusedXMLParser(target=words, forbid_dtd=True)
    try:
        parser.feed(xml)  # whole: expat before 2.6 re-scans a token split across pieces
        text: str = parser.close()
    except defusedxml.DTDForbidden:
        raise UploadError(
            "The Word document declares a document type (DTD), which Followup does not read"
        ) from None
    except defusedxml.DefusedXmlException:
        raise UploadError(
            "The Word document uses XML entities, which Followup does not read"
        ) from None
    except SafeET.ParseError:
        raise UploadError(DAMAGED) from None
    if words.body < 0:
        raise UploadError(DAMAGED)
    return text
