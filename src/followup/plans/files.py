"""The files an update may carry (a committee paper, an audit report): which kinds, how many, how
large, and the check of what each one really is.

A file is taken for what its contents are, not what its name says: a PDF must begin as a PDF
does, a Word, Excel or OpenDocument file is a ZIP archive holding the parts that kind has (opened
within the budgets of ``lib.uploads``: nothing in it is read beyond that), a CSV or text file is
UTF-8 text, and a PNG or JPEG image begins with its signature. The content type it is served with
is the one its kind has, never the one the browser sent. Every file is checked before any is
kept, so a refused file leaves nothing behind.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings

from followup.lib.uploads import DOCX, MB, XLSX, Budget, UploadError, open_archive

LABEL = "Evidence files"
MAX_FILES = 5
# An OpenDocument text or spreadsheet is read no further than a Word document is.
ODF = Budget("OpenDocument file", entries=DOCX.entries, unpacked=DOCX.unpacked, entry=DOCX.entry)


@dataclass(frozen=True)
class Kind:
    name: str  # in messages: "a PDF"
    content_type: str


PDF = Kind("a PDF", "application/pdf")
WORD = Kind(
    "a Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
EXCEL = Kind(
    "an Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
ODT = Kind("an OpenDocument text document", "application/vnd.oasis.opendocument.text")
ODS = Kind("an OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet")
CSV = Kind("a CSV file", "text/csv; charset=utf-8")
TEXT = Kind("a text file", "text/plain; charset=utf-8")
PNG = Kind("a PNG image", "image/png")
JPEG = Kind("a JPEG image", "image/jpeg")

KINDS: dict[str, Kind] = {
    ".pdf": PDF,
    ".docx": WORD,
    ".xlsx": EXCEL,
    ".odt": ODT,
    ".ods": ODS,
    ".csv": CSV,
    ".txt": TEXT,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
ALLOWED = (
    "PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt, .ods), CSV, plain text (.txt), PNG or "
    "JPEG"
)


@dataclass(frozen=True)
class Upload:
    """A file as it was sent: the name it was given and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    """A file found to be what its name says, with the name to keep and its content type."""

    filename: str
    content_type: str
    data: bytes


def limit_text() -> str:
    return f"{settings.MAX_UPLOAD_BYTES // MB} MB"


def clean_name(name: str) -> str:
    """The name to keep and show: its last part only, without control characters, at most 255
    characters with its suffix kept."""
    last = PurePosixPath(name.replace("\\", "/")).name
    kept = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip()
    if len(kept) > 255:
        stem, dot, suffix = kept.rpartition(".")
        kept = f"{stem[: 254 - len(suffix)]}.{suffix}" if dot and len(suffix) < 16 else kept[:255]
    return kept or "file"


def check_count(count: int) -> None:
    if count > MAX_FILES:
        raise UploadError(f"{LABEL}: choose at most {MAX_FILES} files for one update")


def check_size(name: str, size: int) -> None:
    if size > settings.MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{LABEL} must each be smaller than {limit_text()}: “{clean_name(name)}” is larger"
        )
    if size == 0:
        raise UploadError(f"{LABEL}: “{clean_name(name)}” is empty")


def check_all(uploads: list[Upload]) -> list[Checked]:
    """Every file checked, or ``UploadError`` naming the first that is refused and why."""
    check_count(len(uploads))
    for upload in uploads:
        check_size(upload.name, len(upload.data))
    if sum(len(u.data) for u in uploads) > settings.MAX_UPLOAD_BYTES:
        raise UploadError(f"{LABEL} must be smaller than {limit_text()} together")
    return [check(upload) for upload in uploads]


def check(upload: Upload) -> Checked:
    name = clean_name(upload.name)
    kind = KINDS.get(PurePosixPath(name.lower()).suffix)
    if kind is None:
        raise UploadError(f"{LABEL} must be {ALLOWED}: “{name}” is none of these")
    if not _is(kind, name, upload.data):
        raise UploadError(
            f"{LABEL} must be what their names say: “{name}” is not {kind.name} (its contents "
            "are those of another kind of file, or it is damaged)"
        )
    return Checked(name, kind.content_type, upload.data)


def _is(kind: Kind, name: str, data: bytes) -> bool:
    if kind is PDF:
        return data.startswith(b"%PDF-")
    if kind is PNG:
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind is JPEG:
        return data.startswith(b"\xff\xd8\xff")
    if kind in (CSV, TEXT):
        return _is_text(data)
    return _holds(kind, name, data)


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def _holds(kind: Kind, name: str, data: bytes) -> bool:
    """Whether a ZIP-based file is an archive, opened within its budget, with the parts its kind
    has: ``UploadError`` (over budget, damaged, encrypted) says why it cannot be taken."""
    budget = {WORD: DOCX, EXCEL: XLSX}.get(kind, ODF)
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        archive = open_archive(data, budget)
    except UploadError as error:
        raise UploadError(f"{LABEL}: “{name}” cannot be taken. {error}") from None
    names = set(archive.namelist())
    if kind is WORD:
        return {"[Content_Types].xml", "word/document.xml"} <= names
    if kind is EXCEL:
        return {"[Content_Types].xml", "xl/workbook.xml"} <= names
    return "mimetype" in names and archive.read("mimetype") == kind.content_type.encode()
