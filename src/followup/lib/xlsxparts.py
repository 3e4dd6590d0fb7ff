"""The parts of a workbook openpyxl reads whole, measured before it reads them (#11).

openpyxl streams a worksheet in read-only mode, but reads its styles part, shared strings,
workbook part and document properties whole, building an object for each entry: a 29 KB
workbook with 200,000 fonts and 200,000 cell formats in ``xl/styles.xml`` cost 8 s of processor
time and 350 MB. Each such part's elements are counted first, without parsing it; a workbook
past its budget in one is refused, saying which part and what to do.
"""

from __future__ import annotations

import zipfile

from followup.lib.uploads import UploadError, parse_xml

MAX_STYLE_ENTRIES = 50_000  # XML elements of the styles part (fonts, fills, borders, formats)
MAX_WORKBOOK_ENTRIES = 50_000  # of the workbook part (sheets, defined names) and properties
STRINGS_PER_CELL = 4  # XML elements of the shared strings allowed for each cell read

_STYLES = "xl/styles.xml"  # where openpyxl reads the styles, whatever the manifest says
_PROPERTIES = ("docProps/core.xml", "docProps/custom.xml")
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_CSV = "save the sheet as CSV"


def _within(archive: zipfile.ZipFile, name: str, most: int) -> bool:
    """Whether part ``name`` holds at most ``most`` elements.

    Elements are counted as the part's ``<`` characters less its ``</`` ones: in XML a ``<``
    outside a comment or CDATA section opens a tag, so this counts every start and empty-element
    tag, and over-counts only by the declaration, comments and CDATA sections (a bound that errs
    towards refusing). It is counted in C, without a parser's callback for each element: a
    callback per element cost ten times its time whenever Python's allocator gave back and took
    again its memory for each one, which a hostile part of 240,000 elements made take seconds.
    Whether the part is well-formed is openpyxl's to find (it refuses a damaged workbook)."""
    try:
        data = archive.read(name)
    except KeyError:
        return True
    return data.count(b"<") - data.count(b"</") <= most


def _parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The parts the manifest names, by name (without the leading slash): their content type."""
    try:
        manifest = parse_xml(archive.read("[Content_Types].xml"), "workbook's list of parts")
    except KeyError:
        return {}
    return {
        override.get("PartName", "").lstrip("/"): override.get("ContentType", "")
        for override in manifest
        if override.tag.endswith("Override")
    }


def check_parts(archive: zipfile.ZipFile, cells: int) -> None:
    """Refuse a workbook whose parts read whole are larger than a table of ``cells`` cells
    needs; ``UploadError`` names the part."""
    parts = _parts(archive)
    styles = {_STYLES} | {n for n, t in parts.items() if t == _SPREADSHEET + "styles+xml"}
    for name in sorted(styles):
        if not _within(archive, name, MAX_STYLE_ENTRIES):
            raise UploadError(
                f"the workbook's styles part holds more than {MAX_STYLE_ENTRIES:,} entries; "
                f"{_CSV}, or remove unused styles"
            )
    most = STRINGS_PER_CELL * cells
    for name, kind in sorted(parts.items()):
        if kind == _SPREADSHEET + "sharedStrings+xml" and not _within(archive, name, most):
            raise UploadError(
                f"the workbook's shared strings part holds more than {most:,} entries; {_CSV}"
            )
    whole = [n for n, t in parts.items() if t.endswith(".main+xml")]
    for name in sorted({*whole, *_PROPERTIES}):
        if not _within(archive, name, MAX_WORKBOOK_ENTRIES):
            raise UploadError(
                f"the workbook's list of sheets, names and properties holds more than "
                f"{MAX_WORKBOOK_ENTRIES:,} entries; {_CSV}"
            )
