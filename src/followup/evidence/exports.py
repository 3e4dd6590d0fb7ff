"""The excerpts download and the REFI-QDA project file, made by the same code whether sent in
the request or prepared in the background (``evidence.tasks``, above
``FOLLOWUP_BACKGROUND_EXPORT_ROWS``), so that the two give the same bytes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from followup.evidence import analysis
from followup.evidence.models import Code, Coding
from followup.partnerships.models import Partnership

EXCERPT_SHEET = "Excerpts"
EXCERPT_NOTES = (
    "Excerpts: original words, for analysis only. Publish only approved, redacted quotes.",
    "Start and End are character positions in the source's text.",
)


@dataclass(frozen=True)
class ExcerptTable:
    """Every matching excerpt, whole, a row each: rows are read from the database a batch at
    a time, so whoever writes them holds a batch, not the table."""

    partnership: Partnership
    attributes: list[str]
    found: QuerySet[Coding]

    @property
    def headers(self) -> list[str]:
        return ["Code", "Source", "Case", *self.attributes, "Start", "End", "Excerpt"]

    def filename(self, fmt: str) -> str:
        return f"{self.partnership.slug}-excerpts.{fmt}"

    def count(self) -> int:
        return self.found.count()

    def rows(self) -> Iterator[list[Any]]:
        for coding in self.found.iterator(chunk_size=200):
            case = coding.source.case
            attrs = case.attributes if case else {}
            yield [
                coding.code.name,
                coding.source.title,
                case.name if case else "",
                *[attrs.get(name, "") for name in self.attributes],
                coding.start,
                coding.end,
                analysis.words_of(coding),
            ]


def excerpt_table(
    partnership: Partnership, code: Code | None, filters: dict[str, str]
) -> ExcerptTable:
    """The excerpts coded with ``code`` (every code when None) in sources whose case has the
    attribute values of ``filters``."""
    return ExcerptTable(
        partnership,
        list(analysis.attributes_of(partnership)),
        analysis.excerpts(partnership, code, filters),
    )


def project_filename(partnership: Partnership) -> str:
    return f"{partnership.slug}-project.qdpx"
