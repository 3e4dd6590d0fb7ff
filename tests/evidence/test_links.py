"""Codes and quotes as evidence for recommendations and quality indicators."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from followup.evidence import actions
from followup.evidence.models import Code, Coding, Quote
from followup.evidence.queries import themes_for
from followup.frameworks.models import QualityIndicator
from followup.lib import disclosure
from tests.browserlike import edit


def test_the_quality_indicators_of_the_inspections_framework_become_nested_linked_codes(world):
    partnership = world.home.partnership
    framework = world.home.inspection.framework
    made = actions.add_qi_codes(world.users["lead"], partnership, framework)
    indicators = QualityIndicator.objects.filter(framework=framework)
    assert len(made) == indicators.count()  # one code per QI...
    top = Code.objects.get(partnership=partnership, parent=None, origin="qi")
    assert top.name == framework.name[:200]  # ...under one code for the framework
    for qi in indicators:
        code = Code.objects.get(partnership=partnership, quality_indicator=qi)
        assert code.name == f"{qi.ref_id} {qi.name}".strip()[:200]
        if qi.parent_id:
            assert code.parent.quality_indicator_id == qi.parent_id
    assert actions.add_qi_codes(world.users["lead"], partnership, framework) == []


def test_a_framework_the_partnership_was_not_inspected_under_is_refused(world):
    from followup.frameworks.models import Framework

    other = Framework.objects.exclude(pk=world.home.inspection.framework_id).first()
    if other is None:
        pytest.skip("the library has one framework")
    with pytest.raises(ValidationError):
        actions.add_qi_codes(world.users["lead"], world.home.partnership, other)


def test_a_recommendations_themes_count_passages_by_respondent_group(themed):
    recommendation, _, _ = themed
    themes = {t.code.name: t for t in themes_for(recommendation)}
    assert set(themes) == {"Heard by workers", "Heard at reviews"}
    assert themes["Heard by workers"].by_group == [("Child or young person", 5, 5), ("Staff", 2, 2)]
    assert (themes["Heard by workers"].codings, themes["Heard by workers"].sources) == (7, 7)
    assert themes["Heard at reviews"].by_group == [("Child or young person", 1, 1)]


def test_a_qi_code_is_a_theme_of_every_recommendation_on_that_qi(world):
    recommendation = world.home.recommendation
    qi = QualityIndicator.objects.filter(
        framework=world.home.inspection.framework, assessable=True
    ).first()
    recommendation.quality_indicators.add(qi)
    code = Code.objects.create(
        partnership=world.home.partnership, name="QI code", quality_indicator=qi
    )
    themes = themes_for(recommendation)
    assert [(t.code, t.how) for t in themes] == [(code, "quality indicator QI code")]


def test_the_recommendation_page_shows_small_counts_to_a_lead_and_withholds_them_from_a_viewer(
    world, themed
):
    url = reverse("front:recommendation", args=["home", world.home.recommendation.pk])
    lead = world.client_for("lead").get(url).content.decode()
    assert "Child or young person: 5 (5)" in lead
    assert 'Staff: <span class="followup-small-count">2<' in lead
    # A viewer sees sources only, as a report would. Who we heard from publishes the five
    # children's sources (the three staff ones are a small count), so with a total of 7 the
    # staff's 2 would be 7 - 5: the children's count is withheld with it.
    viewer = world.client_for("viewer").get(url).content.decode()
    assert "Child or young person: [c]<br>Staff: [c]" in viewer
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">7</td>' in viewer
    assert "(5)" not in viewer and "followup-small-count" not in viewer
    assert escape(disclosure.meaning()) in viewer


def test_a_code_is_linked_to_recommendations_from_its_edit_page(world):
    code = world.home.code
    edit(
        world.client_for("contributor"),
        reverse("evidence:code_edit", args=["home", code.pk]),
        {"recommendations": [str(world.home.recommendation.pk)]},
    )
    assert list(code.recommendations.all()) == [world.home.recommendation]


def test_a_code_cannot_be_linked_to_another_partnerships_recommendation(world):
    with pytest.raises(ValidationError):
        actions.update_code(
            world.users["lead"], world.home.code, {"recommendations": [world.away.recommendation]}
        )


def test_a_quote_is_linked_to_the_quality_indicators_it_is_evidence_for(world):
    qi = QualityIndicator.objects.filter(
        framework=world.home.inspection.framework, assessable=True
    ).first()
    coding = Coding.objects.create(source=world.home.source, code=world.home.code, start=0, end=5)
    quote = actions.propose_quote(world.users["contributor"], coding, {"quality_indicators": [qi]})
    assert list(Quote.objects.get(pk=quote.pk).quality_indicators.all()) == [qi]
