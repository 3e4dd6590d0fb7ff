"""The finding a lead officer reads (#15): one sentence from the statistics, saying the
direction and size of the change since the inspection, whether it is a real change or ordinary
variation (and why), whether that is an improvement or a concern, and whether a target is met;
tested sentence by sentence for each kind of signal, direction and target."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest

from followup.indicators.findings import Figure, sentence
from followup.spc import making_data_count

INSPECTED = datetime.date(2016, 10, 4)  # South Ayrshire's inspection report was published then

NONE = [10, 12, 11, 13, 10, 12, 11, 12, 11, 10]
OUTSIDE = [29, 30, 28, 29, 31, 30, 29, 22, 21, 22, 21, 20, 22, 21]
RISING_OUTSIDE = [10, 11, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
SHIFT = [16, 15, 17, 16, 15, 17, 16, 15, 17, 15, 14, 14.5, 14, 14.5, 14, 14.5, 14]
TREND = [15, 16, 15, 16, 15, 16, 15, 15.2, 15.4, 15.6, 15.8, 16, 16.2, 16.4]
ONE_OFF = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 30, 11, 10, 12, 11]
TWO_IN_THREE = [15, 16, 15, 16, 15, 16, 15, 16, 15, 16, 15, 16, 18.3, 16, 18.2]
FLAT_THEN_FALL = [10, 11, 9, 40, 11, 10, 11, 10, 11, 10]


def figures(values: list[float]) -> list[Figure]:
    """One figure a year from 2010, each for a calendar year."""
    return [
        Figure(str(2010 + i), float(v), datetime.date(2010 + i, 12, 31))
        for i, v in enumerate(values)
    ]


def said(
    values: list[float],
    direction: str = "decrease",
    target: float | None = None,
    inspected_on: datetime.date | None = INSPECTED,
) -> str:
    starts = [datetime.date(2010 + i, 1, 1).isoformat() for i in range(len(values))]
    mdc = making_data_count(
        [float(v) for v in values], starts, improvement_direction=direction, target=target
    )
    return sentence(
        figures(values), mdc, direction=direction, target=target, inspected_on=inspected_on
    )


def test_no_signal_says_the_change_is_ordinary_variation_and_judges_no_direction():
    assert said(NONE) == (
        "Down from 12 to 10 since the inspection in 2016: within ordinary variation, not a real "
        "change."
    )


def test_a_latest_figure_outside_the_limits_is_a_real_change_and_an_improvement_when_lower_is_better():
    assert said(OUTSIDE) == (
        "Down from 30 to 21 since the inspection in 2016: a real fall, not ordinary variation "
        "(the latest figure is below the usual range); lower is better, so this is an "
        "improvement."
    )


def test_a_rise_outside_the_limits_is_a_concern_when_lower_is_better():
    assert said(RISING_OUTSIDE) == (
        "Up from 12 to 18 since the inspection in 2016: a real rise, not ordinary variation "
        "(the latest figure is above the usual range); lower is better, so this is a concern."
    )


def test_a_fall_is_a_concern_when_higher_is_better():
    assert said(OUTSIDE, direction="increase").endswith("; higher is better, so this is a concern.")


def test_a_shift_is_a_real_change_named_in_plain_words():
    assert said(SHIFT) == (
        "Down from 17 to 14 since the inspection in 2016: a real fall, not ordinary variation "
        "(the last 8 figures are all below the usual level); lower is better, so this is an "
        "improvement."
    )
    assert said(SHIFT, direction="increase").endswith("higher is better, so this is a concern.")


def test_a_trend_is_a_real_change_named_in_plain_words():
    assert said(TREND, direction="increase") == (
        "Up from 16 to 16.4 since the inspection in 2016: a real rise, not ordinary variation "
        "(the figures have risen steadily over the last 8 periods); higher is better, so this "
        "is an improvement."
    )
    assert said(TREND).endswith("lower is better, so this is a concern.")


def test_two_of_three_near_a_limit_is_a_real_change():
    assert said(TWO_IN_THREE, direction="increase") == (
        "Up from 16 to 18.2 since the inspection in 2016: a real rise, not ordinary variation "
        "(two of the last three figures are near the top of the usual range); higher is "
        "better, so this is an improvement."
    )


def test_an_astronomical_point_before_the_latest_figure_is_named_as_a_one_off():
    assert said(ONE_OFF) == (
        "Up from 10 to 11 since the inspection in 2016: within ordinary variation, not a real "
        "change, though the figure for 2020 stood out as unusually high."
    )


def test_no_preferred_direction_says_neither_is_better():
    assert said(OUTSIDE, direction="neutral") == (
        "Down from 30 to 21 since the inspection in 2016: a real fall, not ordinary variation "
        "(the latest figure is below the usual range); neither higher nor lower is better for "
        "this measure."
    )


def test_no_change_since_the_inspection_says_the_same_and_a_signal_against_it_says_but():
    assert said(FLAT_THEN_FALL) == (
        "The same as at the inspection in 2016, at 10, but the recent figures show a real "
        "fall, not ordinary variation (the latest figure is below the usual range); lower is "
        "better, so this is an improvement."
    )
    assert said([10, 12, 11, 13, 10, 12, 11, 12, 11, 12]) == (
        "The same as at the inspection in 2016, at 12: within ordinary variation, not a real "
        "change."
    )


def test_without_an_inspection_the_change_is_from_the_first_figure_with_its_period():
    assert said(OUTSIDE, inspected_on=None).startswith(
        "Down from 29 in 2010 to 21 in 2023: a real fall"
    )
    assert said([10, 10, 11, 12, 10, 10], inspected_on=None).startswith(
        "The same in 2015 as in 2010, at 10:"
    )


def test_a_target_met_and_not_met_with_what_the_variation_means_for_it():
    assert said(OUTSIDE, target=25).endswith(
        "lower is better, so this is an improvement; the target of 25 is met, and at this "
        "level of variation it will be met some of the time and missed some of the time."
    )
    assert said(OUTSIDE, target=20).endswith(
        "; the target of 20 is not met, and at this level of variation it will be missed every "
        "time unless things change."
    )
    assert said(NONE, target=40).endswith(
        "; the target of 40 is met, and at this level of variation it will be met every time."
    )
    assert said(NONE, target=5).endswith(
        "; the target of 5 is not met, and at this level of variation it will be missed every "
        "time unless things change."
    )
    assert said(NONE, direction="increase", target=5).endswith(
        "the target of 5 is met, and at this level of variation it will be met every time."
    )
    assert said(NONE, direction="neutral", target=5).endswith("; the target is 5.")
    assert "target" not in said(NONE)


def test_too_few_figures_say_so_and_give_no_assurance():
    assert said([12, 10, 11], direction="increase", target=11, inspected_on=None) == (
        "Down from 12 in 2010 to 11 in 2012: too few figures yet (3) to tell a "
        "real change from ordinary variation; the target of 11 is met."
    )
    assert said([12], direction="increase", target=11) == (
        "Only one figure so far, 12 for 2010: too few to tell a real change from ordinary "
        "variation; the target of 11 is met."
    )
    assert sentence([], None, direction="increase", target=None, inspected_on=None) == (
        "There are no figures yet."
    )


def test_no_figure_since_the_inspection_says_the_latest_is_from_before_it():
    assert said(NONE, inspected_on=datetime.date(2030, 1, 1)) == (
        "The latest figure, 10 for 2019, is from before the inspection in 2030: within "
        "ordinary variation, not a real change."
    )


def test_periods_are_written_as_people_write_them():
    days = [
        Figure(f"{2014 + i}-07-31", v, datetime.date(2014 + i, 7, 31))
        for i, v in enumerate([5.0, 6.0])
    ]
    assert sentence(days, None, direction="increase", target=None, inspected_on=None) == (
        "Up from 5 on 31 July 2014 to 6 on 31 July 2015: too few figures yet (2) to tell a real "
        "change from ordinary variation."
    )


SERIES = [NONE, OUTSIDE, RISING_OUTSIDE, SHIFT, TREND, ONE_OFF, TWO_IN_THREE, FLAT_THEN_FALL]


@pytest.mark.parametrize(
    ("values", "direction", "target", "inspected_on"),
    list(
        itertools.product(
            SERIES, ["increase", "decrease", "neutral"], [None, 15.0], [INSPECTED, None]
        )
    ),
)
def test_every_finding_is_one_sentence_that_never_repeats_itself(
    values, direction, target, inspected_on
):
    text = said(values, direction, target, inspected_on)
    # One sentence: a capital first, one full stop, at the end (decimals aside).
    assert text[0].isupper() and text.endswith(".")
    assert re.sub(r"\d\.\d", "", text).count(".") == 1, text
    assert "  " not in text and " ." not in text and " ," not in text
    # No clause said twice, and no statistical jargon in the sentence itself.
    clauses = [c.strip() for c in re.split(r"[:;,()]", text.rstrip(".")) if c.strip()]
    assert len(clauses) == len(set(clauses)), text
    for word in ("signal", "special cause", "common cause", "UCL", "LCL", "process limit"):
        assert word not in text, text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
