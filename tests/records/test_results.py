"""The records reading's findings as evidence: per question, the records at each grade and the
share good or better with its Wilson interval, from the moderated answers of the records drawn at
random, through disclosure control for everyone but the inspection team."""

from __future__ import annotations

import random
from typing import Any

import pytest

from followup.agreement.results import wilson
from followup.inspections.models import Inspection
from followup.lib import disclosure
from followup.lib.disclosure import Figure
from followup.records.results import (
    GOOD,
    QuestionResult,
    Results,
    grade_figures,
    results_for,
)
from tests.conftest import World
from tests.coverage_pause import paused
from tests.records.results_data import moderated_sample

pytestmark = pytest.mark.django_db


def grades(*counts: int) -> list[str]:
    """Moderated grades with ``counts[g - 1]`` records at grade g."""
    return [str(g) for g, n in enumerate(counts, start=1) for _ in range(n)]


def question(results: Results | None, key: str) -> QuestionResult:
    assert results is not None
    return next(q for q in results.questions if q.question.key == key)


def test_the_inspection_team_sees_every_count_and_the_exact_share_good_or_better(
    world: World,
) -> None:
    moderated_sample(world.home.inspection, grades(1, 2, 5, 6, 4, 2))
    results = results_for(world.users["inspector"], world.home.inspection)
    assessment = question(results, "assessment")
    assert [c.figure.value for c in assessment.cells] == [1, 2, 5, 6, 4, 2]
    assert [c.figure.small for c in assessment.cells] == [True, True, False, False, True, True]
    assert assessment.total.value == 20
    expected = wilson(12, 20)
    assert expected.interval is not None
    assert assessment.share.value == pytest.approx(0.6, abs=1e-12)
    assert assessment.share.lower == pytest.approx(expected.interval.lower, abs=1e-12)
    assert assessment.share.upper == pytest.approx(expected.interval.upper, abs=1e-12)
    assert assessment.share.shown == "60% (95% CI 39% to 78%)"


def test_the_wilson_interval_is_the_one_the_formula_gives() -> None:
    # Wilson (1927) by hand for 12 of 20 at z = 1.959963984540054.
    z = 1.959963984540054
    p, n = 0.6, 20
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    estimate = wilson(12, 20)
    assert estimate.interval is not None
    assert estimate.interval.lower == pytest.approx(centre - half, abs=1e-12)
    assert estimate.interval.upper == pytest.approx(centre + half, abs=1e-12)
    assert (round(estimate.interval.lower, 4), round(estimate.interval.upper, 4)) == (
        0.3866,
        0.7812,
    )


def test_records_added_on_purpose_and_records_not_moderated_count_for_nothing(
    world: World,
) -> None:
    moderated_sample(
        world.home.inspection, grades(0, 0, 5, 5, 0, 0), purposive=["1", "1"], unmoderated=3
    )
    results = results_for(world.users["inspector"], world.home.inspection)
    assert results is not None
    assert (results.moderated, results.drawn, results.purposive) == (10, 13, 2)
    assessment = question(results, "assessment")
    assert [c.figure.value for c in assessment.cells] == [0, 0, 5, 5, 0, 0]
    assert assessment.share.value == 0.5
    assert "10 of the 13 records drawn at random" in results.finding


def test_a_yes_or_no_question_gives_the_share_yes_of_those_it_applied_to(world: World) -> None:
    answers = ["yes"] * 9 + ["no"] * 6 + ["na"] * 5
    moderated_sample(world.home.inspection, grades(0, 0, 10, 10, 0, 0), answers)
    results = results_for(world.users["inspector"], world.home.inspection)
    chronology = question(results, "chronology")
    assert [c.figure.value for c in chronology.cells] == [9, 6]
    assert chronology.total.value == 15
    assert chronology.not_applicable is not None and chronology.not_applicable.value == 5
    assert chronology.share.value == pytest.approx(9 / 15, abs=1e-12)
    assert results is not None
    assert [q.question.key for q in results.questions] == ["assessment", "chronology"]


def test_others_see_small_counts_withheld_with_the_counts_that_would_give_them_away(
    world: World,
) -> None:
    moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4))
    results = results_for(world.users["viewer"], world.home.inspection)
    assessment = question(results, "assessment")
    c = disclosure.SUPPRESSED
    # 20 good or better and 10 below are shown; in each side a small grade is withheld, and the
    # next smallest with it, so that neither can be worked out from the side's count.
    assert [str(cell.figure) for cell in assessment.cells] == ["0", c, c, "10", c, c]
    assert (str(assessment.total), str(assessment.below)) == ("30", "10")
    assert assessment.share.value == pytest.approx(20 / 30, abs=1e-12)
    assert assessment.share.shown == "67% (95% CI 49% to 81%)"
    assert all(cell.percent == "" for cell in assessment.cells if cell.figure.withheld)
    assert assessment.cells[3].percent == "33%"


def test_a_small_side_withholds_the_share_and_every_grade_of_both_sides(world: World) -> None:
    moderated_sample(world.home.inspection, grades(0, 0, 3, 10, 10, 7))
    results = results_for(world.users["viewer"], world.home.inspection)
    assessment = question(results, "assessment")
    assert str(assessment.total) == "30"
    assert assessment.share.withheld and assessment.below.withheld
    # Below good is 3: withheld with its grades, zeros too; and so good or better (27, all but
    # three of the 30), and with it its grades.
    assert all(cell.figure.withheld for cell in assessment.cells)


def test_the_partnership_sees_nothing_until_the_inspection_is_published(world: World) -> None:
    inspection = world.home.inspection
    moderated_sample(inspection, grades(0, 5, 5, 5, 5, 5))
    Inspection.objects.filter(pk=inspection.pk).update(status="draft")
    inspection.refresh_from_db()
    for name in ("viewer", "lead", "editor", "contributor"):
        assert results_for(world.users[name], inspection) is None, name
    assert results_for(world.users["inspector"], inspection) is not None
    assert results_for(world.users["outsider"], inspection) is None


def test_so_few_records_moderated_that_every_figure_is_withheld(world: World) -> None:
    moderated_sample(world.home.inspection, grades(0, 0, 2, 2, 0, 0))
    results = results_for(world.users["viewer"], world.home.inspection)
    assessment = question(results, "assessment")
    assert all(c.figure.withheld for c in assessment.cells)
    assert assessment.total.withheld and assessment.share.withheld
    team = question(results_for(world.users["inspector"], world.home.inspection), "assessment")
    assert team.share.value == 0.5


def test_an_inspection_without_a_sample_has_no_findings(world: World) -> None:
    assert results_for(world.users["inspector"], world.home.inspection) is None


def _consistent(
    cells: list[Figure], total: Figure, good: Figure, below: Figure, moderated: int
) -> list[list[int]]:
    """Every table of grade counts a reader who knows the rules finds consistent with what is
    shown: shown counts as they are; a withheld count at least 1 where its side's count is shown
    (0 or more where it is not), none above the records moderated; the total and both sides'
    counts where shown."""

    def lowest(i: int) -> int:
        return 0 if (good if i >= GOOD - 1 else below).withheld else 1

    found: list[list[int]] = []

    def extend(prefix: list[int]) -> None:
        if sum(prefix) > moderated:
            return
        i = len(prefix)
        if i == len(cells):
            ours = sum(prefix[GOOD - 1 :])
            if (
                (total.withheld or sum(prefix) == total.value)
                and (good.withheld or ours == good.value)
                and (below.withheld or sum(prefix) - ours == below.value)
            ):
                found.append(prefix)
            return
        options = [cells[i].value] if not cells[i].withheld else range(lowest(i), moderated + 1)
        for value in options:
            extend([*prefix, value])

    extend([])
    return found


def test_a_reader_who_knows_the_rules_cannot_work_out_any_withheld_count(settings: Any) -> None:
    """Random tables of grades: for every count withheld (and either side's count, where
    withheld), the tables consistent with everything shown give it at least two values."""
    settings.DISCLOSURE_THRESHOLD = 4
    rng = random.Random(18)
    for trial in range(300):
        n = rng.randint(5, 12)
        weights = [rng.random() ** 2 for _ in range(6)]
        values = rng.choices(range(6), weights=weights, k=n)
        truth = [values.count(g) for g in range(6)]
        (good, below), total, cells = grade_figures(truth, n, exact=False)
        with paused():  # the tests' own search, not Followup's code: no measurement to take
            tables = _consistent(cells, total, good, below, n)
        assert truth in tables, (trial, truth)
        for i, cell in enumerate(cells):
            if cell.withheld:
                assert len({t[i] for t in tables}) >= 2, (trial, truth, i)
        if good.withheld:
            assert len({sum(t[GOOD - 1 :]) for t in tables}) >= 2, (trial, truth)
        if below.withheld:
            assert len({sum(t[: GOOD - 1]) for t in tables}) >= 2, (trial, truth)


def test_a_grade_question_that_did_not_apply_is_left_out_of_its_figures(world: World) -> None:
    values = grades(0, 2, 8, 10, 6, 4) + ["na"] * 5
    moderated_sample(world.home.inspection, values)
    team = question(results_for(world.users["inspector"], world.home.inspection), "assessment")
    assert (team.total.value, team.not_applicable.value) == (30, 5)
    assert team.share.value == pytest.approx(20 / 30, abs=1e-12)
    shown = question(results_for(world.users["viewer"], world.home.inspection), "assessment")
    # 5 not applicable: the 30 answered are 5 short of the 35 moderated, not a small count.
    assert (str(shown.total), str(shown.not_applicable)) == ("30", "5")
