"""The inspector judges with the evidence in view (#15): beside the judgement form, the
recommendation's actions with their latest updates, its indicators with the finding their own
page shows, its themes, its approved quotes (never a quote still waiting), and the levels of the
review's progress scale with their meanings."""

from __future__ import annotations

import datetime
import html as html_module
import re

from django.urls import reverse

from followup.evidence.models import Quote
from followup.reviews.models import DEFAULT_PROGRESS_SCALE
from tests import factories as f
from tests.indicators.figures import lay_figures


def judgement_url(world, recommendation=None) -> str:
    recommendation = recommendation or world.home.recommendation
    return reverse("front:judgement_edit", args=["home", world.home.review.pk, recommendation.pk])


def test_the_judgement_form_shows_the_recommendations_evidence_and_the_scale(world):
    home = world.home
    lay_figures(world)
    f.ActionUpdateFactory(
        action=home.action, on=datetime.date(2018, 1, 15), note="Waiting times halved in 2017."
    )
    f.ActionUpdateFactory(
        action=home.action, on=datetime.date(2018, 2, 1), note="Not accepted yet.", decision=None
    )
    home.code.recommendations.add(home.recommendation)
    approved = home.quote
    approved.status = Quote.Status.APPROVED
    approved.save()
    approved.recommendations.add(home.recommendation)
    waiting = Quote.objects.create(coding=home.coding, redactions=[[0, 5, "who"]])
    waiting.recommendations.add(home.recommendation)
    client = world.client_for("inspector")
    page = client.get(judgement_url(world))
    assert page.status_code == 200
    html = html_module.unescape(page.content.decode())
    evidence = html[html.index("The evidence") :]
    words = " ".join(re.sub(r"<[^>]+>", " ", evidence).split())
    # The actions, each with its latest accepted update only.
    assert home.action.title in evidence
    assert (
        "Latest accepted update, 15 January 2018: On track. Waiting times halved in 2017." in words
    )
    assert "Not accepted yet." not in evidence
    assert "Progress note" not in evidence  # the earlier update
    # The indicator, with the finding its own page shows, and its latest figure.
    indicator_page = client.get(reverse("indicators:detail", args=["home", home.indicator.pk]))
    finding = re.search(r'id="finding">(.*?)</p>', indicator_page.content.decode(), re.S)
    assert finding is not None
    assert " ".join(html_module.unescape(finding.group(1)).split()) in words
    assert f"{home.indicator.name}</a>" in evidence
    assert "Latest: 36 (2024)." in words
    assert "999" not in evidence  # Awayshire's figure for Homeshire's area
    # The theme the code is evidence for, and the approved quote alone.
    assert (
        f"{home.code.name}: passages coded 1 (a small count, never published) , in sources 1"
        in words
    )
    assert f"“{approved.published_text}”" in evidence
    assert waiting.published_text not in evidence
    # The scale's levels and meanings, as copied into the review.
    for level in DEFAULT_PROGRESS_SCALE:
        assert (
            f'<dt class="govuk-summary-list__key">{level["word"]}</dt>'
            f'<dd class="govuk-summary-list__value">{level["meaning"]}</dd>'
        ) in evidence


def test_the_judgement_form_shows_the_reviews_own_copy_of_the_scale(world):
    review = world.home.review
    review.progress_scale = [
        {"value": 2, "word": "Met", "meaning": "Done."},
        {"value": 1, "word": "Not met", "meaning": "Not done."},
    ]
    review.save()
    html = world.client_for("inspector").get(judgement_url(world)).content.decode()
    assert '<dt class="govuk-summary-list__key">Met</dt>' in html
    assert "Significant progress" not in html


def test_the_judgement_form_still_saves_the_judgement(world):
    client = world.client_for("inspector")
    url = judgement_url(world)
    version = re.search(r'name="version" value="([^"]*)"', client.get(url).content.decode())
    assert version is not None
    response = client.post(
        url,
        {
            "version": version.group(1),
            "level": "3",
            "narrative": "Some progress.",
            "evidence": "",
            "next_steps": "",
            "source_note": "",
        },
    )
    assert response.status_code == 302
    world.home.judgement.refresh_from_db()
    assert (world.home.judgement.level, world.home.judgement.narrative) == (3, "Some progress.")


def test_outsider_gets_404_for_the_judgement_form_and_its_evidence(world):
    outsider = world.client_for("outsider")
    response = outsider.get(judgement_url(world))
    assert response.status_code == 404
    assert world.home.action.title not in response.content.decode()


def test_a_recommendation_of_another_inspection_gets_404_on_the_reviews_judgement_form(world):
    other = f.RecommendationFactory(
        inspection=f.InspectionFactory(partnership=world.home.partnership), number=7
    )
    assert world.client_for("inspector").get(judgement_url(world, other)).status_code == 404
    away = reverse(
        "front:judgement_edit",
        args=["home", world.home.review.pk, world.away.recommendation.pk],
    )
    assert world.client_for("inspector").get(away).status_code == 404
