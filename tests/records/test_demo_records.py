"""The demo's records reading: an illustrative return of 300 made-up children for South
Ayrshire, and a sample of 40 drawn from it, which the demo inspector sees and the lead does
not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from followup.demo.records import SEED, illustrative_return
from followup.inspections.models import Inspection
from followup.lib.tabular import read_table
from followup.records.models import (
    Answer,
    Moderation,
    Reading,
    RecordsReturn,
    Sample,
    SampledRecord,
)
from followup.records.returns import read_return
from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def demo(demo_for_module, db):
    return demo_for_module


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_the_demo_return_is_illustrative_and_holds_300_children_in_every_cohort(demo):
    frame = RecordsReturn.objects.get(inspection__partnership__slug="south-ayrshire")
    assert frame.is_illustrative and frame.record_count == 300
    assert set(frame.records.values_list("stratum", flat=True)) == {
        "register",
        "investigation",
        "care_and_risk",
        "at_home",
    }


def test_the_demo_return_is_the_same_every_time_and_passes_the_identifier_checks():
    assert illustrative_return() == illustrative_return()
    assert len(read_return(read_table(illustrative_return(), "r.csv"), b"k" * 40)) == 300


def test_the_demo_sample_of_40_is_drawn_with_its_recorded_seed_and_shown_to_the_inspector(demo):
    sample = Sample.objects.get(frame__inspection__partnership__slug="south-ayrshire")
    assert (sample.size, sample.seed) == (40, SEED)
    assert SampledRecord.objects.filter(sample=sample, purposive=False).count() == 40
    inspection = Inspection.objects.get(partnership__slug="south-ayrshire")
    page = signed_in("inspector").get(reverse("records:sample", args=["south-ayrshire", sample.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Illustrative" in text and "40 records, stratified" in text
    reading = reverse("records:reading", args=["south-ayrshire", inspection.pk])
    assert signed_in("lead").get(reading).status_code == 403


def test_the_demo_sample_reads_with_followup_default_records_template(demo):
    sample = Sample.objects.get(frame__inspection__partnership__slug="south-ayrshire")
    assert sample.template is not None
    assert (sample.template.key, sample.template.name) == (
        "followup-default",
        "Followup default records template",
    )
    assert sample.template.in_use()


def test_the_draw_form_gives_the_margin_for_40_of_300_and_the_sizes_for_10_and_5_points(demo):
    inspection = Inspection.objects.get(partnership__slug="south-ayrshire")
    url = reverse("records:draw", args=["south-ayrshire", inspection.pk])
    text = signed_in("inspector").get(url).content.decode()
    # 1.96 * sqrt(0.25 / 40) * sqrt(260 / 299) = 0.1445; 72.93 and 168.70 rounded up.
    assert "A random sample of 40 has a margin of error of ±14.4 percentage points" in text
    assert "73 give ±10 points and 169 give ±5 points" in text


def test_the_demo_reader_reads_with_the_inspector_and_30_records_are_read_and_25_moderated(demo):
    sample = Sample.objects.get(frame__inspection__partnership__slug="south-ayrshire")
    readings = Reading.objects.filter(member__sample=sample, status="submitted")
    assert set(readings.values_list("reader__username", flat=True)) == {"inspector", "reader"}
    assert readings.count() == 60
    assert (
        Moderation.objects.filter(member__sample=sample).values("member").distinct().count() == 25
    )
    grades = {
        (a.reading.member_id, a.question_id, a.reading.reader.username): int(a.value)
        for a in Answer.objects.filter(
            reading__member__sample=sample, question__answer="six_point"
        ).select_related("reading__reader")
    }
    apart = [
        abs(value - grades[(member, question, "reader")])
        for (member, question, who), value in grades.items()
        if who == "inspector"
    ]
    assert sum(d == 0 for d in apart) > len(apart) / 2 and max(apart) <= 2
    queue = signed_in("reader").get(reverse("records:queue", args=["south-ayrshire"]))
    assert queue.status_code == 200 and "30 of 40 records submitted" in queue.content.decode()


def test_the_demo_evaluation_pages_show_what_the_records_reading_found(demo):
    from followup.inspections.models import Evaluation
    from followup.records.results import sample_results

    inspection = Inspection.objects.get(
        partnership__slug="south-ayrshire", records_returns__isnull=False
    )
    results = sample_results(inspection, exact=True)
    assert results is not None and results.moderated > 0
    assert (
        results.moderated
        == Moderation.objects.filter(member__sample=results.sample, member__purposive=False)
        .values("member")
        .distinct()
        .count()
    )
    evidenced = {qi for q in results.questions for qi in q.indicators}
    evaluation = Evaluation.objects.filter(
        inspection=inspection, quality_indicator__in=evidenced
    ).first()
    assert evaluation is not None
    url = reverse("front:evaluation", args=["south-ayrshire", evaluation.pk])
    page = signed_in("viewer").get(url).content.decode()
    assert "Children's records read" in page or "Children&#x27;s records read" in page
    assert f"{results.moderated} of the {results.drawn} records drawn at random" in page
    assert "95% CI" in page
