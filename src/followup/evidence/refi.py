"""REFI-QDA exchange: write a partnership's codebook (``.qdc``) and project (``.qdpx``).

The files follow QDA-XML 1.0 (the schemas in ``schemas/``) and avoid the interoperability traps
other tools have met:

- positions are code points over the normalised text, exactly as Followup stores them;
- every source is a plain-text file in a lowercase ``sources/`` folder, referred to by
  ``plainTextPath="internal://GUID.txt"``, UTF-8 without a byte-order mark, and never by
  ``richTextPath``;
- children come in the schema's order, and no variable value is written empty;
- the XML has no byte-order mark, and the same data gives the same bytes (stable GUIDs, a fixed
  time stamp inside the ZIP), so two exports can be compared.

Memos become ``Note``s referred to by ``NoteRef``; a case's memo is its ``Description`` (the schema
gives cases no notes); case attributes are text ``Variable``s.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from followup.evidence.models import Case, Code, Coding, Source
from followup.lib.uploads import UploadError, parse_xml
from followup.partnerships.models import Partnership

if TYPE_CHECKING:
    import xmlschema

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Followup"
# Derived GUIDs (notes, selections, variables, users) are version-5 UUIDs in this namespace.
FOLLOWUP_NS = uuid.UUID("5b0c1e2a-7d43-4f8e-9a61-0d2f6b1c9e47")
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


class ExchangeError(ValueError):
    """A file that cannot be exchanged, with the reason in plain words."""


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    """The bundled schema: ``Codebook`` or ``Project``. The schema library is imported here, when
    a file is first checked: importing it took a fifth of a second of every ``followup``
    command's start, and every page's, for the few that read REFI-QDA files."""
    import xmlschema

    filename = {"Codebook": "Codebook.xsd", "Project": "Project-mrt2019.xsd"}[name]
    return xmlschema.XMLSchema(str(files("followup.evidence") / "schemas" / filename))


def schema_problems(xml: bytes | str | ET.Element, name: str, limit: int = 5) -> list[str]:
    """What the schema says is wrong with the document, in plain words (empty when valid).

    ``xml`` is the file's bytes or text (parsed here without DTDs or entities, within the budget
    of ``lib.uploads.parse_xml``), or a root element already parsed that way."""
    if isinstance(xml, ET.Element):
        root = xml
    else:
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return ["The file is not well-formed XML: it is not UTF-8 text"]
        try:
            root = parse_xml(data, "file")
        except UploadError as problem:
            return [str(problem)]
    problems = []
    for error in schema(name).iter_errors(root):
        problems.append(_plain(error))
        if len(problems) >= limit:
            break
    return problems


_NAMESPACES = ("{urn:QDA-XML:codebook:1.0}", "{urn:QDA-XML:project:1.0}")
_PATTERNS = (
    (
        "value doesn't match any pattern of ['([0-9a-fA-F]{8}",
        "is not a GUID (32 hexadecimal digits in groups of 8-4-4-4-12)",
    ),
    ("value doesn't match any pattern of ['#", "is not a colour such as #1d70b8"),
)


# The schema library's wording, by how it begins, and a plain sentence to put before it.
_SENTENCES = (
    (
        "Unexpected child",
        "an element is there that the REFI-QDA format does not allow in that place",
    ),
    ("missing required attribute", "a required attribute is missing"),
    ("The content of element", "an element is missing a part the REFI-QDA format requires"),
    ("attribute ", "an attribute has a value the REFI-QDA format does not allow"),
    ("invalid value", "a value is not one the REFI-QDA format allows"),
)
QUOTED_CHARS = 40  # the longest value a complaint echoes back from the file


def _short_quotes(text: str) -> str:
    """The complaint with each value it quotes from the file ('…') cut to ``QUOTED_CHARS``."""
    parts = text.split("'")
    for index in range(1, len(parts), 2):
        if len(parts[index]) > QUOTED_CHARS:
            parts[index] = parts[index][:QUOTED_CHARS] + "…"
    return "'".join(parts)


def _plain(error: Any) -> str:
    """The schema's complaint in plain words: a sentence of Followup's, then the schema check's
    own detail with any value it quotes cut short. Plain string operations only: the complaint
    quotes the file, so no regular expression runs over it."""
    reason = _short_quotes(str(error.reason or error.message))[:500]
    for namespace in _NAMESPACES:
        reason = reason.replace(namespace, "")
    for pattern, plain in _PATTERNS:
        at = reason.find(pattern)
        if at >= 0:
            reason = reason[:at] + plain
    element = getattr(error, "elem", None)
    name = element.get("name") if element is not None and hasattr(element, "get") else None
    where = str(error.path or "the document")
    for namespace in _NAMESPACES:
        where = where.replace(namespace, "")
    if name:
        where += f" (name “{name[:100]}”)"
    sentence = next(
        (plain for start, plain in _SENTENCES if reason.startswith(start)),
        "part of the file does not follow the REFI-QDA format",
    )
    return f"At {where}, {sentence}. The schema check says: {reason}"


def _guid(value: uuid.UUID) -> str:
    return str(value).upper()


def derived_guid(*parts: object) -> str:
    return _guid(uuid.uuid5(FOLLOWUP_NS, ":".join(str(part) for part in parts)))


def _code_tree(partnership: Partnership) -> dict[int | None, list[Code]]:
    children: dict[int | None, list[Code]] = defaultdict(list)
    codes = Code.objects.filter(partnership=partnership).select_related("quality_indicator")
    for code in codes.order_by("name", "pk"):
        children[code.parent_id].append(code)
    return children


def _code_element(
    tag: str,
    code: Code,
    children: dict[int | None, list[Code]],
    notes: list[tuple[str, str, str]] | None,
) -> ET.Element:
    attributes = {
        "guid": _guid(code.guid),
        "name": code.name,
        "isCodable": "false" if code.is_heading else "true",  # a heading groups codes only
        "color": code.colour,
    }
    element = ET.Element(f"{{{tag}}}Code", attributes)
    if code.description:
        ET.SubElement(element, f"{{{tag}}}Description").text = code.description
    if notes is not None and code.memo:
        note = derived_guid("memo", code.guid)
        notes.append((note, f"Memo on the code {code.name}", code.memo))
        ET.SubElement(element, f"{{{tag}}}NoteRef", {"targetGUID": note})
    for child in children.get(code.pk, []):
        element.append(_code_element(tag, child, children, notes))
    return element


def _serialise(root: ET.Element, namespace: str) -> bytes:
    ET.register_namespace("", namespace)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def codebook_xml(partnership: Partnership) -> bytes:
    """The partnership's codebook as a REFI-QDA ``.qdc`` file."""
    children = _code_tree(partnership)
    if not children.get(None):
        raise ExchangeError("The codebook has no codes yet, so there is nothing to export")
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN})
    codes = ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    for code in children[None]:
        codes.append(_code_element(CODEBOOK_NS, code, children, None))
    return _serialise(root, CODEBOOK_NS)


def _user_name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def project_xml(partnership: Partnership) -> tuple[bytes, list[Source]]:
    """The project file ``project.qde`` and the sources whose text goes beside it."""
    p = PROJECT_NS
    root = ET.Element(f"{{{p}}}Project", {"name": partnership.name, "origin": ORIGIN})
    sources = list(
        Source.objects.filter(partnership=partnership)
        .select_related("created_by", "case")
        .order_by("created_at", "pk")
    )
    codings = list(
        Coding.objects.filter(source__partnership=partnership)
        .select_related("created_by")
        .order_by("source_id", "start", "end", "pk")
    )
    cases = list(Case.objects.filter(partnership=partnership).order_by("name", "pk"))
    creators = [s.created_by for s in sources] + [c.created_by for c in codings]
    users = {user.pk: user for user in creators if user is not None}
    if users:
        element = ET.SubElement(root, f"{{{p}}}Users")
        for pk, user in sorted(users.items()):
            ET.SubElement(
                element,
                f"{{{p}}}User",
                {"guid": derived_guid("user", pk), "name": _user_name(user)},
            )
    notes: list[tuple[str, str, str]] = []
    children = _code_tree(partnership)
    if children.get(None):
        codebook = ET.SubElement(root, f"{{{p}}}CodeBook")
        codes = ET.SubElement(codebook, f"{{{p}}}Codes")
        for code in children[None]:
            codes.append(_code_element(p, code, children, notes))
    names = sorted({name for case in cases for name in case.attributes})
    if names:
        element = ET.SubElement(root, f"{{{p}}}Variables")
        for name in names:
            ET.SubElement(
                element,
                f"{{{p}}}Variable",
                {"guid": derived_guid("variable", name), "name": name, "typeOfVariable": "Text"},
            )
    _cases(root, cases, sources)
    if sources:
        element = ET.SubElement(root, f"{{{p}}}Sources")
        by_source: dict[int, list[Coding]] = defaultdict(list)
        for coding in codings:
            by_source[coding.source_id].append(coding)
        for source in sources:
            element.append(_text_source(source, by_source[source.pk], notes))
    if notes:
        element = ET.SubElement(root, f"{{{p}}}Notes")
        for guid, name, text in notes:
            note = ET.SubElement(element, f"{{{p}}}Note", {"guid": guid, "name": name})
            ET.SubElement(note, f"{{{p}}}PlainTextContent").text = text
    return _serialise(root, PROJECT_NS), sources


def _cases(root: ET.Element, cases: list[Case], sources: list[Source]) -> None:
    if not cases:
        return
    p = PROJECT_NS
    in_case: dict[int, list[Source]] = defaultdict(list)
    for source in sources:
        if source.case_id is not None:
            in_case[source.case_id].append(source)
    element = ET.SubElement(root, f"{{{p}}}Cases")
    for case in cases:
        item = ET.SubElement(element, f"{{{p}}}Case", {"guid": _guid(case.guid), "name": case.name})
        if case.memo:
            ET.SubElement(item, f"{{{p}}}Description").text = case.memo
        for name, value in sorted(case.attributes.items()):
            if value is None or str(value) == "":
                continue  # an empty value is left out, never written empty
            variable = ET.SubElement(item, f"{{{p}}}VariableValue")
            ET.SubElement(
                variable, f"{{{p}}}VariableRef", {"targetGUID": derived_guid("variable", name)}
            )
            ET.SubElement(variable, f"{{{p}}}TextValue").text = str(value)
        for source in in_case[case.pk]:
            ET.SubElement(item, f"{{{p}}}SourceRef", {"targetGUID": _guid(source.guid)})


def _text_source(
    source: Source, codings: Iterable[Coding], notes: list[tuple[str, str, str]]
) -> ET.Element:
    p = PROJECT_NS
    element = ET.Element(
        f"{{{p}}}TextSource",
        {
            "guid": _guid(source.guid),
            "name": source.title,
            "plainTextPath": f"internal://{_guid(source.guid)}.txt",
        },
    )
    spans: dict[tuple[int, int], list[Coding]] = defaultdict(list)
    for coding in codings:
        spans[(coding.start, coding.end)].append(coding)
    for (start, end), group in spans.items():
        selection = ET.SubElement(
            element,
            f"{{{p}}}PlainTextSelection",
            {
                "guid": derived_guid("selection", source.guid, start, end),
                "name": source.text[start:end][:100],
                "startPosition": str(start),
                "endPosition": str(end),
            },
        )
        for coding in group:
            attributes = {"guid": _guid(coding.guid)}
            if coding.created_by_id is not None:
                attributes["creatingUser"] = derived_guid("user", coding.created_by_id)
            item = ET.SubElement(selection, f"{{{p}}}Coding", attributes)
            ET.SubElement(item, f"{{{p}}}CodeRef", {"targetGUID": _guid(coding.code.guid)})
            if coding.memo:
                note = derived_guid("memo", coding.guid)
                notes.append((note, f"Memo on a coding in {source.title}", coding.memo))
                ET.SubElement(item, f"{{{p}}}NoteRef", {"targetGUID": note})
    if source.memo:
        note = derived_guid("memo", source.guid)
        notes.append((note, f"Memo on {source.title}", source.memo))
        ET.SubElement(element, f"{{{p}}}NoteRef", {"targetGUID": note})
    return element


def project_qdpx(partnership: Partnership) -> bytes:
    """The whole project as a ``.qdpx`` archive: ``project.qde`` and ``sources/GUID.txt``."""
    xml, sources = project_xml(partnership)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", ZIP_TIME), xml, zipfile.ZIP_DEFLATED)
        for source in sources:
            info = zipfile.ZipInfo(f"sources/{_guid(source.guid)}.txt", ZIP_TIME)
            archive.writestr(info, source.text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
