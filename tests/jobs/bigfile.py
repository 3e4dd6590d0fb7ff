"""A large tidy data file, made in the test: ``rows`` figures of one partnership's own data
elements for its area, one a day (docs/data-import.md's tidy layout)."""

from __future__ import annotations

import datetime

ELEMENTS = 400
FIRST_DAY = datetime.date(2000, 1, 1)


def big_csv(area_code: str, rows: int) -> bytes:
    days = -(-rows // ELEMENTS)
    lines = ["area_code,period,data_element,value"]
    for number in range(rows):
        element, day = divmod(number, days)
        period = FIRST_DAY + datetime.timedelta(days=day)
        lines.append(f"{area_code},{period.isoformat()},element_{element:03d},{number % 97}")
    return ("\n".join(lines) + "\n").encode()
