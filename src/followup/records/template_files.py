"""Reading and validating records reading template files (YAML; the format is in
``docs/frameworks.md``), with the framework library's reader and its line-numbered errors.

A template names a framework of the library and, for each question, the codes of the quality
indicators its answers evidence: each code is checked against the framework's assessable
indicators, in its newest loaded version or, when none is loaded, its bundled file. Every problem
is collected, each with its line, before anything is written (``actions_templates``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from followup.frameworks.library import (
    LIBRARY_DIR,
    LibraryFileError,
    Validator,
    compose,
    find_in_library,
    parse_file,
    read_text,
)
from followup.frameworks.models import Framework
from followup.records.models import Agency, AnswerType

# The bundled templates: a folder of the framework library of their own, so that the library's
# loader (which reads the folder's own files) never takes one for a framework.
TEMPLATES_DIR = LIBRARY_DIR / "templates"
DEFAULT_TEMPLATE_KEY = "followup-default"
KIND = "reading-template"
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

_TOP_KEYS = {"kind", "key", "version", "name", "description", "framework", "sections"}
_SECTION_KEYS = {"title", "questions"}
_QUESTION_KEYS = {"key", "prompt", "records", "answer", "critical", "indicators"}
AGENCIES = [agency.value for agency in Agency]
ANSWERS = [answer.value for answer in AnswerType]

# The codes of a framework's assessable quality indicators, by its urn; None if it is unknown.
CodeLookup = Callable[[str], set[str] | None]


def framework_codes(urn: str) -> set[str] | None:
    """The ref_ids of the framework's assessable indicators: in its newest loaded version, or in
    its bundled file when no version is loaded (the loader then loads that file)."""
    framework = Framework.objects.filter(urn=urn).order_by("-version").first()
    if framework is not None:
        return {qi.ref_id for qi in framework.assessable_indicators() if qi.ref_id}
    path = find_in_library(urn)
    if path is None:
        return None
    data = parse_file(path)
    if data["kind"] != "framework":
        return None
    return {node["ref_id"] for node in data["nodes"] if node["assessable"] and node["ref_id"]}


def parse_template_file(path: Path | str, codes: CodeLookup = framework_codes) -> dict[str, Any]:
    """Read and validate a template file; raise LibraryFileError listing every problem."""
    return parse_template_text(read_text(path), Path(path).name, codes)


def parse_template_text(
    text: str, name: str = "<text>", codes: CodeLookup = framework_codes
) -> dict[str, Any]:
    """Validate a template file's text: every problem, each with its line, or the template."""
    checker = Validator(name)
    root = compose(text, name, checker, "question")
    keys = checker.mapping(root, "The template", _TOP_KEYS)
    what = "The template"
    kind = checker.text(keys, "kind", what, required=True, parent=root)
    if kind is not None and kind != KIND:
        checker.error(keys["kind"], f"{what}: 'kind' must be '{KIND}'; got '{kind}'.")
    key = checker.text(keys, "key", what, required=True, parent=root)
    if key is not None and not KEY_PATTERN.match(key):
        checker.error(
            keys["key"],
            f"{what}: 'key' must be lower-case letters and digits joined by hyphens, "
            f"e.g. followup-default; got '{key}'.",
        )
    data: dict[str, Any] = {
        "kind": KIND,
        "key": key,
        "version": checker.integer(keys, "version", what, parent=root, minimum=1),
        "name": checker.text(keys, "name", what, required=True, parent=root),
        "description": checker.text(keys, "description", what, required=True, parent=root),
        "framework": checker.text(keys, "framework", what, required=True, parent=root),
    }
    known = codes(data["framework"]) if data["framework"] else None
    if data["framework"] and known is None:
        checker.error(
            keys["framework"],
            f"{what}: the framework '{data['framework']}' is neither loaded nor in the framework "
            "library; load it first (followup load-framework).",
        )
    data["sections"] = _sections(checker, keys, root, known)
    if checker.errors:
        raise LibraryFileError(name, checker.errors)
    data["digest"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return data


def _sections(
    checker: Validator, keys: dict[str, yaml.Node], root: yaml.Node, known: set[str] | None
) -> list[dict[str, Any]]:
    node = keys.get("sections")
    if node is None:
        checker.error(root, "The template: 'sections' is required.")
        return []
    items = checker.sequence(node, "The template: 'sections'")
    if isinstance(node, yaml.SequenceNode) and not items:
        checker.error(node, "The template: 'sections' must list at least one section.")
    seen: dict[str, int] = {}
    sections = []
    for item in items:
        fields = checker.mapping(item, "A section", _SECTION_KEYS)
        title = checker.text(fields, "title", "A section", required=True, parent=item)
        questions: list[dict[str, Any]] = []
        questions_node = fields.get("questions")
        if questions_node is None:
            checker.error(item, "A section: 'questions' is required.")
        else:
            listed = checker.sequence(questions_node, "A section: 'questions'")
            if isinstance(questions_node, yaml.SequenceNode) and not listed:
                checker.error(
                    questions_node,
                    f"The section '{title or ''}' is empty: 'questions' must list at least one "
                    "question.",
                )
            questions = [_question(checker, question, seen, known) for question in listed]
        sections.append({"title": title, "questions": questions})
    return sections


def _question(
    checker: Validator, item: yaml.Node, seen: dict[str, int], known: set[str] | None
) -> dict[str, Any]:
    what = "A question"
    fields = checker.mapping(item, what, _QUESTION_KEYS)
    key = checker.text(fields, "key", what, required=True, parent=item)
    if key is not None:
        if not KEY_PATTERN.match(key):
            checker.error(
                fields["key"],
                f"{what}: 'key' must be lower-case letters and digits joined by hyphens, "
                f"e.g. chronology-events; got '{key}'.",
            )
        elif key in seen:
            checker.error(
                fields["key"],
                f"The question key '{key}' is used twice (first on line {seen[key]}).",
            )
        else:
            seen[key] = fields["key"].start_mark.line + 1
        what = f"The question '{key}'"
    prompt = checker.text(fields, "prompt", what, required=True, parent=item)
    records = _agencies(checker, fields, what, item)
    answer = checker.text(fields, "answer", what, required=True, parent=item)
    if answer is not None and answer not in ANSWERS:
        checker.error(
            fields["answer"],
            f"{what}: unknown answer type '{answer}' (expected one of: {', '.join(ANSWERS)}).",
        )
    critical = checker.boolean(fields, "critical", what) or False
    if critical and answer == AnswerType.FREE_TEXT:
        checker.error(
            fields["critical"],
            f"{what}: a free-text answer cannot be critical, as no answer is poorer than "
            "another: make the answer six_point or yes_no_na, or remove 'critical'.",
        )
    return {
        "key": key,
        "prompt": prompt,
        "records": records,
        "answer": answer,
        "critical": critical,
        "indicators": _indicators(checker, fields, what, known),
    }


def _list(checker: Validator, fields: dict[str, yaml.Node], key: str, what: str) -> list[Any]:
    """The list's items as (node, text); an item that is not text is reported."""
    node = fields.get(key)
    if node is None:
        return []
    items = []
    for item in checker.sequence(node, f"{what}: '{key}'"):
        value = checker.value(item) if isinstance(item, yaml.ScalarNode) else None
        if isinstance(value, float | int) and not isinstance(value, bool):
            checker.error(
                item, f"{what}: each of '{key}' must be text in quotes, e.g. \"2.1\"; got {value}."
            )
        elif not isinstance(value, str) or not value.strip():
            checker.error(item, f"{what}: each of '{key}' must be non-empty text.")
        else:
            items.append((item, value.strip()))
    return items


def _agencies(
    checker: Validator, fields: dict[str, yaml.Node], what: str, item: yaml.Node
) -> list[str]:
    node = fields.get("records")
    if node is None:
        checker.error(item, f"{what}: 'records' is required.")
        return []
    result = []
    for entry, value in _list(checker, fields, "records", what):
        if value not in AGENCIES:
            checker.error(
                entry,
                f"{what}: unknown agency '{value}' in 'records' (expected any of: "
                f"{', '.join(AGENCIES)}).",
            )
        elif value not in result:
            result.append(value)
    if isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(node, f"{what}: 'records' must name at least one agency's records.")
    return result


def _indicators(
    checker: Validator, fields: dict[str, yaml.Node], what: str, known: set[str] | None
) -> list[str]:
    result = []
    for item, code in _list(checker, fields, "indicators", what):
        if known is not None and code not in known:
            checker.error(
                item,
                f"{what}: unknown quality indicator '{code}' in 'indicators': the framework's "
                f"are {', '.join(sorted(known, key=_code_order))}.",
            )
        elif code not in result:
            result.append(code)
    return result


def _code_order(code: str) -> list[tuple[int, str]]:
    """ "2.1" before "10.1"."""
    return [(int(part) if part.isdigit() else -1, part) for part in code.split(".")]
