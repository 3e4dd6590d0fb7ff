"""The words of a Word (.docx) file, read in one pass within a budget.

The archive is unpacked once within its budget (``lib.uploads.open_archive``); then the main
document part is parsed once, whole, by ``defusedxml`` (no DTD, no entities), with a target
that keeps only the words and counts as it goes: elements, nesting, paragraphs and table cells,
and characters. The parse stops at the first budget passed, with a message saying which, so a
document costs at most its budget however it is built: no tree of the document is ever made.

What comes across is the text of the runs of each paragraph of the body, also where they sit in
a hyperlink, a content control, a tracked insertion, a simple field or a smart tag (python-docx
loses those), a tab and a line break as ``\\t`` and ``\\n``; a table's rows one line each, its
cells separated by a tab, the paragraphs of a cell (and of a table inside it) by a line break.
Deleted text, field codes and hidden text stay out: a run formatted as hidden, directly or
through its character style or its paragraph's style (and the styles they are based on), as
Word does not show it. A text box or an embedded document (altChunk) is refused with a
message: their words are not in the body's runs, and would otherwise be lost without a word.
"""

from __future__ import annotations

import zipfile
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from followup.lib.uploads import DOCX, MAX_TEXT_CHARS, UploadError, open_archive, parse_xml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OFFICE_DOCUMENT = "/officeDocument"
MAX_DOCX_BLOCKS = 50_000  # paragraphs and table cells
MAX_DOCX_ELEMENTS = 500_000  # XML elements of the main document part
MAX_DOCX_DEPTH = 128  # nesting of XML elements

_BODY, _P, _TBL, _TR, _TC = W + "body", W + "p", W + "tbl", W + "tr", W + "tc"
_R, _LINK, _T = W + "r", W + "hyperlink", W + "t"
_RPR, _VANISH = W + "rPr", W + "vanish"
_PPR, _PSTYLE, _RSTYLE = W + "pPr", W + "pStyle", W + "rStyle"
# What may stand between a paragraph and its runs, and between the body or a cell and a
# paragraph, with its words still shown: never w:del or w:moveFrom (deleted words).
_INLINE = {
    W + n
    for n in (
        "hyperlink",
        "sdt",
        "sdtContent",
        "ins",
        "moveTo",
        "fldSimple",
        "smartTag",
        "customXml",
        "dir",
        "bdo",
    )
}
_BLOCK = {W + n for n in ("sdt", "sdtContent", "customXml", "ins", "moveTo")}
_IN_CELL = _BLOCK | {_TBL, _TR, _TC}
STYLES = "/styles"
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

    def __init__(self, hidden_styles: frozenset[str] = frozenset()) -> None:
        self.hidden_styles = hidden_styles
        self.stack: list[str] = []
        self.lines: list[str] = []
        self.elements = self.blocks = self.chars = 0
        self.body = -1  # the body's depth, once it has begun
        self.para: list[str] | None = None  # the paragraph being read
        self.para_depth = -1
        self.cell: list[str] | None = None
        self.cell_depth = -1
        self.row: list[str] | None = None
        self.row_depth = -1
        self.text = False  # inside a w:t of a run of the paragraph
        self.para_hidden = False  # the paragraph's style hides its runs
        self.style_hidden = False  # the run's character style hides it
        self.direct: bool | None = None  # the run's own w:vanish, where it has one

    @property
    def hidden(self) -> bool:
        """Whether the run being read is hidden: its own w:vanish decides, then its styles."""
        if self.direct is not None:
            return self.direct
        return self.style_hidden or self.para_hidden

    def _between(self, start: int, end: int, allowed: set[str]) -> bool:
        return all(tag in allowed for tag in self.stack[start:end])

    def _in_run(self) -> bool:
        """Whether the element on top of the stack is a run's child, of the paragraph."""
        depth, at = len(self.stack) - 1, self.para_depth
        if self.para is None or depth < at + 2 or self.stack[depth - 1] != _R:
            return False
        return self._between(at + 1, depth - 1, _INLINE)

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
        elif tag == _P and self.para is None and self._paragraph_here(depth):
            self.para, self.para_depth = [], depth
            self.para_hidden = False
        elif tag == _TR and parent == _TBL and self.row is None and self.cell is None:
            if self._between(self.body + 1, depth - 1, _BLOCK):
                self.row, self.row_depth = [], depth
        elif tag == _TC and parent == _TR and self.row is not None and depth == self.row_depth + 1:
            self.cell, self.cell_depth = [], depth
        elif tag == _R:
            self.style_hidden, self.direct = False, None
        elif tag == _PSTYLE and parent == _PPR and depth - 2 == self.para_depth:
            self.para_hidden = attrs.get(W + "val", "") in self.hidden_styles
        elif tag == _RSTYLE and parent == _RPR and self.stack[-3] == _R:
            self.style_hidden = attrs.get(W + "val", "") in self.hidden_styles
        elif tag == _VANISH and parent == _RPR and depth >= 2 and self.stack[-3] == _R:
            self.direct = attrs.get(W + "val", "true").lower() not in _OFF
        elif tag == _T:
            self.text = self._in_run()
        elif tag in _IN_RUN and self._in_run() and not self.hidden:
            self._add(_IN_RUN[tag])
        elif tag == W + "br" and self._in_run() and not self.hidden:
            kind = attrs.get(W + "type", "textWrapping")
            self._add("\n" if kind == "textWrapping" else "")

    def _paragraph_here(self, depth: int) -> bool:
        """Whether a paragraph starting at ``depth`` is the body's or a cell's, perhaps in a
        content control (or, in a cell, in a table inside it)."""
        if self.cell is not None:
            return self._between(self.cell_depth + 1, depth, _IN_CELL)
        if self.row is not None:
            return False
        return self._between(self.body + 1, depth, _BLOCK)

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
            self.style_hidden, self.direct = False, None
        elif tag == _P and self.para is not None and depth == self.para_depth:
            text = "".join(self.para)
            self.para, self.para_depth, self.para_hidden = None, -1, False
            if self.cell is not None:
                self.cell.append(text)
            else:
                self._block(text)
        elif tag == _TC and self.cell is not None and depth == self.cell_depth:
            assert self.row is not None
            self.row.append("\n".join(self.cell))
            self.cell, self.cell_depth = None, -1
            self._count()
        elif tag == _TR and self.row is not None and depth == self.row_depth:
            row, self.row, self.row_depth = self.row, None, -1
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


def _hidden_styles(archive: zipfile.ZipFile, main: str) -> frozenset[str]:
    """The ids of the styles that hide their text (w:vanish in their run properties, or in a
    style they are based on), read from the styles part the main part names."""
    folder, _, name = main.rpartition("/")
    try:
        rels = parse_xml(
            archive.read(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"),
            "Word document's relationships",
        )
    except KeyError:
        return frozenset()
    target = next((r.get("Target", "") for r in rels if r.get("Type", "").endswith(STYLES)), "")
    if not target:
        return frozenset()
    path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
    try:
        styles = parse_xml(archive.read(path), "Word document's styles")
    except KeyError:
        return frozenset()
    based: dict[str, str] = {}
    own: dict[str, bool] = {}
    for style in styles.iter(W + "style"):
        sid = style.get(W + "styleId", "")
        parent = style.find(W + "basedOn")
        if parent is not None:
            based[sid] = parent.get(W + "val", "")
        vanish = style.find(f"{W}rPr/{W}vanish")
        if vanish is not None:
            own[sid] = vanish.get(W + "val", "true").lower() not in _OFF
    hidden: set[str] = set()
    for sid in {*based, *own}:
        seen: set[str] = set()
        at: str | None = sid
        while at and at not in seen:  # the nearest style that says decides
            seen.add(at)
            if at in own:
                if own[at]:
                    hidden.add(sid)
                break
            at = based.get(at)
    return frozenset(hidden)


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
    main = _main_part(archive)
    try:
        xml = archive.read(main)
    except KeyError:
        raise UploadError(DAMAGED) from None
    words = _Words(_hidden_styles(archive, main))
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
