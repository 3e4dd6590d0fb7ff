"""A table as a report publishes it, shared by the writers and the parts that compose it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A published table: its header, rows of shown values, and the caption."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    # Each column's share of the width, in per cent; none: the writer shares it out.
    widths: list[int] = field(default_factory=list)
