"""The demo's records reading: an illustrative pre-inspection return for South Ayrshire, of
about 300 made-up children (no real child, no name, no date), a sample of 40 drawn from it, and
its illustrative paired reading: the demo inspector and local reader read 30 of the records,
mostly agreeing or one grade apart, and 25 are moderated; the findings of those 25 are released
to the partnership.

Every value is chosen by a hash of the child's number and the column (SHA-256), so the return is
the same on every machine and every Python version."""

from __future__ import annotations

import csv
import hashlib
import io

from django.contrib.auth.models import User
from django.utils import timezone

from followup.inspections.models import Inspection
from followup.lib.types import AnyUser
from followup.records import actions, actions_reading, actions_results, queries
from followup.records.models import Answer, AnswerType, Moderation, Reading, Sample, SampledRecord

CHILDREN = 300
SAMPLE_SIZE = 40
SEED = 20160425  # the first day of the 2016 fieldwork
READ = 30  # records read by both of the pair
MODERATED = 25  # of those, moderated
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


def _grades(row: int, key: str) -> tuple[int, int]:
    """The inspector's and the reader's grade of a question of a record: mostly 3 to 5, the
    reader's equal about two times in three, otherwise one apart (rarely two)."""
    base = 2 + _pick(row, f"grade:{key}", 4)  # 2 to 5
    spread = _pick(row, f"apart:{key}", 20)
    delta = 0 if spread < 13 else (1 if spread < 16 else -1 if spread < 19 else 2)
    return base, min(6, max(1, base + delta))


def _yes_no(row: int, key: str) -> tuple[str, str]:
    first = ("yes", "yes", "yes", "no", "na")[_pick(row, f"yes:{key}", 5)]
    second = first if _pick(row, f"agree:{key}", 10) < 9 else ("no" if first == "yes" else "yes")
    return first, second


def load_readings(inspector: User, reader: User, sample: Sample) -> None:
    """Pair the demo inspector with the local reader, share the sample's records with them, and
    write the illustrative readings of the first 30 and the moderation of 25 in a few
    statements (the pair and the sharing through the actions, with their audit entries)."""
    actions_reading.add_pair(inspector, sample, {"inspector": inspector, "reader": reader})
    actions_reading.assign_records(inspector, sample)
    assert sample.template is not None
    questions = queries.template_questions(sample.template)
    members = list(SampledRecord.objects.filter(sample=sample).select_related("record"))
    members.sort(key=lambda m: m.record.row)
    now = timezone.now()
    readings = Reading.objects.bulk_create(
        Reading(member=m, reader=who, status=Reading.Status.SUBMITTED, submitted_at=now)
        for m in members[:READ]
        for who in (inspector, reader)
    )
    answers, moderations = [], []
    for n, member in enumerate(members[:READ]):
        row = member.record.row
        mine, theirs = readings[2 * n], readings[2 * n + 1]
        for question in questions:
            if question.answer == AnswerType.SIX_POINT:
                first, second = (str(g) for g in _grades(row, question.key))
            elif question.answer == AnswerType.YES_NO_NA:
                first, second = _yes_no(row, question.key)
            else:
                first = second = ""
            answers += [
                Answer(reading=mine, question=question, value=first),
                Answer(reading=theirs, question=question, value=second),
            ]
            if n < MODERATED:
                agreed = first if _pick(row, f"side:{question.key}", 2) == 0 else second
                moderations.append(
                    Moderation(
                        member=member,
                        question=question,
                        value=agreed,
                        rationale="" if first == second else "Illustrative: agreed on discussion",
                        moderated_by=inspector,
                    )
                )
    Answer.objects.bulk_create(answers, batch_size=1000)
    Moderation.objects.bulk_create(moderations, batch_size=1000)
    # Released as they stand, so that the partnership's members see the findings too.
    actions_results.release_findings(inspector, sample)
