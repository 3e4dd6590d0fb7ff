"""The update cycle's calendar (#17): due dates monthly, quarterly and on dates of one's own,
exact at the ends of months; when a round opens, when its reminders go and when it escalates."""

from __future__ import annotations

import datetime

import pytest

from followup.partnerships.models import Partnership
from followup.plans import cycle as calendar
from followup.plans.models import UpdateCycle

D = datetime.date
JANUARY_31 = D(2026, 1, 31)


def a_cycle(kind: str = "monthly", first: D | None = JANUARY_31, **settings: object) -> UpdateCycle:
    values: dict[str, object] = {
        "opens_days_before": 14,
        "remind_before": [7, 1],
        "remind_after": [3, 10],
        "escalate_after": 14,
        **settings,
    }
    return UpdateCycle(partnership=Partnership(slug="p"), kind=kind, first_due_on=first, **values)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year
        (D(2026, 1, 31), 2, D(2026, 3, 31)),
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 3, 31), 12, D(2027, 3, 31)),
        (D(2026, 5, 31), 0, D(2026, 5, 31)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(start, months, expected):
    assert calendar.add_months(start, months) == expected


def test_a_monthly_cycle_counts_each_date_from_the_first_not_from_the_one_before():
    cycle = a_cycle("monthly", D(2026, 1, 31))
    assert calendar.due_dates(cycle, [], D(2026, 1, 1), D(2026, 6, 30)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 31),
        D(2026, 6, 30),
    ]


def test_a_quarterly_cycle_falls_every_three_months_from_its_first_date():
    cycle = a_cycle("quarterly", D(2026, 3, 31))
    assert calendar.due_dates(cycle, [], D(2026, 1, 1), D(2027, 3, 31)) == [
        D(2026, 3, 31),
        D(2026, 6, 30),
        D(2026, 9, 30),
        D(2026, 12, 31),
        D(2027, 3, 31),
    ]


def test_due_dates_between_two_days_far_from_the_first_are_exact_and_include_both_ends():
    cycle = a_cycle("quarterly", D(2020, 5, 31))
    assert calendar.due_dates(cycle, [], D(2031, 8, 31), D(2032, 2, 29)) == [
        D(2031, 8, 31),
        D(2031, 11, 30),
        D(2032, 2, 29),
    ]


def test_nothing_is_due_before_the_first_date_or_without_one():
    assert calendar.due_dates(a_cycle(first=D(2026, 5, 1)), [], D(2026, 1, 1), D(2026, 4, 30)) == []
    assert calendar.due_dates(a_cycle(first=None), [], D(2026, 1, 1), D(2030, 1, 1)) == []


def test_a_cycle_of_ones_own_dates_has_exactly_those_in_the_window_in_order():
    cycle = a_cycle("dates", None)
    dates = [D(2026, 6, 2), D(2026, 3, 24), D(2026, 9, 15), D(2026, 3, 24)]
    assert calendar.due_dates(cycle, dates, D(2026, 3, 24), D(2026, 6, 2)) == [
        D(2026, 3, 24),
        D(2026, 6, 2),
    ]


def test_a_round_opens_from_its_opening_day_until_its_due_date_and_never_later():
    cycle = a_cycle("monthly", D(2026, 3, 31), opens_days_before=14)
    assert calendar.to_open(cycle, [], D(2026, 3, 16)) == []
    assert calendar.to_open(cycle, [], D(2026, 3, 17)) == [D(2026, 3, 31)]
    assert calendar.to_open(cycle, [], D(2026, 3, 31)) == [D(2026, 3, 31)]
    # The day after: March's due date has passed, April's round has not opened.
    assert calendar.to_open(cycle, [], D(2026, 4, 1)) == []
    assert calendar.opens_on(cycle, D(2026, 3, 31)) == D(2026, 3, 17)


def test_reminders_fall_between_the_opening_and_the_escalation_one_at_a_time():
    cycle = a_cycle(remind_before=[7, 1, 30], remind_after=[3, 10], escalate_after=14)
    due, opened = D(2026, 3, 31), D(2026, 3, 17)
    # 30 days before is before the round opened: the digest has just gone then.
    assert calendar.reminder_days(cycle, due, opened) == [
        D(2026, 3, 24),
        D(2026, 3, 30),
        D(2026, 4, 3),
        D(2026, 4, 10),
    ]
    assert calendar.reminder_due(cycle, due, opened, D(2026, 3, 23)) is None
    assert calendar.reminder_due(cycle, due, opened, D(2026, 3, 24)) == D(2026, 3, 24)
    assert calendar.reminder_due(cycle, due, opened, D(2026, 3, 29)) == D(2026, 3, 24)
    # A tick missed on 3 April and 10 April: on the 12th only the latest is due.
    assert calendar.reminder_due(cycle, due, opened, D(2026, 4, 12)) == D(2026, 4, 10)
    assert calendar.escalation_day(cycle, due) == D(2026, 4, 14)
    assert calendar.reminder_due(cycle, due, opened, D(2026, 4, 14)) is None


def test_a_round_opened_late_sends_no_reminder_for_a_day_before_it_opened():
    cycle = a_cycle(remind_before=[7], remind_after=[], escalate_after=14)
    due = D(2026, 3, 31)
    assert calendar.reminder_due(cycle, due, D(2026, 3, 28), D(2026, 3, 28)) is None
    assert calendar.reminder_due(cycle, due, D(2026, 3, 28), D(2026, 4, 2)) is None


def test_the_next_due_date_is_the_first_on_or_after_today():
    cycle = a_cycle("quarterly", D(2026, 3, 31))
    assert calendar.next_due(cycle, [], D(2026, 4, 1)) == D(2026, 6, 30)
    assert calendar.next_due(cycle, [], D(2026, 6, 30)) == D(2026, 6, 30)
    assert calendar.next_due(a_cycle("dates", None), [D(2026, 1, 1)], D(2026, 4, 1)) is None


def test_the_cycle_is_described_in_words():
    cycle = a_cycle("quarterly", D(2026, 3, 31), remind_before=[7, 1], remind_after=[3])
    assert calendar.describe(cycle, []) == [
        "Updates are due quarterly, from 31 March 2026.",
        "The requests go out 14 days before the due date.",
        "Reminders go 7 and 1 days before the due date.",
        "Reminders go 3 days after the due date.",
        "Updates still missing 14 days after the due date are escalated to the lead officers.",
    ]


def test_settings_the_cycle_could_not_run_on_are_named_by_field():
    fields = {
        "is_active": True,
        "kind": "monthly",
        "first_due_on": None,
        "opens_days_before": 7,
        "remind_before": [7],
        "remind_after": [20],
        "escalate_after": 20,
    }
    assert set(calendar.problems(fields, [])) == {"first_due_on", "remind_before", "escalate_after"}
    assert calendar.problems({**fields, "kind": "dates"}, [])["dates"] == (
        "Enter at least one due date of your own"
    )
    off = {**fields, "is_active": False, "remind_before": [1], "escalate_after": 21}
    assert calendar.problems(off, []) == {}
