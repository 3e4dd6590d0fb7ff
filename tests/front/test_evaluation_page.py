"""The evaluation page, and the records reading's findings on it and on the recommendation page:
beside the grade, the recommendations, indicators and quotes on the same quality indicator, and
what the reading of children's records found for it, through disclosure control."""

from __future__ import annotations

import pytest
from django.urls import reverse

from followup.inspections.models import Inspection
from followup.records.models import FrameRecord, Moderation, SampledRecord, TemplateQuestion
from tests.conftest import World
from tests.records.results_data import moderated_sample

pytestmark = pytest.mark.django_db


def grades(*counts: int) -> list[str]:
    return [str(g) for g, n in enumerate(counts, start=1) for _ in range(n)]


def page(world: World, name: str, url_name: str = "front:evaluation") -> str:
    site = world.home
    target = site.evaluation if url_name == "front:evaluation" else site.recommendation
    url = reverse(url_name, args=[site.partnership.slug, target.pk])
    response = world.client_for(name).get(url)
    assert response.status_code == 200, name
    return response.content.decode()


def test_outsider_gets_404_for_another_partnerships_evaluation(world: World) -> None:
    url = reverse("front:evaluation", args=["home", world.home.evaluation.pk])
    assert world.client_for("outsider").get(url).status_code == 404
    # Their own partnership's slug with this partnership's evaluation is 404 too.
    url = reverse("front:evaluation", args=["away", world.home.evaluation.pk])
    assert world.client_for("outsider").get(url).status_code == 404


def test_the_page_shows_the_grade_and_the_recommendations_on_its_quality_indicator(
    world: World,
) -> None:
    world.home.recommendation.quality_indicators.add(world.home.evaluation.quality_indicator)
    html = page(world, "viewer")
    assert world.home.evaluation.quality_indicator.name in html
    assert "Adequate (3)" in html
    assert "Improve planning in Homeshire" in html
    assert world.home.indicator.name in html


def test_a_viewer_sees_the_published_findings_through_disclosure_control_and_no_reading(
    world: World,
) -> None:
    sample = moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4))
    html = page(world, "viewer")
    assert "Children's records read" in html
    assert "20 of the 20 records drawn" not in html
    assert "30 of the 30 records drawn at random" in html
    assert "67% (95% CI 49% to 81%)" in html
    assert ">[c]</td>" in html
    # Nothing of a record or a reading: no reference, no note.
    for record in FrameRecord.objects.filter(frame=sample.frame):
        assert record.reference not in html
    assert "Seen and heard." not in html
    assert "a small count, never published" not in html


def test_the_inspection_team_sees_every_count_with_small_ones_marked(world: World) -> None:
    moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4))
    html = page(world, "inspector")
    assert ">[c]</td>" not in html
    assert '2<span class="govuk-visually-hidden"> (a small count, never published)' in html
    assert "You see every count" in html


def test_before_publication_the_partnership_sees_no_findings(world: World) -> None:
    moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4))
    Inspection.objects.filter(pk=world.home.inspection.pk).update(status="draft")
    for name in ("viewer", "lead"):
        assert "Children's records read" not in page(world, name)
    html = page(world, "inspector")
    assert "its members will see them once the inspection is published" in html
    assert "You see them as they stand now." in html


def test_the_recommendation_page_shows_the_findings_for_its_quality_indicators(
    world: World,
) -> None:
    moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4))
    html = page(world, "viewer", "front:recommendation")
    assert "Children's records read" in html
    assert "No question of the reading template is evidence for" in html
    world.home.recommendation.quality_indicators.add(world.home.evaluation.quality_indicator)
    html = page(world, "viewer", "front:recommendation")
    assert "67% (95% CI 49% to 81%)" in html


def test_the_inspection_page_links_each_evaluation_to_its_page(world: World) -> None:
    url = reverse("inspections:detail", args=["home", world.home.inspection.pk])
    html = world.client_for("viewer").get(url).content.decode()
    assert reverse("front:evaluation", args=["home", world.home.evaluation.pk]) in html


def test_unreleased_findings_are_the_inspection_teams_only(world: World) -> None:
    moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4), released=False)
    for name in ("viewer", "lead", "contributor"):
        assert "Children&#x27;s records read" not in page(world, name), name
    html = page(world, "inspector")
    assert "Only the inspection team sees these findings: release them" in html
    assert "67% (95% CI 49% to 81%)" in html


def test_the_partnership_sees_the_findings_as_released_however_many_are_moderated_after(
    world: World,
) -> None:
    """The attack the release stops: a reader who saved the page before one more record was
    moderated, and compares it with the page after, learns nothing: the page is the same."""
    sample = moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4), unmoderated=1)
    before = page(world, "viewer").split('id="records-read"')[1].split("</table>")[0]
    assert "30 of the 31 records drawn at random had been read" in before
    member = SampledRecord.objects.get(sample=sample, moderations__isnull=True)
    question = TemplateQuestion.objects.get(template=sample.template, key="assessment")
    Moderation.objects.create(member=member, question=question, value="1")
    after = page(world, "viewer").split('id="records-read"')[1].split("</table>")[0]
    assert after == before
    # The inspection team sees the record moderated since.
    assert "31 of the 31 records drawn at random have been read" in page(world, "inspector")
