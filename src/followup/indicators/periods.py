"""Periods: canonical ids, their kinds, and their first and last days.

| kind             | canonical id | covers                              |
|------------------|--------------|-------------------------------------|
| ``day``          | 2023-07-31   | one day (a snapshot, such as a census date) |
| ``month``        | 2023-07      | a calendar month                    |
| ``quarter``      | 2023Q3       | a calendar quarter                  |
| ``financial_year`` | 2023-24    | 1 April 2023 to 31 March 2024       |
| ``year``         | 2023         | a calendar year                     |
| ``statistical_year`` | SY2022-23 | 1 August 2022 to 31 July 2023 (Scotland's children's social work statistics year) |

"2010-11" reads as November 2010 or as the financial year 2010-11. A data element says which
kind of period it has, and its periods are read as that kind; with no kind given, a second part
equal to the next year's last two digits reads as a financial year.

Years run from 1900 to 2100 (``FIRST_YEAR`` to ``LAST_YEAR``): a period outside them is refused,
as a typing slip (``0001-07-31``, ``9999``) rather than a figure.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

FIRST_YEAR, LAST_YEAR = 1900, 2100
KINDS = ("day", "month", "quarter", "financial_year", "year", "statistical_year")
KIND_LABELS = {
    "day": "a day (YYYY-MM-DD)",
    "month": "a month (YYYY-MM)",
    "quarter": "a quarter (YYYYQ1 to YYYYQ4)",
    "financial_year": "a financial year (YYYY-YY, April to March)",
    "year": "a calendar year (YYYY)",
    "statistical_year": "a statistical year (YYYY-YY or SYYYYY-YY, August to July)",
}

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PAIR = re.compile(r"^(\d{4})[-/](\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[- ]?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_LEADING_YEAR = re.compile(r"^(?:SY)?(\d{4})(?!\d)", re.IGNORECASE)
_STAT = re.compile(r"^(?:SY)?(\d{4})[-/](\d{2})$", re.IGNORECASE)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedPeriod:
    id: str
    kind: str
    start: datetime.date
    end: datetime.date


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _shown(raw: str) -> str:
    """The text as a message quotes it: long text cut short."""
    return repr(raw) if len(raw) <= 40 else f"{raw[:40]!r}… ({len(raw):,} characters)"


def parse_period(text: str, kind: str | None = None) -> ParsedPeriod:
    """Read a period id, as the given kind when there is one; raise PeriodError otherwise."""
    raw = (text or "").strip()
    year = _LEADING_YEAR.match(raw)
    if year and not FIRST_YEAR <= int(year[1]) <= LAST_YEAR:
        raise PeriodError(
            f"{_shown(raw)} is in the year {int(year[1])}: expected a year from "
            f"{FIRST_YEAR} to {LAST_YEAR}"
        )
    return _parse(raw, kind)


def _parse(raw: str, kind: str | None) -> ParsedPeriod:
    expected = (
        KIND_LABELS[kind]
        if kind
        else "a period such as 2023-07-31, 2023-07, 2023Q3, 2023-24 or 2023"
    )
    if (match := _DAY.match(raw)) and kind in (None, "day"):
        try:
            day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise PeriodError(f"{_shown(raw)} is not a real date") from None
        return ParsedPeriod(day.isoformat(), "day", day, day)
    if (match := _QUARTER.match(raw)) and kind in (None, "quarter"):
        year, quarter = int(match[1]), int(match[2])
        start = datetime.date(year, 3 * quarter - 2, 1)
        return ParsedPeriod(f"{year}Q{quarter}", "quarter", start, _month_end(year, 3 * quarter))
    if (match := _YEAR.match(raw)) and kind in (None, "year"):
        year = int(match[1])
        return ParsedPeriod(
            str(year), "year", datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        )
    if (match := _STAT.match(raw)) and (
        kind == "statistical_year" or (kind is None and raw.upper().startswith("SY"))
    ):
        year, second = int(match[1]), int(match[2])
        if second != (year + 1) % 100:
            raise PeriodError(
                f"{_shown(raw)} is not a statistical year: the second year must follow the first"
            )
        return ParsedPeriod(
            f"SY{year}-{second:02d}",
            "statistical_year",
            datetime.date(year, 8, 1),
            datetime.date(year + 1, 7, 31),
        )
    if match := _PAIR.match(raw):
        year, second = int(match[1]), int(match[2])
        is_fy_shape = second == (year + 1) % 100
        if kind == "financial_year" or (kind is None and is_fy_shape):
            if not is_fy_shape:
                raise PeriodError(
                    f"{_shown(raw)} is not a financial year: the second year must follow the first"
                )
            return ParsedPeriod(
                f"{year}-{second:02d}",
                "financial_year",
                datetime.date(year, 4, 1),
                datetime.date(year + 1, 3, 31),
            )
        if kind in (None, "month") and 1 <= second <= 12 and "/" not in raw:
            return ParsedPeriod(
                f"{year}-{second:02d}",
                "month",
                datetime.date(year, second, 1),
                _month_end(year, second),
            )
    raise PeriodError(f"cannot read {_shown(raw)} as {expected}")
