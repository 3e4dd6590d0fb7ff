"""How far each pair's two readers agree, from the grades of the records both have submitted:
per question, per pair, overall, and by reading day.

The grades are the six-point questions' answers; a record counts once both readings of it are
submitted, as the blind rule shows them (a draft is nobody's but its reader's). Reader 1 is the
pair's inspector and reader 2 its local reader, so that over several pairs the two columns are
the two roles. Per question: each record read by both is one item. Per pair, overall and per
day: each (record, question) graded by both is one item. The figures are ``followup.agreement``'s,
the same as ``followup agreement`` gives for the same grades (``request`` builds that request).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from followup.agreement import Agreement, Estimate, agreement
from followup.lib.dates import day
from followup.records.models import (
    Answer,
    AnswerType,
    Assignment,
    Reading,
    ReadingPair,
    Sample,
    TemplateQuestion,
)

SCALE = (1, 2, 3, 4, 5, 6)
# (question id, pair number, reading day, inspector's grade, reader's grade)
Item = tuple[int, int, datetime.date, int, int]


@dataclass(frozen=True)
class Row:
    label: str
    figures: Agreement


@dataclass(frozen=True)
class SampleAgreement:
    questions: list[Row]
    pairs: list[Row]
    days: list[Row]
    overall: Agreement | None
    items: int


def graded_items(sample: Sample) -> list[Item]:
    """Every six-point answer both readers of a record have submitted, with its pair and the
    day the second of the two readings was submitted (the day the pair's agreement was known)."""
    pairs = {a.member_id: a.pair for a in Assignment.objects.filter(member__sample=sample)}
    readings = Reading.objects.filter(
        member__sample=sample, status=Reading.Status.SUBMITTED
    ).values_list("id", "member_id", "reader_id", "submitted_at")
    by_member: dict[int, dict[int, tuple[int, datetime.datetime | None]]] = defaultdict(dict)
    for reading_id, member_id, reader_id, submitted_at in readings:
        by_member[member_id][reader_id] = (reading_id, submitted_at)
    grades = _grades(sample)
    items: list[Item] = []
    for member_id, pair in sorted(pairs.items()):
        done = by_member.get(member_id, {})
        if pair.inspector_id not in done or pair.reader_id not in done:
            continue
        (mine, first_at), (theirs, second_at) = done[pair.inspector_id], done[pair.reader_id]
        moments = [m for m in (first_at, second_at) if m is not None]
        day = timezone.localdate(max(moments)) if moments else timezone.localdate()
        for question_id, first in grades.get(mine, {}).items():
            second = grades.get(theirs, {}).get(question_id)
            if second is not None:
                items.append((question_id, pair.number, day, first, second))
    return items


def _grades(sample: Sample) -> dict[int, dict[int, int]]:
    """Each submitted reading's six-point grades, by question."""
    found: dict[int, dict[int, int]] = defaultdict(dict)
    answers = Answer.objects.filter(
        reading__member__sample=sample,
        reading__status=Reading.Status.SUBMITTED,
        question__answer=AnswerType.SIX_POINT,
    ).values_list("reading_id", "question_id", "value")
    for reading_id, question_id, value in answers:
        if value.isdigit() and int(value) in SCALE:
            found[reading_id][question_id] = int(value)
    return found


def _figures(items: list[Item]) -> Agreement:
    return agreement([[i[3] for i in items], [i[4] for i in items]], list(SCALE))


def request(items: list[Item]) -> dict[str, object]:
    """The ``followup agreement`` request for these items (``tests/records`` compares them)."""
    return {
        "input": {"scale": list(SCALE), "ratings": [[i[3] for i in items], [i[4] for i in items]]}
    }


def sample_agreement(sample: Sample) -> SampleAgreement:
    """Every figure of the sample's readings so far (empty lists where nothing is read by both)."""
    items = graded_items(sample)
    if not items:
        return SampleAgreement([], [], [], None, 0)
    questions = (
        TemplateQuestion.objects.filter(template=sample.template, answer=AnswerType.SIX_POINT)
        .select_related("section")
        .order_by("order")
        if sample.template
        else []
    )
    by_question = defaultdict(list)
    by_pair = defaultdict(list)
    by_day = defaultdict(list)
    for item in items:
        by_question[item[0]].append(item)
        by_pair[item[1]].append(item)
        by_day[item[2]].append(item)
    pairs = {p.number: p for p in ReadingPair.objects.filter(sample=sample)}
    return SampleAgreement(
        questions=[
            Row(f"{q.key}: {q.prompt}", _figures(by_question[q.pk]))
            for q in questions
            if by_question.get(q.pk)
        ],
        pairs=[Row(f"Pair {n}", _figures(by_pair[n])) for n in sorted(by_pair) if n in pairs],
        days=[Row(day(d), _figures(by_day[d])) for d in sorted(by_day)],
        overall=_figures(items),
        items=len(items),
    )


# The columns of the agreement tables, in order: the figure's name and how to find it.
COLUMNS = (
    "Exact",
    "Within one",
    "Cohen's κ",
    "κ linear",
    "κ quadratic",
    "Gwet's AC1",
    "AC2 (quadratic)",
    "α ordinal",
    "α interval",
)


def estimates(figures: Agreement) -> list[Estimate]:
    """The figures in the order of ``COLUMNS``."""
    pair = figures.pair
    assert pair is not None  # always two readers: the pair's inspector and its local reader
    return [
        pair.exact,
        pair.within_one,
        pair.kappa["unweighted"],
        pair.kappa["linear"],
        pair.kappa["quadratic"],
        figures.gwet["ac1"],
        figures.gwet["ac2_quadratic"],
        figures.alpha["ordinal"],
        figures.alpha["interval"],
    ]


def shown(estimate: Estimate) -> str:
    """An estimate as the page shows it: "0.74 (0.44 to 1.00)", or why there is none."""
    if estimate.value is None:
        return f"None: {estimate.note}" if estimate.note else "None"
    if estimate.interval is None:
        return f"{estimate.value:.2f}"
    return f"{estimate.value:.2f} ({estimate.interval.lower:.2f} to {estimate.interval.upper:.2f})"
