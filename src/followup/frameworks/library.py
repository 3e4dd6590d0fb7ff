"""Reading, validating and loading framework library files.

A library file is YAML describing either a ``scale`` or a ``framework`` (the schema is in
``docs/frameworks.md``). Validation collects every problem, each with its line number, before
anything is written; loading happens in one transaction, so a bad file loads nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from followup.audit.log import record
from followup.frameworks.models import Framework, Publisher, QualityIndicator, Scale
from followup.lib.types import Actor
from followup.lib.uploads import UploadError
from followup.lib.yamlfiles import compose_untrusted

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


class LibraryFileError(Exception):
    """A library file that cannot be loaded; ``errors`` holds every problem found."""

    def __init__(self, path: str, errors: list[str]) -> None:
        self.path = path
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class LoadResult:
    kind: str
    urn: str
    version: int
    name: str
    created: bool
    messages: list[str] = field(default_factory=list)


_TOP_COMMON = {"kind", "urn", "version", "name", "description", "notes", "sources"}
_TOP_KEYS = {
    "scale": _TOP_COMMON | {"levels"},
    "framework": _TOP_COMMON | {"short_name", "provider", "published", "scale", "nodes"},
    "publisher": _TOP_COMMON
    | {
        "address",
        "telephone",
        "email",
        "website",
        "licence",
        "licence_url",
        "enquiries",
        "logo",
        "logo_text",
    },
}
_PUBLISHER_TEXT = ("telephone", "email", "website", "licence", "licence_url", "enquiries")
# A logo is a PNG beside the library file, small enough to sit in every report.
MAX_LOGO_BYTES = 256 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_LEVEL_KEYS = {"value", "word", "meaning", "description"}
_NODE_KEYS = {
    "urn",
    "ref_id",
    "ref_id_confirmed",
    "name",
    "description",
    "also_known_as",
    "assessable",
    "notes",
    "children",
}
_SOURCE_KEYS = {"title", "url"}


class Validator:
    """Walks the composed YAML nodes so that each problem can name its line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[str] = []
        self._constructor = yaml.SafeLoader("")

    def error(self, node: yaml.Node | None, message: str) -> None:
        line = f"line {node.start_mark.line + 1}" if node is not None else "file"
        self.errors.append(f"{self.path}, {line}: {message}")

    def value(self, node: yaml.Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values.")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.error(key_node, f"{what}: keys must be plain words.")
                continue
            if key in result:
                self.error(key_node, f"{what}: the key '{key}' appears twice.")
                continue
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.error(key_node, f"{what}: unknown key '{key}' (expected one of: {expected}).")
                continue
            result[key] = value_node
        return result

    def text(
        self, keys: dict[str, yaml.Node], key: str, what: str, *, required: bool, parent: yaml.Node
    ) -> str | None:
        node = keys.get(key)
        if node is None:
            if required:
                self.error(parent, f"{what}: '{key}' is required.")
            return None
        value = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and key == "ref_id":
            self.error(node, f"{what}: '{key}' must be text in quotes, e.g. \"2.1\"; got {value}.")
            return None
        if isinstance(value, int) and not isinstance(value, bool) and key == "published":
            return str(value)
        if not isinstance(value, str) or not value.strip():
            if required or value is not None:
                self.error(node, f"{what}: '{key}' must be non-empty text.")
            return None
        return value.strip()

    def integer(
        self, keys: dict[str, yaml.Node], key: str, what: str, *, parent: yaml.Node, minimum: int
    ) -> int | None:
        node = keys.get(key)
        if node is None:
            self.error(parent, f"{what}: '{key}' is required.")
            return None
        value = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.error(node, f"{what}: '{key}' must be a whole number of at least {minimum}.")
            return None
        return value

    def boolean(self, keys: dict[str, yaml.Node], key: str, what: str) -> bool | None:
        node = keys.get(key)
        if node is None:
            return None
        value = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, bool):
            self.error(node, f"{what}: '{key}' must be true or false.")
            return None
        return value

    def urn(self, keys: dict[str, yaml.Node], what: str, parent: yaml.Node) -> str | None:
        value = self.text(keys, "urn", what, required=True, parent=parent)
        if value is not None and (not value.startswith("urn:") or " " in value):
            self.error(keys["urn"], f"{what}: 'urn' must start with 'urn:' and contain no spaces.")
            return None
        return value

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list.")
            return []
        return list(node.value)

    def sources(self, keys: dict[str, yaml.Node], what: str) -> list[dict[str, str]]:
        node = keys.get("sources")
        if node is None:
            return []
        result = []
        for item in self.sequence(node, f"{what}: 'sources'"):
            source = self.mapping(item, "A source", _SOURCE_KEYS)
            title = self.text(source, "title", "A source", required=True, parent=item)
            url = self.text(source, "url", "A source", required=False, parent=item)
            if title:
                result.append({"title": title, "url": url or ""})
        return result


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


MB = 1024 * 1024
# A framework library file: the largest bundled one is well under 1 MB.
MAX_LIBRARY_BYTES = 10 * MB


def parse_file(path: Path | str) -> dict[str, Any]:
    """Read and validate a library file; raise LibraryFileError listing every problem."""
    return parse_text(read_text(path), Path(path).name, folder=Path(path).parent)


def read_text(path: Path | str) -> str:
    """A library file's text, within its size limit; LibraryFileError if it cannot be read."""
    path = Path(path)
    name = path.name
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LIBRARY_BYTES + 1)
    except OSError as error:
        raise LibraryFileError(
            name, [f"{name}: cannot read the file ({error.strerror})."]
        ) from None
    if len(data) > MAX_LIBRARY_BYTES:
        raise LibraryFileError(
            name, [f"{name}: the file is larger than {MAX_LIBRARY_BYTES // MB} MB; split it."]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LibraryFileError(
            name, [f"{name}: the file must be UTF-8 text (byte {error.start + 1} is not)."]
        ) from None


def compose(text: str, name: str, checker: Validator, each: str) -> yaml.MappingNode:
    """A library file's top mapping, its nodes knowing their lines; LibraryFileError if the text
    is not YAML, is hostile (``lib.yamlfiles``; ``each`` is what to write out), or no mapping."""
    try:
        root = compose_untrusted(text, "the file", each)
    except UploadError as error:
        raise LibraryFileError(name, [f"{name}: {error}."]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = f"line {mark.line + 1}" if mark is not None else "file"
        raise LibraryFileError(
            name, [f"{name}, {line}: not valid YAML: {error.problem}."]
        ) from None
    except yaml.YAMLError:
        raise LibraryFileError(
            name, [f"{name}: not valid YAML: it holds a character YAML does not allow."]
        ) from None
    if root is None:
        raise LibraryFileError(name, [f"{name}: the file is empty."])
    if not isinstance(root, yaml.MappingNode):
        checker.error(root, "The file must be a mapping of keys to values.")
        raise LibraryFileError(name, checker.errors)
    return root


def parse_text(text: str, name: str = "<text>", *, folder: Path | None = None) -> dict[str, Any]:
    """Validate a library file's text; ``folder`` is where a publisher's logo file is found."""
    checker = Validator(name)
    root = compose(text, name, checker, "quality indicator")
    kind_keys = {
        key.value: value
        for key, value in root.value
        if isinstance(key, yaml.ScalarNode) and key.value == "kind"
    }
    kind = checker.text(kind_keys, "kind", "The file", required=True, parent=root)
    if kind not in _TOP_KEYS:
        if kind is not None:
            checker.error(
                kind_keys["kind"], "The file: 'kind' must be 'scale', 'framework' or 'publisher'."
            )
        raise LibraryFileError(name, checker.errors)
    keys = checker.mapping(root, f"The {kind}", _TOP_KEYS[kind])
    data: dict[str, Any] = {
        "kind": kind,
        "urn": checker.urn(keys, f"The {kind}", root),
        "version": checker.integer(keys, "version", f"The {kind}", parent=root, minimum=1),
        "name": checker.text(keys, "name", f"The {kind}", required=True, parent=root),
        "description": checker.text(keys, "description", f"The {kind}", required=False, parent=root)
        or "",
        "notes": checker.text(keys, "notes", f"The {kind}", required=False, parent=root) or "",
        "sources": checker.sources(keys, f"The {kind}"),
    }
    if kind == "scale":
        data["levels"] = _parse_levels(checker, keys, root)
    elif kind == "publisher":
        data.update(_parse_publisher(checker, keys, root, folder))
    else:
        for key in ("short_name", "provider", "published"):
            data[key] = checker.text(keys, key, "The framework", required=False, parent=root) or ""
        data["scale"] = checker.text(keys, "scale", "The framework", required=True, parent=root)
        data["nodes"] = _parse_nodes(checker, keys, root)
    if checker.errors:
        raise LibraryFileError(name, checker.errors)
    data["digest"] = _digest(data)
    return data


def _parse_publisher(
    checker: Validator, keys: dict[str, yaml.Node], root: yaml.Node, folder: Path | None
) -> dict[str, str]:
    """A publisher's address, contact, licence and logo (read from its PNG file, in base64)."""
    data = {
        key: checker.text(keys, key, "The publisher", required=False, parent=root) or ""
        for key in (*_PUBLISHER_TEXT, "address", "logo_text")
    }
    for key in ("website", "licence_url"):
        if data[key] and not data[key].startswith(("https://", "http://")):
            checker.error(keys[key], f"The publisher: '{key}' must be a web address (https://...).")
    if data["licence_url"] and not data["licence"]:
        checker.error(keys["licence_url"], "The publisher: 'licence_url' needs the 'licence' name.")
    data["logo_png"] = ""
    logo = checker.text(keys, "logo", "The publisher", required=False, parent=root)
    if logo is None:
        return data
    if not data["logo_text"]:
        checker.error(keys["logo"], "The publisher: a 'logo' needs 'logo_text' to describe it.")
    path = (folder / logo) if folder is not None and "/" not in logo else None
    content = b""
    if path is not None and path.is_file():
        with path.open("rb") as handle:
            content = handle.read(MAX_LOGO_BYTES + 1)
    if not content.startswith(PNG_SIGNATURE) or len(content) > MAX_LOGO_BYTES:
        checker.error(
            keys["logo"],
            f"The publisher: 'logo' must name a PNG file of at most {MAX_LOGO_BYTES // 1024} KB "
            f"in the same folder as the library file; '{logo}' is not one.",
        )
        return data
    data["logo_png"] = base64.b64encode(content).decode("ascii")
    return data


def _parse_levels(checker: Validator, keys: dict[str, yaml.Node], root: yaml.Node) -> list[Any]:
    node = keys.get("levels")
    if node is None:
        checker.error(root, "The scale: 'levels' is required.")
        return []
    levels: list[dict[str, Any]] = []
    items = checker.sequence(node, "The scale: 'levels'")
    if isinstance(node, yaml.SequenceNode) and len(items) < 2:
        checker.error(node, "The scale: 'levels' needs at least two levels.")
    previous: int | None = None
    for item in items:
        level = checker.mapping(item, "A level", _LEVEL_KEYS)
        value = checker.integer(level, "value", "A level", parent=item, minimum=0)
        word = checker.text(level, "word", "A level", required=True, parent=item)
        meaning = checker.text(level, "meaning", "A level", required=True, parent=item)
        description = checker.text(level, "description", "A level", required=False, parent=item)
        if value is not None and previous is not None and value >= previous:
            checker.error(
                item,
                f"A level: values must go down from best to worst; {value} follows {previous}.",
            )
        if value is not None:
            previous = value
        levels.append(
            {"value": value, "word": word, "meaning": meaning, "description": description or ""}
        )
    return levels


def _parse_nodes(checker: Validator, keys: dict[str, yaml.Node], root: yaml.Node) -> list[Any]:
    node = keys.get("nodes")
    if node is None:
        checker.error(root, "The framework: 'nodes' is required.")
        return []
    seen: dict[str, int] = {}
    flat: list[dict[str, Any]] = []

    def walk(items: list[yaml.Node], parent_urn: str | None, depth: int) -> None:
        for item in items:
            fields = checker.mapping(item, "A quality indicator", _NODE_KEYS)
            if not fields and not isinstance(item, yaml.MappingNode):
                continue
            urn = checker.urn(fields, "A quality indicator", item)
            if urn is not None:
                if urn in seen:
                    checker.error(
                        fields["urn"], f"The urn '{urn}' is used twice (first on line {seen[urn]})."
                    )
                else:
                    seen[urn] = item.start_mark.line + 1
            name = checker.text(fields, "name", "A quality indicator", required=True, parent=item)
            children_node = fields.get("children")
            children = (
                checker.sequence(children_node, "A quality indicator: 'children'")
                if children_node is not None
                else []
            )
            assessable = checker.boolean(fields, "assessable", "A quality indicator")
            confirmed = checker.boolean(fields, "ref_id_confirmed", "A quality indicator")
            aka_node = fields.get("also_known_as")
            aka: list[str] = []
            if aka_node is not None:
                for alias in checker.sequence(aka_node, "A quality indicator: 'also_known_as'"):
                    value = checker.value(alias) if isinstance(alias, yaml.ScalarNode) else None
                    if isinstance(value, str) and value.strip():
                        aka.append(value.strip())
                    else:
                        checker.error(
                            alias, "A quality indicator: each 'also_known_as' must be text."
                        )
            flat.append(
                {
                    "urn": urn,
                    "parent_urn": parent_urn,
                    "ref_id": checker.text(
                        fields, "ref_id", "A quality indicator", required=False, parent=item
                    )
                    or "",
                    "ref_id_confirmed": True if confirmed is None else confirmed,
                    "name": name,
                    "description": checker.text(
                        fields, "description", "A quality indicator", required=False, parent=item
                    )
                    or "",
                    "notes": checker.text(
                        fields, "notes", "A quality indicator", required=False, parent=item
                    )
                    or "",
                    "also_known_as": aka,
                    "assessable": (not children) if assessable is None else assessable,
                    "depth": depth,
                }
            )
            walk(children, urn, depth + 1)

    items = checker.sequence(node, "The framework: 'nodes'")
    if isinstance(node, yaml.SequenceNode) and not items:
        checker.error(node, "The framework: 'nodes' must list at least one quality indicator.")
    walk(items, None, 0)
    if flat and not any(entry["assessable"] for entry in flat):
        checker.error(node, "The framework has no assessable quality indicator.")
    return flat


def find_in_library(urn: str) -> Path | None:
    """The bundled library file that defines this URN, if any."""
    for path in sorted(LIBRARY_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and data.get("urn") == urn:
            return path
    return None


def load_file(path: Path | str, actor: Actor) -> list[LoadResult]:
    """Validate and load a library file (and a bundled scale it needs). All or nothing; each
    scale and framework loaded is recorded in the audit log as the actor's."""
    data = parse_file(path)
    with transaction.atomic():
        return _load(data, str(Path(path).name), actor)


def _load(data: dict[str, Any], name: str, actor: Actor) -> list[LoadResult]:
    if data["kind"] == "scale":
        return [_load_scale(data, name, actor)]
    if data["kind"] == "publisher":
        return [_load_publisher(data, name, actor)]
    results: list[LoadResult] = []
    scale = Scale.objects.filter(urn=data["scale"]).order_by("-version").first()
    if scale is None:
        scale_path = find_in_library(data["scale"])
        if scale_path is None:
            raise LibraryFileError(
                name,
                [f"{name}: the scale '{data['scale']}' is not loaded; load its file first."],
            )
        results.append(_load_scale(parse_file(scale_path), scale_path.name, actor))
        scale = Scale.objects.get(urn=data["scale"], version=results[-1].version)
    results.append(_load_framework(data, scale, name, actor))
    return results


def _loaded(actor: Actor, obj: Scale | Framework | Publisher, name: str, **extra: Any) -> None:
    changes: dict[str, list[Any]] = {
        "file": [None, name],
        "urn": [None, obj.urn],
        "version": [None, obj.version],
        "name": [None, obj.name],
        "digest": [None, obj.digest],
    }
    changes.update({key: [None, value] for key, value in extra.items()})
    record(actor, f"{obj._meta.model_name}.load", obj, changes)


def _unchanged(existing: Scale | Publisher | None, data: dict[str, Any], name: str) -> bool:
    """Whether this version is loaded already; a version loaded with other content is refused."""
    if existing is None:
        return False
    if existing.digest != data["digest"]:
        raise LibraryFileError(
            name,
            [
                f"{name}: version {data['version']} of {data['urn']} is already loaded with "
                "different content; give the changed file a new version number."
            ],
        )
    return True


def _load_publisher(data: dict[str, Any], name: str, actor: Actor) -> LoadResult:
    existing = Publisher.objects.filter(urn=data["urn"], version=data["version"]).first()
    result = LoadResult("publisher", data["urn"], data["version"], data["name"], created=False)
    if _unchanged(existing, data, name):
        result.messages.append("already loaded, unchanged")
        return result
    fields = ("name", "address", "notes", "sources", "logo_png", "logo_text", *_PUBLISHER_TEXT)
    publisher = Publisher.objects.create(
        urn=data["urn"],
        version=data["version"],
        digest=data["digest"],
        **{key: data[key] for key in fields},
    )
    _loaded(actor, publisher, name, logo=bool(data["logo_png"]))
    result.created = True
    return result


def _load_scale(data: dict[str, Any], name: str, actor: Actor) -> LoadResult:
    existing = Scale.objects.filter(urn=data["urn"], version=data["version"]).first()
    result = LoadResult("scale", data["urn"], data["version"], data["name"], created=False)
    if _unchanged(existing, data, name):
        result.messages.append("already loaded, unchanged")
        return result
    scale = Scale.objects.create(
        urn=data["urn"],
        version=data["version"],
        name=data["name"],
        description=data["description"],
        source="\n".join(s["url"] or s["title"] for s in data["sources"]),
        levels=data["levels"],
        digest=data["digest"],
    )
    _loaded(actor, scale, name, levels=len(data["levels"]))
    result.created = True
    return result


def _load_framework(data: dict[str, Any], scale: Scale, name: str, actor: Actor) -> LoadResult:
    result = LoadResult("framework", data["urn"], data["version"], data["name"], created=False)
    existing = Framework.objects.filter(urn=data["urn"], version=data["version"]).first()
    if existing is not None:
        if existing.digest != data["digest"]:
            raise LibraryFileError(
                name,
                [
                    f"{name}: version {data['version']} of {data['urn']} is already loaded with "
                    "different content; give the changed file a new version number."
                ],
            )
        result.messages.append("already loaded, unchanged")
        return result
    framework = Framework.objects.create(
        urn=data["urn"],
        version=data["version"],
        name=data["name"],
        short_name=data["short_name"],
        provider=data["provider"],
        published=data["published"],
        description=data["description"],
        sources=data["sources"],
        notes=data["notes"],
        scale=scale,
        digest=data["digest"],
    )
    by_urn: dict[str, QualityIndicator] = {}
    for order, node in enumerate(data["nodes"], start=1):
        indicator = QualityIndicator.objects.create(
            framework=framework,
            urn=node["urn"],
            parent=by_urn.get(node["parent_urn"]) if node["parent_urn"] else None,
            ref_id=node["ref_id"],
            ref_id_confirmed=node["ref_id_confirmed"],
            name=node["name"],
            description=node["description"],
            also_known_as=node["also_known_as"],
            assessable=node["assessable"],
            depth=node["depth"],
            order=order,
            notes=node["notes"],
        )
        by_urn[node["urn"]] = indicator
    _loaded(actor, framework, name, scale=str(scale), quality_indicators=len(data["nodes"]))
    result.created = True
    result.messages.append(
        f"{sum(1 for n in data['nodes'] if n['assessable'])} assessable quality indicators"
    )
    return result


def load_library(actor: Actor) -> list[LoadResult]:
    """Load every bundled library file (scales first), as the actor. Idempotent: a file already
    loaded writes nothing and records nothing."""
    results: list[LoadResult] = []
    paths = sorted(LIBRARY_DIR.glob("*.yaml"))
    parsed = [(p, parse_file(p)) for p in paths]
    with transaction.atomic():
        for path, data in sorted(parsed, key=lambda item: item[1]["kind"] != "scale"):
            results.extend(_load(data, path.name, actor))
    return results
