"""Dates and periods as people write them: "31 July 2020", "July 2020", "2019-20".

Pages, charts and reports show dates through these functions (and through the template filters
``day`` and ``period`` of ``web.templatetags.govuk``, and Django's ``DATE_FORMAT``); machine
formats (CSV, JSON, ``datetime`` attributes) keep ISO 8601.
"""

from __future__ import annotations

import datetime
import re

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_STATISTICAL = re.compile(r"^SY(\d{4}-\d{2})$")
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def day(value: datetime.date | None) -> str:
    """A day as people write it: "31 July 2020" (nothing for no day)."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def day_and_time(value: datetime.datetime | None) -> str:
    """A moment as people write it: "31 July 2020, 14:05"."""
    if value is None:
        return ""
    return f"{day(value.date())}, {value:%H:%M}"


def period(text: str) -> str:
    """A period id (``followup.indicators.periods``) as people write it: a day "31 July 2023",
    a month "July 2023", a quarter "July to September 2023", a financial or statistical year
    "2023-24", a year "2023". Anything else comes back as it was."""
    raw = str(text)
    if match := _DAY.match(raw):
        try:
            return day(datetime.date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return raw
    if (match := _MONTH.match(raw)) and 1 <= int(match[2]) <= 12:
        second = int(match[2])
        if second == (int(match[1]) + 1) % 100:  # a financial year, such as 2011-12
            return raw
        return f"{MONTHS[second - 1]} {match[1]}"
    if match := _QUARTER.match(raw):
        first = 3 * int(match[2]) - 3
        return f"{MONTHS[first]} to {MONTHS[first + 2]} {match[1]}"
    if match := _STATISTICAL.match(raw):
        return match[1]
    return raw


def in_words(text: str) -> str:
    """Text with every ISO day in it (``2020-07-31``) written as people write it."""

    def replace(match: re.Match[str]) -> str:
        return period(match[0])

    return ISO_DAY.sub(replace, text)
