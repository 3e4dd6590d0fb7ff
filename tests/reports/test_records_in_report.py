"""The inspection summary reports the children's records read: the moderated answers of the
records drawn at random, through disclosure control whoever composes it."""

from __future__ import annotations

import io

import docx
import pytest
from django.utils import timezone

from followup.lib.dates import day
from followup.records.models import FrameRecord
from followup.reports.compose import inspection_report, review_report
from followup.reports.render import html, render
from tests.conftest import World
from tests.records.results_data import moderated_sample

pytestmark = pytest.mark.django_db


def grades(*counts: int) -> list[str]:
    return [str(g) for g, n in enumerate(counts, start=1) for _ in range(n)]


def test_the_inspection_summary_publishes_the_findings_through_disclosure_control(
    world: World,
) -> None:
    sample = moderated_sample(
        world.home.inspection,
        grades(0, 2, 8, 10, 6, 4),
        ["yes"] * 20 + ["no"] * 7 + ["na"] * 3,
        purposive=["1"],
    )
    report = inspection_report(world.home.inspection)
    assert report.records is not None
    grades_table, yes_no_table = report.records.tables
    assert grades_table.rows == [
        [
            "How good is the assessment of the child's needs and risks? (Assessment)",
            "0",
            "[c]",
            "[c]",
            "10",
            "[c]",
            "[c]",
            "30",
            "0",
            "67% (95% CI 49% to 81%)",
        ]
    ]
    # 3 not applicable makes the 27 answered yes or no all but three of the 30: withheld.
    assert yes_no_table.rows == [
        [
            "Is there a chronology of significant events? (Assessment)",
            "[c]",
            "[c]",
            "[c]",
            "[c]",
        ]
    ]
    assert any("1 record added on purpose is left out" in p for p in report.records.paragraphs)
    page = html(report)
    assert "Children&#x27;s records read" in page or "Children's records read" in page
    for record in FrameRecord.objects.filter(frame=sample.frame):
        assert record.reference not in page
    assert "Seen and heard." not in page
    word = docx.Document(io.BytesIO(render(report, "docx")))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "67% (95% CI 49% to 81%)" in cells


def test_a_report_says_nothing_of_records_when_none_were_moderated(world: World) -> None:
    assert inspection_report(world.home.inspection).records is None
    moderated_sample(world.home.inspection, [], unmoderated=3)
    assert inspection_report(world.home.inspection).records is None
    assert review_report(world.home.review, with_charts=False).records is None


def test_a_report_leaves_out_findings_not_released_or_of_an_unpublished_inspection(
    world: World,
) -> None:
    from followup.inspections.models import Inspection

    sample = moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4), released=False)
    report = inspection_report(world.home.inspection)
    assert report.records is None
    assert report.warnings == [
        "The children's records read are left out: the inspection team has not released the "
        "findings (on the sample's page). Release them once the reading is done."
    ]
    sample.released_at = timezone.now()
    sample.save(update_fields=["released_at"])
    Inspection.objects.filter(pk=world.home.inspection.pk).update(status="draft")
    world.home.inspection.refresh_from_db()
    report = inspection_report(world.home.inspection)
    assert report.records is None
    assert report.warnings == [
        "The children's records read are left out until the inspection is published: until "
        "then they are the inspection team's."
    ]


def test_a_report_of_records_all_drawn_at_random_says_nothing_of_records_added_on_purpose(
    world: World,
) -> None:
    moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4))
    report = inspection_report(world.home.inspection)
    assert report.records is not None
    assert len(report.records.paragraphs) == 2
    assert not any("added on purpose" in p for p in report.records.paragraphs)
    assert report.warnings == []


def test_the_draft_warns_when_the_findings_rest_on_fewer_records_than_were_drawn(
    world: World,
) -> None:
    sample = moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4), unmoderated=5)
    report = inspection_report(world.home.inspection)
    assert report.records is not None  # the 30 moderated are reported
    assert sample.released_at is not None
    on = day(timezone.localdate(sample.released_at))
    assert report.warnings == [
        "The children's records read rest on the 30 of the 35 records drawn at random "
        f"moderated when the findings were released on {on}."
    ]
