import datetime

import pytest

from followup.indicators.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2023-07-31", None, ("2023-07-31", "day", "2023-07-31", "2023-07-31")),
        ("2023-07", None, ("2023-07", "month", "2023-07-01", "2023-07-31")),
        ("2024-02", None, ("2024-02", "month", "2024-02-01", "2024-02-29")),
        ("2023Q3", None, ("2023Q3", "quarter", "2023-07-01", "2023-09-30")),
        ("2023-q4", None, ("2023Q4", "quarter", "2023-10-01", "2023-12-31")),
        ("2023-24", None, ("2023-24", "financial_year", "2023-04-01", "2024-03-31")),
        ("2023/24", None, ("2023-24", "financial_year", "2023-04-01", "2024-03-31")),
        ("2023", None, ("2023", "year", "2023-01-01", "2023-12-31")),
        ("2010-11", None, ("2010-11", "financial_year", "2010-04-01", "2011-03-31")),
        ("2010-11", "month", ("2010-11", "month", "2010-11-01", "2010-11-30")),
        ("1999-00", None, ("1999-00", "financial_year", "1999-04-01", "2000-03-31")),
        (
            "2012-13",
            "statistical_year",
            ("SY2012-13", "statistical_year", "2012-08-01", "2013-07-31"),
        ),
        ("SY2012-13", None, ("SY2012-13", "statistical_year", "2012-08-01", "2013-07-31")),
    ],
)
def test_periods_read_to_canonical_ids_and_dates(text, kind, expected):
    period = parse_period(text, kind)
    assert (period.id, period.kind, period.start.isoformat(), period.end.isoformat()) == expected
    assert isinstance(period.start, datetime.date)


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("2023-02-30", None, "'2023-02-30' is not a real date"),
        (
            "2023-13",
            None,
            "cannot read '2023-13' as a period such as 2023-07-31, 2023-07, 2023Q3, 2023-24 or 2023",
        ),
        (
            "2023-26",
            "financial_year",
            "'2023-26' is not a financial year: the second year must follow the first",
        ),
        ("July 2023", None, "cannot read 'July 2023' as a period"),
        ("2023", "month", "cannot read '2023' as a month (YYYY-MM)"),
        ("", None, "cannot read '' as a period"),
    ],
)
def test_unreadable_periods_say_what_was_expected(text, kind, message):
    with pytest.raises(PeriodError) as caught:
        parse_period(text, kind)
    assert str(caught.value).startswith(message)
