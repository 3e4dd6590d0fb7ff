"""Reading YAML that someone else wrote (an uploaded mapping, a framework file) within bounds.

PyYAML's safe loader builds only plain values, but an anchor (``&``) may be repeated through
aliases (``*``) without limit, so a file of a kilobyte can stand for millions of values that
whoever reads them walks one by one. Followup reads neither: the file's events are checked first,
in one pass that stops at the first anchor or alias, or once there are more than
``MAX_YAML_NODES`` values or they nest deeper than ``MAX_YAML_DEPTH``; only then is it loaded.
"""

from __future__ import annotations

from typing import Any

import yaml

from followup.lib.uploads import UploadError

# libyaml's parser when PyYAML was built with it (the same events, quicker), else PyYAML's own.
Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)

# Values (texts, numbers, lists and mappings, each counted once) and nesting of lists and mappings.
MAX_YAML_NODES = 50_000
MAX_YAML_DEPTH = 64


def check_events(text: str, what: str, each: str) -> None:
    """Raise ``UploadError`` if the YAML uses anchors or aliases, or is too large or too deep.
    ``what`` names the file ("the mapping"), ``each`` what to write out instead ("entry").
    A text that is not YAML raises ``yaml.YAMLError``, as loading it would."""
    nodes = depth = 0
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise UploadError(
                f"{what} uses YAML anchors or aliases (&, *), which Followup does not read: "
                f"write each {each} out"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise UploadError(
                    f"{what} nests lists and mappings more than {MAX_YAML_DEPTH} levels deep; "
                    f"Followup reads at most {MAX_YAML_DEPTH}"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            nodes += 1
            if nodes > MAX_YAML_NODES:
                raise UploadError(
                    f"{what} holds more than {MAX_YAML_NODES:,} YAML values; Followup reads at "
                    f"most {MAX_YAML_NODES:,}: split it"
                )


def load_untrusted(text: str, what: str, each: str) -> Any:
    """The YAML's value, read with the safe loader once ``check_events`` has passed it."""
    check_events(text, what, each)
    return yaml.load(text, Loader=Loader)  # Loader is the safe loader


def compose_untrusted(text: str, what: str, each: str) -> yaml.Node | None:
    """The YAML's nodes (which know their lines), once ``check_events`` has passed it."""
    check_events(text, what, each)
    return yaml.compose(text, Loader=Loader)
