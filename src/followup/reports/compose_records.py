"""The inspection summary's account of the children's records read: the records reading's
findings as a report publishes them, through disclosure control whoever is reading
(``followup.records.results.published_results``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from followup.inspections.models import Inspection
from followup.records.results import (
    YES_NO_LABELS,
    QuestionResult,
    Results,
    current_sample,
    has_moderated,
    released_sample,
)
from followup.reports.tables import Table


@dataclass
class RecordsSection:
    paragraphs: list[str]
    tables: list[Table] = field(default_factory=list)


SHORT_GRADES = ["1", "2", "3", "4", "5", "6"]


def _label(result: QuestionResult) -> str:
    return f"{result.question.prompt} ({result.section})"


def records_section(results: Results | None) -> RecordsSection | None:
    """What the report says of the records read, as released (``records.results``): nothing
    when the inspection is not published, the findings are not released, or no record had been
    moderated when they were."""
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
                caption="Records at each grade of the six-point scale (1 Unsatisfactory, "
                "2 Weak, 3 Adequate, 4 Good, 5 Very good, 6 Excellent), and the share good or "
                "better with its 95% confidence interval; records a question did not apply to "
                "are left out",
                header=["Question", *SHORT_GRADES, "Records", "Not applicable", "Good or better"],
                rows=[
                    [
                        _label(q),
                        *[str(c.figure) for c in q.cells],
                        str(q.total),
                        str(q.not_applicable),
                        q.share.shown,
                    ]
                    for q in grades
                ],
                widths=[38, 5, 5, 5, 5, 5, 5, 7, 9, 16],
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
                widths=[38, 10, 10, 16, 26],
            )
        )
    return RecordsSection(paragraphs, tables)


def records_warnings(inspection: Inspection, results: Results | None) -> list[str]:
    """What the draft preview says when the report leaves out findings the records reading has:
    not yet released by the inspection team, or the inspection not yet published."""
    sample = released_sample(inspection) or current_sample(inspection)
    if sample is None or not has_moderated(sample):
        return []
    if sample.released_at is None:
        return [
            "The children's records read are left out: the inspection team has not released "
            "the findings (on the sample's page). Release them once the reading is done."
        ]
    if inspection.status != Inspection.Status.PUBLISHED:
        return [
            "The children's records read are left out until the inspection is published: "
            "until then they are the inspection team's."
        ]
    if results is not None and results.moderated < results.drawn:
        return [
            f"The children's records read rest on the {results.moderated} of the "
            f"{results.drawn} records drawn at random moderated when the findings were released "
            f"on {results.released_on}."
        ]
    return []
