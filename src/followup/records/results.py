"""What the reading of an inspection's records found, as evidence for its quality indicators: per
question, how many records were given each answer, and the share good or better (or, for a yes
or no question, the share yes) with its 95% Wilson interval.

What counts:

- The inspection's current sample (the newest of its newest return), read with a template.
- The moderated answers only: a record counts once its pair has agreed its answers; the two
  readings behind them are never shown here.
- The records drawn at random only. Records added on purpose are left out (and their number
  said), so that the shares estimate the whole return the sample was drawn from.
- Six-point questions: the records at each grade, 1 to 6, and the share at 4 (good) or above.
  Yes or no questions: the records answered yes and no, and the share yes of those two. A
  record a question did not apply to ("not applicable") is left out of its figures and counted
  apart. Free-text answers are notes, not figures: they can become a qualitative source.

Disclosure control (``followup.lib.disclosure``), in two levels, the figure inspectors publish
first: the records good or better and below good (or yes and no) are a row whose total is
published, bounded by the number of records moderated (a published group size), and ``protect``
decides what is shown; then each side's grades are a row whose total is that side's count, and
``protect`` decides again. A side withheld withholds its grades. The share and its interval are
shown where the side's count and the total are. (tests/records/test_results.py searches every
table a reader who knows the rules could find consistent with what is shown.) The
inspection team (``read_records``) sees every count, small ones marked, as it stands.

Everyone else (the partnership's members, and the inspection summary report) sees the protected
figures as the team released them (``actions_results.release_findings``): the answers moderated
by then, however many more are moderated after; and only once the inspection is published. Two
sets of protected figures one record apart would give away withheld counts, and that record's
answers, to a reader who compared them; a released set never changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from followup.agreement.results import wilson
from followup.inspections.models import Inspection
from followup.lib import disclosure
from followup.lib.dates import day
from followup.lib.disclosure import Figure
from followup.partnerships.access import AnyUser, Capability, can
from followup.records.models import (
    AnswerType,
    Moderation,
    Sample,
    SampledRecord,
    TemplateQuestion,
)
from followup.records.queries import current_frame

GOOD = 4  # the six-point scale's "good": the share good or better counts grades 4, 5 and 6
GRADE_LABELS = ["1 Unsatisfactory", "2 Weak", "3 Adequate", "4 Good", "5 Very good", "6 Excellent"]
YES_NO_LABELS = ["Yes", "No"]


def percent(share: float) -> str:
    """A share as a whole percentage: "63%"."""
    return f"{round(100 * share)}%"


@dataclass(frozen=True)
class Cell:
    """One answer's count, as the audience sees it, and its share of the question's records."""

    label: str
    figure: Figure
    share: float | None  # None when withheld

    @property
    def percent(self) -> str:
        return percent(self.share) if self.share is not None else ""


@dataclass(frozen=True)
class Share:
    """The share good or better (or yes), with its Wilson interval; all None when withheld."""

    label: str
    count: Figure
    value: float | None
    lower: float | None
    upper: float | None

    @property
    def withheld(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        """ "63% (95% CI 47% to 77%)", or the withheld symbol."""
        if self.value is None or self.lower is None or self.upper is None:
            return disclosure.SUPPRESSED
        return f"{percent(self.value)} (95% CI {percent(self.lower)} to {percent(self.upper)})"


@dataclass(frozen=True)
class QuestionResult:
    question: TemplateQuestion
    section: str
    total: Figure  # the records answering it (yes or no, for a yes or no question)
    cells: list[Cell]
    share: Share
    below: Figure  # below good (six-point) or no (yes or no): the share's other side
    not_applicable: Figure  # records the question did not apply to: left out of the share
    indicators: list[int]  # the quality indicators (ids) it is evidence for

    @property
    def six_point(self) -> bool:
        return self.question.answer == AnswerType.SIX_POINT


@dataclass(frozen=True)
class Results:
    inspection: Inspection
    sample: Sample
    moderated: int  # random records with agreed answers
    drawn: int  # records drawn at random
    purposive: int  # records added on purpose, left out of every figure
    questions: list[QuestionResult]
    exact: bool  # the inspection team's view: every count, small ones marked
    published: bool  # whether the inspection is published
    released_at: datetime.datetime | None  # when the inspection's findings were released
    as_released: bool  # these are the findings as released, not as they stand now
    released_number: int | None = None  # the sample released, when it is not this one

    @property
    def unmoderated(self) -> int:
        """Records drawn at random not yet moderated (or not by the release)."""
        return self.drawn - self.moderated

    @property
    def released_on(self) -> str:
        return day(timezone.localdate(self.released_at)) if self.released_at else ""

    def for_indicators(self, indicator_ids: set[int]) -> list[QuestionResult]:
        """The questions that are evidence for any of the quality indicators."""
        return [q for q in self.questions if indicator_ids.intersection(q.indicators)]

    @property
    def finding(self) -> str:
        """One line a reader can take away: how much of the sample the figures rest on."""
        counted = f"{self.moderated} of the {self.drawn} records drawn at random"
        agreed = (
            "read by both readers of a pair and their answers agreed; the figures below are theirs."
        )
        if self.as_released:
            when = f"By {self.released_on}, when the findings were released, "
            return f"{when}{counted} had been {agreed}"
        return f"{counted} have been {agreed}"


def current_sample(inspection: Inspection) -> Sample | None:
    """The inspection's current sample with a reading template: the newest sample of its newest
    return."""
    frame = current_frame(inspection)
    if frame is None:
        return None
    return (
        Sample.objects.filter(frame=frame, template__isnull=False)
        .select_related("template", "frame")
        .order_by("-number")
        .first()
    )


def released_sample(inspection: Inspection) -> Sample | None:
    """The inspection's sample whose findings were released: one at most, and it stays the
    released one when a newer sample is drawn (``actions_results.release_findings``)."""
    return (
        Sample.objects.filter(frame__inspection=inspection, released_at__isnull=False)
        .select_related("template", "frame")
        .order_by("released_at", "pk")
        .first()
    )


def has_moderated(sample: Sample) -> bool:
    """Whether any record of the sample drawn at random has been moderated."""
    return Moderation.objects.filter(member__sample=sample, member__purposive=False).exists()


def may_see_results(user: AnyUser, inspection: Inspection) -> bool:
    """The inspection team always; the partnership's members once the inspection is published.
    (Access to the inspection itself is decided before: this is only about the findings.)"""
    partnership = inspection.partnership
    if can(user, partnership, Capability.READ_RECORDS):
        return True
    published = inspection.status == Inspection.Status.PUBLISHED
    return published and can(user, partnership, Capability.VIEW)


def results_for(user: AnyUser, inspection: Inspection) -> Results | None:
    """What ``user`` may see of the findings of the inspection's records reading: the inspection
    team, every count as it stands now; everyone else, the protected findings as released, once
    the inspection is published and the team has released them; else nothing."""
    if not may_see_results(user, inspection):
        return None
    if can(user, inspection.partnership, Capability.READ_RECORDS):
        return sample_results(inspection, exact=True)
    return published_results(inspection)


def published_results(inspection: Inspection) -> Results | None:
    """The findings as the partnership and a report see them: protected, as released, and only
    once the inspection is published and its team has released them."""
    if inspection.status != Inspection.Status.PUBLISHED:
        return None
    return sample_results(inspection, exact=False, as_released=True)


def sample_results(
    inspection: Inspection, *, exact: bool, as_released: bool = False
) -> Results | None:
    """The findings of the inspection's current sample as they stand, or ``as_released``: those
    of its released sample, from the answers moderated by the time the team released them
    (None when it has not)."""
    released = released_sample(inspection)
    sample = released if as_released else current_sample(inspection)
    if sample is None or sample.template is None:
        return None
    members = list(SampledRecord.objects.filter(sample=sample).values_list("id", "purposive"))
    random_ids = {pk for pk, purposive in members if not purposive}
    counted = Moderation.objects.filter(member_id__in=random_ids)
    if as_released:
        counted = counted.filter(moderated_at__lte=sample.released_at)
    answers: dict[int, dict[int, str]] = {}
    for member_id, question_id, value in counted.values_list("member_id", "question_id", "value"):
        answers.setdefault(question_id, {})[member_id] = value
    moderated = len({member for by_member in answers.values() for member in by_member})
    questions = list(
        TemplateQuestion.objects.filter(template=sample.template)
        .exclude(answer=AnswerType.FREE_TEXT)
        .select_related("section")
        .prefetch_related("indicators")
        .order_by("order")
    )
    return Results(
        inspection=inspection,
        sample=sample,
        moderated=moderated,
        drawn=len(random_ids),
        purposive=len(members) - len(random_ids),
        questions=[
            _question(q, list(answers.get(q.pk, {}).values()), moderated, exact=exact)
            for q in questions
        ]
        if moderated
        else [],
        exact=exact,
        published=inspection.status == Inspection.Status.PUBLISHED,
        released_at=released.released_at if released else None,
        as_released=as_released,
        released_number=released.number if released and released.pk != sample.pk else None,
    )


def _question(
    question: TemplateQuestion, values: list[str], moderated: int, *, exact: bool
) -> QuestionResult:
    six = question.answer == AnswerType.SIX_POINT
    keys = [str(g) for g in range(1, 7)] if six else ["yes", "no"]
    counts = [sum(1 for v in values if v == key) for key in keys]
    if six:
        sides, total, figures = grade_figures(counts, moderated, exact=exact)
    else:
        sides, total = _sides([counts[0], counts[1]], moderated, exact=exact)
        figures = list(sides)
    cells = [
        Cell(label, figure, None if figure.withheld or total.withheld else _of(figure.value, total))
        for label, figure in zip(GRADE_LABELS if six else YES_NO_LABELS, figures, strict=True)
    ]
    return QuestionResult(
        question=question,
        section=question.section.title,
        total=total,
        cells=cells,
        share=_share("Good or better" if six else "Yes", sides[0], total),
        below=sides[1],
        not_applicable=_not_applicable(values.count("na"), total, exact),
        indicators=[qi.pk for qi in question.indicators.all()],
    )


def _of(count: int, total: Figure) -> float:
    return count / total.value if total.value else 0.0


def _withheld(value: int) -> Figure:
    return Figure(value, withheld=True, small=disclosure.is_disclosive(value))


def _sides(counts: list[int], moderated: int, *, exact: bool) -> tuple[list[Figure], Figure]:
    """Two counts (good or better and below good; yes and no) and their total, bounded by the
    records moderated where that may be a published group size (it is above the threshold);
    with so few records that it may not, everything is withheld but from the inspection team."""
    bounded = moderated > disclosure.threshold()
    if not exact and not bounded:
        return [_withheld(v) for v in counts], _withheld(sum(counts))
    table = disclosure.Counts(
        rows=[counts],
        limits=[moderated] * len(counts) if bounded else None,
        total_limit=moderated if bounded else None,
    )
    shown = disclosure.protect_one(table, exact=exact)
    return shown.cells[0], shown.totals[0]


def grade_figures(
    counts: list[int], moderated: int, *, exact: bool
) -> tuple[list[Figure], Figure, list[Figure]]:
    """A six-point question's figures: first the records good or better and below good, with
    the total; then each side's grades, as a row whose total is that side's count. A side
    withheld withholds all its grades (zeros too); a side whose grades cannot be protected with
    its count shown withholds the whole question (but from the inspection team)."""
    below, good = counts[: GOOD - 1], counts[GOOD - 1 :]
    sides, total = _sides([sum(good), sum(below)], moderated, exact=exact)
    if exact:
        rows = disclosure.protect_one(disclosure.Counts(rows=[good, below]), exact=True)
        return sides, total, [*rows.cells[1], *rows.cells[0]]
    bounded = moderated > disclosure.threshold()
    rows = disclosure.protect_one(
        disclosure.Counts(rows=[good, below], limits=[moderated] * 3 if bounded else None),
        exact=False,
    )
    figures: list[list[Figure]] = []
    for side, row, row_total, values in zip(
        sides, rows.cells, rows.totals, [good, below], strict=True
    ):
        if side.withheld:
            figures.append([_withheld(v) for v in values])
        elif row_total.withheld:
            withheld = [_withheld(v) for v in counts]
            return [_withheld(sum(good)), _withheld(sum(below))], total, withheld
        else:
            figures.append(row)
    return sides, total, [*figures[1], *figures[0]]


def _share(label: str, count: Figure, total: Figure) -> Share:
    """The share ``count`` of ``total`` with its Wilson interval, where both are shown."""
    if count.withheld or total.withheld or total.value == 0:
        return Share(label, count, None, None, None)
    estimate = wilson(count.value, total.value)
    interval = estimate.interval
    return Share(
        label,
        count,
        estimate.value,
        interval.lower if interval else None,
        interval.upper if interval else None,
    )


def _not_applicable(count: int, total: Figure, exact: bool) -> Figure:
    """Records a yes or no question did not apply to: the moderated records (published) less
    its total, and so shown when the total is and withheld when it is. (A small one makes the
    total 1 to the threshold short of the records moderated, and so withheld.)"""
    small = disclosure.is_disclosive(count)
    return Figure(count, withheld=not exact and total.withheld, small=small)


def shown_on_page(
    results: Results | None, indicator_ids: set[int], subject: str
) -> dict[str, object]:
    """What a page that includes ``records/_results.html`` needs: the findings for the
    questions on the quality indicators, six-point and yes or no apart."""
    questions = results.for_indicators(indicator_ids) if results else []
    return {
        "records": results,
        "records_grades": [q for q in questions if q.six_point],
        "records_yes_no": [q for q in questions if not q.six_point],
        "records_for": subject,
    }
