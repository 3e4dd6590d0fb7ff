"""REFI-QDA exchange: read a ``.qdc`` codebook or a ``.qdpx`` project written by any tool.

Reading is in two steps, so that a file imports whole or not at all: ``read_qdc`` and
``read_qdpx`` check the file against the schema and every reference inside it, and return what
would be created (or raise ``ExchangeError`` with every problem in plain words); ``apply_exchange``
in ``actions`` then writes it in one transaction.

Positions in other tools' files are code points over the source's plain text. Followup normalises
text once (NFC, ``\\n`` line endings); when that changes a source (a file with CRLF endings, say),
each position is carried over to the same place in the normalised text.

Known departures from the schema that other tools write, and which are accepted:
- an empty ``<Sets/>`` (Taguette 1.5 writes one into every codebook; the schema wants a ``Set``).

What a file may cost is bounded (``lib.uploads``): the archive is unpacked once within a budget,
the XML is parsed without DTDs or entities and within a budget of depth and elements, each
source's text and the project's text in all are capped, and no step takes time growing faster
than the file (no regular expression runs over it; positions are mapped in one pass).
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from followup.evidence.coding_caps import check_project, count_codes
from followup.evidence.limits import (
    ATTRIBUTE_NAME_CHARS,
    ATTRIBUTE_VALUE_CHARS,
    CASE_NAME_CHARS,
    CODE_NAME_CHARS,
    CODE_TEXT_CHARS,
    SOURCE_NAME_CHARS,
    shown,
    too_long,
)
from followup.evidence.refi import CODEBOOK_NS, PROJECT_NS, ExchangeError, schema_problems
from followup.evidence.text import normalise, normalised_offsets
from followup.lib.uploads import (
    MAX_TEXT_CHARS,
    QDPX,
    UploadError,
    open_archive,
    parse_xml,
)

# The text of all the sources and notes of one project, in characters.
MAX_PROJECT_CHARS = 20_000_000


@dataclass
class CodeSpec:
    guid: uuid.UUID
    name: str
    colour: str
    description: str
    memo: str = ""
    children: list[CodeSpec] = field(default_factory=list)


@dataclass
class CodingSpec:
    code: uuid.UUID
    start: int
    end: int
    guid: uuid.UUID
    memo: str = ""


@dataclass
class SourceSpec:
    guid: uuid.UUID
    name: str
    text: str
    memo: str = ""
    codings: list[CodingSpec] = field(default_factory=list)


@dataclass
class CaseSpec:
    guid: uuid.UUID
    name: str
    memo: str
    attributes: dict[str, str]
    sources: list[uuid.UUID]


@dataclass
class Exchange:
    """What a file holds, checked and ready to write."""

    codes: list[CodeSpec]
    sources: list[SourceSpec] = field(default_factory=list)
    cases: list[CaseSpec] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def all_codes(self) -> list[CodeSpec]:
        found: list[CodeSpec] = []
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            found.append(code)
            stack.extend(reversed(code.children))
        return found


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value.strip("{}"))


def _colour(value: str | None) -> str:
    if not value:
        return "#1d70b8"
    if len(value) == 4:  # #RGB
        return "#" + "".join(c * 2 for c in value[1:]).lower()
    return value.lower()


def _checked(xml: bytes, schema_name: str) -> ET.Element:
    kind = "codebook" if schema_name == "Codebook" else "project"
    refused = f"This is not a valid REFI-QDA {kind} file, so nothing was imported. "
    if xml.startswith(b"\xef\xbb\xbf"):
        xml = xml[3:]
    try:
        xml.decode("utf-8")
    except UnicodeDecodeError:
        raise ExchangeError(
            refused + "The file is not well-formed XML: it is not UTF-8 text"
        ) from None
    try:
        root = parse_xml(xml, "file")
    except UploadError as error:
        raise ExchangeError(refused + str(error)) from None
    _drop_empty_sets(root)
    count_codes(root, CODEBOOK_NS if schema_name == "Codebook" else PROJECT_NS)
    if schema_name == "Project":
        check_project(root)
    problems = schema_problems(root, schema_name)
    if problems:
        raise ExchangeError(refused + " ".join(problems))
    return root


def _drop_empty_sets(root: ET.Element) -> None:
    """Taguette's empty ``<Sets/>``: removed before the schema sees it."""
    for parent in root.iter():
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if (
                tag.rpartition("}")[2] == "Sets"
                and len(child) == 0
                and not (child.text or "").strip()
            ):
                parent.remove(child)


def _memo(element: ET.Element, ns: str, notes: dict[str, str]) -> str:
    """The text of the notes an element refers to with NoteRef, one after another."""
    targets = (ref.get("targetGUID", "").upper() for ref in element.findall(f"{{{ns}}}NoteRef"))
    return "\n\n".join(notes[t] for t in targets if t in notes)


def _codes(parent: ET.Element, ns: str, notes: dict[str, str]) -> list[CodeSpec]:
    found = []
    for element in parent.findall(f"{{{ns}}}Code"):
        name = _name(element, "code", CODE_NAME_CHARS) or "Unnamed code"
        description = element.findtext(f"{{{ns}}}Description") or ""
        memo = _memo(element, ns, notes)
        for what, text in (("description", description), ("memo", memo)):
            if len(text) > CODE_TEXT_CHARS:
                raise ExchangeError(
                    too_long(f"The {what} of the code “{shown(name)}”", text, CODE_TEXT_CHARS)
                    + ". Nothing was imported."
                )
        found.append(
            CodeSpec(
                guid=_uuid(element.get("guid", "")),
                name=name,
                colour=_colour(element.get("color")),
                description=description,
                memo=memo,
                children=_codes(element, ns, notes),
            )
        )
    return found


def read_qdc(data: bytes) -> Exchange:
    """A ``.qdc`` codebook, checked against the Codebook schema."""
    if data[:4] == b"PK\x03\x04":
        raise ExchangeError(
            "This is not a valid REFI-QDA codebook file, so nothing was imported. "
            "The file is not well-formed XML: it is a ZIP archive (a .qdpx project?)"
        )
    root = _checked(data, "Codebook")
    codebook = root.find(f"{{{CODEBOOK_NS}}}Codes")
    exchange = Exchange(codes=_codes(codebook, CODEBOOK_NS, {}) if codebook is not None else [])
    _check_codes(exchange)
    return exchange


def _check_codes(exchange: Exchange) -> None:
    seen: set[uuid.UUID] = set()
    for code in exchange.all_codes():
        if code.guid in seen:
            raise ExchangeError(
                f"Two codes share the GUID {code.guid}, so nothing was imported. "
                f"The second is “{code.name}”."
            )
        seen.add(code.guid)

    def siblings(codes: list[CodeSpec], where: str) -> None:
        names: set[str] = set()
        for code in codes:
            if code.name in names:
                raise ExchangeError(
                    f"Two codes {where} are both called “{code.name}”; Followup needs names "
                    "to differ under one parent. Nothing was imported."
                )
            names.add(code.name)
            siblings(code.children, f"inside “{code.name}”")

    siblings(exchange.codes, "at the top level")


class _Reader:
    """The archive's entries, and the text read from them so far against the project's cap."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {info.filename: info for info in archive.infolist()}
        self.chars = 0

    def text(self, text: str, label: str) -> str:
        """Text of a source or note, within the caps, without null characters."""
        if len(text) > MAX_TEXT_CHARS:
            raise self.too_long(label)
        self.chars += len(text)
        if self.chars > MAX_PROJECT_CHARS:
            raise ExchangeError(
                f"The project holds more than {MAX_PROJECT_CHARS:,} characters of text; "
                "export it in parts. Nothing was imported"
            )
        if "\x00" in text:
            raise ExchangeError(f"{label} contains a null character; nothing was imported")
        return text

    @staticmethod
    def too_long(label: str) -> ExchangeError:
        return ExchangeError(
            f"{label} holds more than {MAX_TEXT_CHARS:,} characters of text; split it into "
            "smaller sources. Nothing was imported"
        )

    def read(self, path: str, label: str) -> str:
        if not path.startswith("internal://"):
            raise ExchangeError(
                f"{label}: its text is at {path[:200]}, outside the archive; export the project "
                "with the sources inside it (internal://)"
            )
        inner = "sources/" + path.removeprefix("internal://")
        info = self.names.get(inner)
        if info is None:
            raise ExchangeError(f"{label}: the archive has no file {inner[:200]}")
        if info.file_size > 4 * MAX_TEXT_CHARS:  # more bytes than the longest text may have
            raise self.too_long(label)
        try:
            return self.text(self.archive.read(inner).decode("utf-8-sig"), label)
        except UnicodeDecodeError:
            raise ExchangeError(f"{label}: {inner[:200]} is not UTF-8 text") from None


def read_qdpx(data: bytes) -> Exchange:
    """A ``.qdpx`` project, checked against the Project schema and its own references."""
    try:
        archive = open_archive(data, QDPX)
    except UploadError as error:
        raise ExchangeError(f"{error}. Nothing was imported.") from None
    reader = _Reader(archive)
    if "project.qde" not in reader.names:
        raise ExchangeError("The archive has no project.qde file at its top level")
    root = _checked(archive.read("project.qde"), "Project")
    p = PROJECT_NS
    warnings: list[str] = []
    notes = {}
    for note in root.iterfind(f"{{{p}}}Notes/{{{p}}}Note"):
        label = f"The note “{(note.get('name') or '')[:100]}”"
        text = note.findtext(f"{{{p}}}PlainTextContent")
        path = note.get("plainTextPath")
        if text is None and path:
            text = reader.read(path, label)
        notes[note.get("guid", "").upper()] = normalise(reader.text(text or "", label))
    codebook = root.find(f"{{{p}}}CodeBook/{{{p}}}Codes")
    exchange = Exchange(codes=_codes(codebook, p, notes) if codebook is not None else [])
    _check_codes(exchange)
    code_guids = {code.guid for code in exchange.all_codes()}
    for kind in ("PictureSource", "PDFSource", "AudioSource", "VideoSource"):
        count = len(root.findall(f"{{{p}}}Sources/{{{p}}}{kind}"))
        if count:
            warnings.append(
                f"{count} {kind.removesuffix('Source').lower()} source{'s' if count != 1 else ''} "
                "left out: Followup holds text sources only"
            )
    source_guids: set[uuid.UUID] = set()
    for element in root.iterfind(f"{{{p}}}Sources/{{{p}}}TextSource"):
        source = _text_source(element, reader, notes, code_guids, warnings)
        if source.guid in source_guids:
            raise ExchangeError(
                f"Two sources share the GUID {source.guid}, so nothing was imported. "
                f"The second is “{source.name}”."
            )
        source_guids.add(source.guid)
        exchange.sources.append(source)
    variables = {
        variable.get("guid", "").upper(): variable.get("name", "")
        for variable in root.iterfind(f"{{{p}}}Variables/{{{p}}}Variable")
    }
    claimed: dict[uuid.UUID, str] = {}
    for element in root.iterfind(f"{{{p}}}Cases/{{{p}}}Case"):
        name = _name(element, "case", CASE_NAME_CHARS) or f"Case {element.get('guid')}"
        attributes = _variable_values(element, variables, name)
        members = []
        for ref in element.findall(f"{{{p}}}SourceRef"):
            target = _uuid(ref.get("targetGUID", ""))
            if target not in source_guids:
                continue
            if target in claimed:
                warnings.append(
                    f"a source is in the cases “{claimed[target]}” and “{name}”; "
                    f"Followup keeps it in “{claimed[target]}” only"
                )
                continue
            claimed[target] = name
            members.append(target)
        exchange.cases.append(
            CaseSpec(
                guid=_uuid(element.get("guid", "")),
                name=name,
                memo=element.findtext(f"{{{p}}}Description") or "",
                attributes=attributes,
                sources=members,
            )
        )
    exchange.warnings = warnings
    _check_guids(exchange)
    return exchange


def _check_guids(exchange: Exchange) -> None:
    """Refuse a GUID that two items share, whatever their kinds: a code and a source, say."""
    items = [("code", code.name, code.guid) for code in exchange.all_codes()]
    items += [("source", source.name, source.guid) for source in exchange.sources]
    items += [("case", case.name, case.guid) for case in exchange.cases]
    seen: dict[uuid.UUID, str] = {}
    for kind, name, guid in items:
        item = f"the {kind} “{shown(name)}”"
        if guid in seen:
            raise ExchangeError(
                f"The GUID {str(guid).upper()} is used twice, by {seen[guid]} and {item}; each "
                "item needs a GUID of its own. Nothing was imported."
            )
        seen[guid] = item


def _variable_values(element: ET.Element, variables: dict[str, str], case: str) -> dict[str, str]:
    p = PROJECT_NS
    attributes = {}
    for value in element.findall(f"{{{p}}}VariableValue"):
        ref = value.find(f"{{{p}}}VariableRef")
        name = variables.get((ref.get("targetGUID", "") if ref is not None else "").upper())
        if not name:
            continue
        if len(name) > ATTRIBUTE_NAME_CHARS:
            raise ExchangeError(
                too_long(
                    f"The case “{shown(case)}” has an attribute whose name",
                    name,
                    ATTRIBUTE_NAME_CHARS,
                )
                + ". Nothing was imported."
            )
        for child in value:
            if child.tag != f"{{{p}}}VariableRef" and child.text is not None:
                text = child.text.strip()
                if len(text) > ATTRIBUTE_VALUE_CHARS:
                    raise ExchangeError(
                        too_long(
                            f"The case “{shown(case)}”, attribute “{shown(name)}”: its value",
                            text,
                            ATTRIBUTE_VALUE_CHARS,
                        )
                        + ". Nothing was imported."
                    )
                attributes[name] = text
    return attributes


def _name(element: ET.Element, kind: str, limit: int) -> str:
    """An item's name, refused (never cut short) if it is longer than Followup keeps."""
    name = (element.get("name") or "").strip()
    if len(name) > limit:
        raise ExchangeError(
            too_long(
                f"The name of the {kind} “{shown(name)}” (GUID {element.get('guid', '')[:40]})",
                name,
                limit,
            )
            + ". Nothing was imported."
        )
    return name


def _text_source(
    element: ET.Element,
    reader: _Reader,
    notes: dict[str, str],
    code_guids: set[uuid.UUID],
    warnings: list[str],
) -> SourceSpec:
    p = PROJECT_NS
    name = _name(element, "source", SOURCE_NAME_CHARS) or f"Source {element.get('guid')}"
    label = f"The source “{name}”"
    raw = element.findtext(f"{{{p}}}PlainTextContent")
    if raw is None:
        path = element.get("plainTextPath")
        if not path:
            raise ExchangeError(f"{label} has neither text nor a plainTextPath")
        raw = reader.read(path, label)
    else:
        raw = reader.text(raw, label)
    raw = raw.lstrip("\ufeff")
    selections = element.findall(f"{{{p}}}PlainTextSelection")
    positions: set[int] = set()
    for selection in selections:
        start, end = int(selection.get("startPosition", 0)), int(selection.get("endPosition", 0))
        if not 0 <= start <= end <= len(raw):
            raise ExchangeError(
                f"The source “{name}” has a selection from {start} to {end}, outside its text "
                f"of {len(raw)} characters; nothing was imported"
            )
        positions.update((start, end))
    try:
        where = normalised_offsets(raw, positions)
    except ValueError as error:
        raise ExchangeError(f"{label}: {error}; nothing was imported") from None
    spec = SourceSpec(guid=_uuid(element.get("guid", "")), name=name, text=normalise(raw))
    spec.memo = _memo(element, p, notes)
    empty = 0
    codings: list[tuple[ET.Element | None, ET.Element]] = [
        (s, c) for s in selections for c in s.findall(f"{{{p}}}Coding")
    ]
    codings += [(None, c) for c in element.findall(f"{{{p}}}Coding")]
    for span, coding in codings:
        if span is None:  # a coding of the whole source
            start, end = 0, len(spec.text)
        else:
            start = where[int(span.get("startPosition", 0))]
            end = where[int(span.get("endPosition", 0))]
        if end <= start:
            empty += 1
            continue
        ref = coding.find(f"{{{p}}}CodeRef")
        code = _uuid(ref.get("targetGUID", "") if ref is not None else "")
        if code not in code_guids:
            raise ExchangeError(
                f"The source “{name}” has a coding with the code {code}, which is not in the "
                "codebook; nothing was imported"
            )
        memo = _memo(coding, p, notes)
        if span is not None and not memo:
            memo = span.findtext(f"{{{p}}}Description") or ""
        spec.codings.append(
            CodingSpec(
                code=code, start=start, end=end, guid=_uuid(coding.get("guid", "")), memo=memo
            )
        )
    if empty:
        warnings.append(f"{empty} empty selection{'s' if empty != 1 else ''} in “{name}” left out")
    return spec


def import_summary(counts: dict[str, int], warnings: list[str]) -> str:
    """What an import added, in one sentence, with any notes on what was left out."""
    parts = [
        f"{n:,} {what[:-1] if n == 1 else what}"
        for what, n in counts.items()
        if n or what in ("codes", "codings")
    ]
    text = "Imported " + ", ".join(parts) + "."
    if warnings:
        text += " Note: " + "; ".join(warnings) + "."
    return text
