"""What an uploaded file may cost: one size setting, and budgets for everything inside a file.

- The request body is capped before it is read: ``FOLLOWUP_MAX_UPLOAD_MB`` sets the largest file
  (``settings.MAX_UPLOAD_BYTES``) and, with a little room for the form's other fields, the largest
  request (``settings.MAX_REQUEST_BYTES``); every request but a signed-in person's to a page that
  takes a file is held to ``settings.MAX_FORM_BYTES`` (``web/requestsize.py``).
- Every archive (``.qdpx``, ``.docx`` and ``.xlsx`` files are all ZIP archives) is opened with
  :func:`open_archive`: the archive's own directory is checked before Python's ``zipfile`` reads
  it, then every entry is unpacked once, counting the bytes it really gives (the sizes an archive
  declares can lie), under a budget of entries, of bytes in all and of bytes in one entry. An
  archive inside an archive is never opened.
- XML that Followup parses itself goes through :func:`parse_xml`: ``defusedxml`` with no DTD at
  all (so no entity is ever expanded and nothing outside the file is fetched), and a budget of
  nesting depth and elements; a Word file's words are read in one pass by ``defusedxml`` within a
  budget counted as it parses (``evidence/docxtext.py``). Workbooks are parsed by openpyxl,
  which uses ``defusedxml`` whenever it is installed (it is a dependency; ``reading.py`` refuses
  to read a workbook if openpyxl ever reports otherwise).
- Extracted text and table cells and columns are capped (``MAX_TEXT_CHARS``,
  ``MAX_TABLE_CELLS``, ``MAX_XLSX_CELLS``, ``MAX_TABLE_COLUMNS``), each with a message saying
  what to do instead.

The numbers are documented in ``docs/security.md`` (a test checks the two agree).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET
from django.conf import settings


class UploadError(ValueError):
    """A file that costs more than Followup spends on one upload, or is damaged: the reason in
    plain words."""


MB = 1024 * 1024
# Text taken from one file (a source), in characters: about 400 pages.
MAX_TEXT_CHARS = 1_000_000
# Cells of one table (a survey or a data file): CSV, and the slower XLSX.
MAX_TABLE_CELLS = 1_000_000
MAX_XLSX_CELLS = 60_000
# Problems a preview lists (the first ones; it says how many more there are).
SHOWN_PROBLEMS = 100
# Columns of one table, counted to the last cell with a value.
MAX_TABLE_COLUMNS = 1_000
# XML that Followup parses itself (REFI-QDA files): nesting and elements.
MAX_XML_DEPTH = 64
MAX_XML_ELEMENTS = 50_000


@dataclass(frozen=True)
class Budget:
    """What one archive may hold: entries, bytes unpacked in all, bytes unpacked in one entry."""

    kind: str  # "REFI-QDA project (.qdpx)", in messages
    entries: int
    unpacked: int
    entry: int


QDPX = Budget("REFI-QDA project (.qdpx)", entries=10_000, unpacked=100 * MB, entry=20 * MB)
DOCX = Budget("Word document (.docx)", entries=2_000, unpacked=60 * MB, entry=10 * MB)
XLSX = Budget("XLSX workbook", entries=2_000, unpacked=40 * MB, entry=15 * MB)

# The archive's directory: an entry's record is 46 bytes and its name; more than this per entry
# on average is padding meant to make the directory itself expensive to read.
_DIRECTORY_BYTES_PER_ENTRY = 256
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CHUNK = 64 * 1024


def _directory(data: bytes, budget: Budget) -> None:
    """Check the end-of-archive record before ``zipfile`` builds an object for every entry."""
    start = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD.size - 65535))
    if start < 0 or start + _EOCD.size > len(data):
        article = "an" if budget.kind[0] in "AEIOUX" else "a"
        raise UploadError(f"The file is not {article} {budget.kind}: it is not a ZIP archive")
    _, _, _, _, entries, size, offset, _ = _EOCD.unpack_from(data, start)
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        locator = start - _ZIP64_LOCATOR.size
        record = locator - _ZIP64_EOCD.size
        if record < 0 or data[locator : locator + 4] != b"PK\x06\x07":
            raise UploadError(f"The {budget.kind} is damaged: its ZIP64 directory is missing")
        fields = _ZIP64_EOCD.unpack_from(data, record)
        if fields[0] != b"PK\x06\x06":
            raise UploadError(f"The {budget.kind} is damaged: its ZIP64 directory is missing")
        entries, size = fields[7], fields[8]
    if entries > budget.entries:
        raise UploadError(
            f"The {budget.kind} holds {entries:,} files; Followup reads at most {budget.entries:,}"
        )
    if size > budget.entries * _DIRECTORY_BYTES_PER_ENTRY or size > len(data):
        raise UploadError(f"The {budget.kind} is damaged: its directory is too large")


def open_archive(data: bytes, budget: Budget) -> zipfile.ZipFile:
    """The archive, once every entry has been unpacked within the budget and checked (CRC,
    compression method, no encryption). Raises ``UploadError`` naming the problem."""
    _directory(data, budget)
    kind = budget.kind
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise UploadError(
            f"The file is not a readable {kind}: it is not a ZIP archive, or it is damaged"
        ) from None
    except (struct.error, UnicodeDecodeError, OverflowError, IndexError):
        raise UploadError(f"The {kind} is damaged: its directory cannot be read") from None
    if len(infos) > budget.entries:
        raise UploadError(
            f"The {kind} holds {len(infos):,} files; Followup reads at most {budget.entries:,}"
        )
    declared = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadError(
                f"The {kind} is encrypted (protected by a password); save a copy without one"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadError(
                f"The {kind} uses a compression method Followup does not read "
                f"(method {info.compress_type} in {info.filename[:100]}); save it again with "
                "ordinary ZIP (deflate) compression"
            )
        declared += info.file_size
        if info.file_size > budget.entry or declared > budget.unpacked:
            raise _too_big(budget)
    unpacked = 0
    for info in infos:
        got = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    got += len(chunk)
                    unpacked += len(chunk)
                    if got > budget.entry or unpacked > budget.unpacked:
                        raise _too_big(budget)
        except UploadError:
            raise
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError) as error:
            why = (
                "its checksum does not match its contents"
                if "CRC" in str(error)
                else "its compressed data is cut short or corrupt"
            )
            raise UploadError(
                f"The {kind} is damaged: {info.filename[:100]} cannot be unpacked ({why})"
            ) from None
        except (NotImplementedError, RuntimeError, struct.error, OverflowError):
            raise UploadError(
                f"The {kind} cannot be read: {info.filename[:100]} uses a ZIP feature Followup "
                "does not read; save it again with ordinary ZIP compression"
            ) from None
    return archive


def _too_big(budget: Budget) -> UploadError:
    return UploadError(
        f"The {budget.kind} unpacks to more than Followup reads from one file "
        f"({budget.unpacked // MB} MB in all, {budget.entry // MB} MB in one part)"
    )


class _BudgetedBuilder(ET.TreeBuilder):
    """Builds the tree, counting elements and depth, and stops the parse when over budget."""

    def __init__(self, what: str, max_depth: int, max_elements: int) -> None:
        super().__init__()
        self.what, self.max_depth, self.max_elements = what, max_depth, max_elements
        self.depth = self.elements = 0

    def start(self, tag: Any, attrs: Any) -> Any:
        self.depth += 1
        self.elements += 1
        if self.depth > self.max_depth:
            raise UploadError(
                f"The {self.what} nests elements more than {self.max_depth} levels deep; "
                "Followup reads files nested less deeply"
            )
        if self.elements > self.max_elements:
            raise UploadError(
                f"The {self.what} has more than {self.max_elements:,} XML elements; "
                "Followup reads files up to that size: split it"
            )
        return super().start(tag, attrs)

    def end(self, tag: Any) -> Any:
        self.depth -= 1
        return super().end(tag)


def parse_xml(
    data: bytes,
    what: str,
    *,
    max_depth: int = MAX_XML_DEPTH,
    max_elements: int = MAX_XML_ELEMENTS,
) -> ET.Element:
    """A document's root element, parsed without DTDs or entities, within a budget of nesting
    depth and elements; ``UploadError`` says what is wrong otherwise.

    The whole document is given to the parser at once: expat before 2.6 scans a token that
    spans two pieces of input again from its start for each new piece, so feeding a large
    comment or text in pieces would take time growing with the square of its length."""
    builder = _BudgetedBuilder(what, max_depth, max_elements)
    parser = SafeET.DefusedXMLParser(target=builder, forbid_dtd=True)
    try:
        parser.feed(data)
        root = parser.close()
    except defusedxml.DTDForbidden:
        raise UploadError(
            f"The {what} declares a document type (DTD), which Followup does not read"
        ) from None
    except defusedxml.DefusedXmlException:
        raise UploadError(f"The {what} uses XML entities, which Followup does not read") from None
    except ET.ParseError as error:
        raise UploadError(f"The {what} is not well-formed XML: {error}") from None
    if not isinstance(root, ET.Element):
        raise UploadError(f"The {what} is not well-formed XML: it is empty")
    return root


def capped_text(text: str, what: str) -> str:
    """The text, if it is within ``MAX_TEXT_CHARS``; ``UploadError`` otherwise."""
    if len(text) > MAX_TEXT_CHARS:
        raise UploadError(
            f"The {what} holds more than {MAX_TEXT_CHARS:,} characters of text; "
            "split it into smaller sources"
        )
    return text


def upload_limit_text() -> str:
    """The largest upload, in words for messages: "20 MB"."""
    return f"{settings.MAX_UPLOAD_BYTES // MB} MB"


def check_size(size: int) -> None:
    """Refuse a file larger than ``FOLLOWUP_MAX_UPLOAD_MB``."""
    if size > settings.MAX_UPLOAD_BYTES:
        raise UploadError(f"The file must be smaller than {upload_limit_text()}")
