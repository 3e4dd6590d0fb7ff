"""The inspection summary's account of the children's records read: the records reading's
findings as a report publishes them, through disclosure control whoever is reading
(``followup.records.results.published_results``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from followup.inspections.models import Inspection
from followup.records.results import (
    GRADE_LABELS,
    YES_NO_LABELS,
    QuestionResult,
    published_results,
)
from followup.reports.tables import Table


@dataclass
class RecordsSection:
    paragraphs: list[str]
    tables: list[Table] = field(default_factory=list)


def _label(result: QuestionResult) -> str:
    return f"{result.question.prompt} ({result.section})"


def records_section(inspection: Inspection) -> RecordsSection | None:
    """What the report says of the records read: nothing when no record has been moderated."""
    results = published_results(inspection)
    if results is None or not results.moderated:
        return None
    paragraphs = [
        f"The inspection team read a stratified random sample of the children's records in the "
        f"partnership's pre-inspection return, each by a pair of readers, an inspector and a "
        f"local reader, who then agreed their answers. {results.finding}",
        "The shares are of the records drawn at random, so that they stand for every child in "
        "the return; each has its 95% confidence interval (Wilson). Counts that could identify "
        "children are withheld ([c]).",
    ]
    if results.purposive:
        paragraphs.append(
            f"{results.purposive} record{'s' if results.purposive != 1 else ''} added on purpose "
            f"{'are' if results.purposive != 1 else 'is'} left out of every figure."
        )
    grades = [q for q in results.questions if q.six_point]
    yes_no = [q for q in results.questions if not q.six_point]
    tables = []
    if grades:
        tables.append(
            Table(
                caption="Records at each grade of the six-point scale, and the share good or "
                "better with its 95% confidence interval",
                header=["Question", *GRADE_LABELS, "Records", "Good or better"],
                rows=[
                    [
                        _label(q),
                        *[str(c.figure) for c in q.cells],
                        str(q.total),
                        q.share.shown,
                    ]
                    for q in grades
                ],
            )
        )
    if yes_no:
        tables.append(
            Table(
                caption="Records answered yes and no, and the share yes with its 95% confidence "
                "interval (records it did not apply to are left out of the share)",
                header=["Question", *YES_NO_LABELS, "Not applicable", "Share yes"],
                rows=[
                    [
                        _label(q),
                        *[str(c.figure) for c in q.cells],
                        str(q.not_applicable),
                        q.share.shown,
                    ]
                    for q in yes_no
                ],
            )
        )
    return RecordsSection(paragraphs, tables)
