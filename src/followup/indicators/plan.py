"""An import plan: what a file would change, and every problem it has."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from followup.partnerships.models import Partnership


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                f"line {self.line}" if self.line else "",
                f"column {self.column}" if self.column else "",
            )
            if p
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Change:
    line: int
    element: str
    area: str
    period: str
    release: str
    value: float
    status: str = ""
    note: str = ""
    old_value: float | None = None
    old_release: str | None = None
    # A partnership's row under an official release: a figure the official release already
    # holds, repeated (as in the partnership's own export), never written.
    official: bool = False


@dataclass
class ImportPlan:
    layout: str
    new: list[Change] = field(default_factory=list)
    revisions: list[Change] = field(default_factory=list)
    confirmations: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    derived: list[Change] = field(default_factory=list)
    ignored: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    created_elements: list[str] = field(default_factory=list)
    # Data elements to create with a figure that is no whole number of 0 or more Followup holds
    # exactly (``cells.exact_count``): created as measures. The others are created as counts, so that their small numbers are protected.
    measured: set[str] = field(default_factory=set)
    # The releases the rows go to (the writer's own, or official ones for an official import),
    # those of them the import creates, and the official releases a partnership's file repeats.
    releases: list[str] = field(default_factory=list)
    new_releases: list[str] = field(default_factory=list)
    official_releases: list[str] = field(default_factory=list)
    partnership: Partnership | None = None
    element_kinds: dict[str, str] = field(default_factory=dict)
    periods: dict[str, Any] = field(default_factory=dict)

    def created_kind(self, code: str) -> str:
        """How a data element the import creates is kept: a count (its small numbers withheld
        from viewers and in reports) unless one of its figures is no whole number of 0 or more
        that Followup holds exactly."""
        return "a measure" if code in self.measured else "a count"

    @property
    def created_labels(self) -> list[str]:
        """Each data element the import creates, with what it will be: "referrals (a count)"."""
        return [f"{code} ({self.created_kind(code)})" for code in self.created_elements]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_write(self) -> list[Change]:
        return self.new + self.revisions + self.confirmations

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.revisions)} revised, {len(self.confirmations)} confirmed by "
            f"another release, {len(self.unchanged)} unchanged"
            + (f", {self.ignored} not in the mapping" if self.ignored else "")
            + (
                f"; data elements to create: {', '.join(self.created_labels)}"
                if self.created_elements
                else ""
            )
            + (
                f"; derived figures that change: {len(self.derived)} "
                f"({', '.join(self.derived_series)})"
                if self.derived
                else ""
            )
        )

    @property
    def release_labels(self) -> list[str]:
        """The releases the rows go to, as a preview names them ("(new)" for those it creates)."""
        new = set(self.new_releases)
        return [f"{name} (new release)" if name in new else name for name in self.releases]

    @property
    def derived_series(self) -> list[str]:
        """The derived series the file changes, as "element for area"."""
        return sorted({f"{c.element} for {c.area}" for c in self.derived})
