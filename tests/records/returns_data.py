"""Pre-inspection returns for the records tests: made up, with no one's data."""

from __future__ import annotations

import csv
import io

HEADINGS = [
    "record_key",
    "child_protection_register",
    "investigation_not_leading_to_registration",
    "care_and_risk_management",
    "looked_after_at_home",
    "social_work",
    "health",
    "education",
    "police",
    "childrens_reporter",
    "age_band",
    "team",
]
# Stratum of each generated child, in turn: 10 register, 6 investigation, 2 care and risk
# management and 2 looked after at home in every 20.
PATTERN = ["register"] * 10 + ["investigation"] * 6 + ["care_and_risk"] * 2 + ["at_home"] * 2
COHORT_COLUMN = {
    "register": "child_protection_register",
    "investigation": "investigation_not_leading_to_registration",
    "care_and_risk": "care_and_risk_management",
    "at_home": "looked_after_at_home",
}
TEAMS = ["Ayr North team", "Ayr South team", "Girvan team", "Troon locality team"]
BANDS = ["0-4", "5-11", "12-15", "16+"]


def child(number: int) -> dict[str, str]:
    stratum = PATTERN[number % len(PATTERN)]
    row = dict.fromkeys(HEADINGS, "no")
    row |= {
        "record_key": f"SA-{number:04d}",
        COHORT_COLUMN[stratum]: "yes",
        "social_work": "yes",
        "health": "yes" if number % 2 else "no",
        "education": "yes" if number % 3 else "no",
        "police": "yes" if stratum == "register" else "no",
        "childrens_reporter": "yes" if number % 5 == 0 else "",
        "age_band": BANDS[number % 4],
        "team": TEAMS[number % 4],
    }
    return row


def return_csv(
    children: int = 20,
    *,
    rows: list[dict[str, str]] | None = None,
    headings: list[str] | None = None,
) -> bytes:
    """A return of ``children`` made-up children (or the ``rows`` given) as CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headings or HEADINGS, extrasaction="ignore")
    writer.writeheader()
    for row in rows if rows is not None else [child(n) for n in range(1, children + 1)]:
        writer.writerow(row)
    return out.getvalue().encode()
