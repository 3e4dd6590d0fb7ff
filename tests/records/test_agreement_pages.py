"""How far the pairs agree, on the records reading pages: the figures are those ``followup
agreement`` gives for the same grades, from records both readers have submitted only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from followup import cli
from followup.records import agreement
from followup.records.models import (
    Reading,
    ReadingPair,
    Sample,
    SampledRecord,
    TemplateQuestion,
)


@pytest.fixture
def demo(demo_for_module: Any, db: Any) -> Sample:
    sample = Sample.objects.get(frame__inspection__partnership__slug="south-ayrshire")
    return sample


def signed_in(name: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    return client


def followup_agreement(request: dict[str, Any], tmp_path: Any, capsys: Any) -> dict[str, Any]:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request))
    assert cli.main(["agreement", str(path)]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_the_page_shows_the_figures_followup_agreement_gives_for_the_same_grades(
    demo: Sample, tmp_path: Any, capsys: Any
) -> None:
    items = agreement.graded_items(demo)
    six_point = TemplateQuestion.objects.filter(template=demo.template, answer="six_point").count()
    assert len(items) == 30 * six_point  # the demo's 30 records read by both
    expected = followup_agreement(agreement.request(items), tmp_path, capsys)
    url = reverse("records:agreement", args=["south-ayrshire", demo.pk])
    page = signed_in("inspector").get(url).content.decode()
    exact, within = expected["exact"], expected["within_one"]
    assert (
        f"Of the {len(items)} grades given by both, {100 * exact:.0f}% were the same and " in page
    )
    quadratic = expected["cohen_kappa"]["quadratic"]
    bounds = expected["intervals"]["cohen_kappa"]["quadratic"]
    assert f"{quadratic:.2f} ({bounds['lower']:.2f} to {bounds['upper']:.2f})" in page
    ordinal = expected["krippendorff_alpha"]["ordinal"]
    assert f"{ordinal:.2f} (" in page
    matrix = expected["confusion_matrix"]
    for grade, counts in zip(matrix["grades"], matrix["counts"], strict=True):
        cells = "".join(
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{c}</td>' for c in counts
        )
        assert f'<th scope="row" class="govuk-table__header">{grade}</th>{cells}' in page
    assert 100 * within >= 100 * exact


def test_a_reading_in_draft_or_read_by_one_counts_for_nothing(demo: Sample) -> None:
    before = agreement.graded_items(demo)
    pair = ReadingPair.objects.get(sample=demo)
    unread = (
        SampledRecord.objects.filter(sample=demo, assignment__pair=pair)
        .exclude(readings__status=Reading.Status.SUBMITTED)
        .first()
    )
    assert unread is not None
    Reading.objects.create(member=unread, reader=pair.reader, status=Reading.Status.SUBMITTED)
    Reading.objects.create(member=unread, reader=pair.inspector, status=Reading.Status.DRAFT)
    assert agreement.graded_items(demo) == before


@pytest.mark.parametrize(
    ("who", "status"), [("viewer", 403), ("reader", 403), ("lead", 403), ("outsider", 404)]
)
def test_only_the_inspection_team_sees_how_far_the_pairs_agree(
    demo: Sample, who: str, status: int
) -> None:
    url = reverse("records:agreement", args=["south-ayrshire", demo.pk])
    assert signed_in(who).get(url).status_code == status
