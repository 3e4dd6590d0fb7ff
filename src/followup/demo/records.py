"""The demo's records reading: an illustrative pre-inspection return for South Ayrshire, of
about 300 made-up children (no real child, no name, no date), and a sample of 40 drawn from it.

Every value is chosen by a hash of the child's number and the column (SHA-256), so the return is
the same on every machine and every Python version."""

from __future__ import annotations

import csv
import hashlib
import io

from followup.inspections.models import Inspection
from followup.lib.types import AnyUser
from followup.records import actions, queries
from followup.records.models import Sample

CHILDREN = 300
SAMPLE_SIZE = 40
SEED = 20160425  # the first day of the 2016 fieldwork
FILENAME = "south-ayrshire-pre-inspection-return-illustrative.csv"
# (stratum column, share in 100): an illustrative mix, not South Ayrshire's.
COHORTS = [
    ("child_protection_register", 34),
    ("investigation_not_leading_to_registration", 30),
    ("care_and_risk_management", 6),
    ("looked_after_at_home", 30),
]
TEAMS = [
    "Ayr North team",
    "Ayr South team",
    "Prestwick and Troon team",
    "Girvan and Carrick team",
    "Maybole team",
    "Disability team",
]
BANDS = ["unborn", "0-4", "5-11", "12-15", "16+"]
HEADINGS = [
    "record_key",
    *(column for column, _ in COHORTS),
    "social_work",
    "health",
    "education",
    "police",
    "childrens_reporter",
    "age_band",
    "team",
]


def _pick(number: int, column: str, choices: int) -> int:
    digest = hashlib.sha256(f"south-ayrshire:{number}:{column}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % choices


def _child(number: int) -> dict[str, str]:
    point = _pick(number, "cohort", 100)
    cohort = next(c for c, edge in _edges() if point < edge)
    band = BANDS[_pick(number, "age", len(BANDS))]
    at_risk = cohort in ("child_protection_register", "investigation_not_leading_to_registration")
    row = dict.fromkeys(HEADINGS, "no")
    row |= {
        "record_key": f"SA-PIR-{number:04d}",
        cohort: "yes",
        "social_work": "yes",
        "health": "yes" if _pick(number, "health", 10) < 9 else "no",
        "education": "yes" if band in ("5-11", "12-15", "16+") else "no",
        "police": "yes" if at_risk and _pick(number, "police", 10) < 8 else "no",
        "childrens_reporter": "yes" if _pick(number, "reporter", 10) < 4 else "no",
        "age_band": band,
        "team": TEAMS[_pick(number, "team", len(TEAMS))],
    }
    if cohort == "looked_after_at_home" and _pick(number, "also", 10) == 0:
        row["child_protection_register"] = "yes"  # a few children are in two cohorts
    return row


def _edges() -> list[tuple[str, int]]:
    edges, total = [], 0
    for column, share in COHORTS:
        total += share
        edges.append((column, total))
    return edges


def illustrative_return() -> bytes:
    """The demo's pre-inspection return as CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADINGS)
    writer.writeheader()
    for number in range(1, CHILDREN + 1):
        writer.writerow(_child(number))
    return out.getvalue().encode()


def load_records(inspector: AnyUser, inspection: Inspection) -> Sample:
    """Upload the illustrative return as the demo inspector, and draw the sample of 40."""
    actions.upload_return(
        inspector, inspection, filename=FILENAME, data=illustrative_return(), is_illustrative=True
    )
    return actions.draw_sample(
        inspector,
        inspection,
        size=SAMPLE_SIZE,
        seed=SEED,
        template=queries.default_reading_template(),
    )
