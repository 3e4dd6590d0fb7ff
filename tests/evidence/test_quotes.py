"""Quotes: proposed, redacted, approved by a lead officer or inspector; only approved ones are used."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from followup.evidence import actions
from followup.evidence.models import Quote
from tests.submissions import key


def test_the_published_text_hides_the_redacted_words_and_the_original_is_kept(world):
    quote = world.home.quote
    assert quote.coding.excerpt == "Staff in Homeshire feel supported."
    assert quote.published_text == "Staff in [place] feel supported."


def test_a_contributor_proposes_a_quote_hiding_every_occurrence_of_a_name(world):
    coding = world.home.coding
    response = world.client_for("contributor").post(
        reverse("evidence:quote_create", args=["home", coding.pk]),
        {
            **key(world.users["contributor"]),
            "redact": "Homeshire | area",
            "recommendations": [world.home.recommendation.pk],
        },
    )
    assert response.status_code == 302
    quote = Quote.objects.exclude(pk=world.home.quote.pk).get(coding=coding)
    assert (quote.status, quote.published_text) == ("proposed", "Staff in [area] feel supported.")
    assert list(quote.recommendations.all()) == [world.home.recommendation]


def test_words_that_are_not_in_the_excerpt_are_refused_at_the_field(world):
    response = world.client_for("contributor").post(
        reverse("evidence:quote_create", args=["home", world.home.coding.pk]),
        {**key(world.users["contributor"]), "redact": "Mrs Smith | name"},
    )
    assert (
        '<a href="#id_redact">Line 1: “Mrs Smith” is not in the excerpt</a>'
        in response.content.decode()
    )
    with pytest.raises(ValidationError):
        actions.redactions_from("abc", "abc | x\nb | y")  # overlapping passages


def test_only_a_lead_or_an_inspector_approves_and_only_approved_quotes_reach_the_recommendation(
    world,
):
    quote = world.home.quote
    quote.recommendations.add(world.home.recommendation)
    page = reverse("front:recommendation", args=["home", world.home.recommendation.pk])
    assert (
        "Staff in [place] feel supported."
        not in world.client_for("viewer").get(page).content.decode()
    )
    with pytest.raises(PermissionDenied):
        actions.approve_quote(world.users["editor"], quote)
    assert (
        world.client_for("inspector")
        .post(reverse("evidence:quote_approve", args=["home", quote.pk]))
        .status_code
        == 302
    )
    quote.refresh_from_db()
    assert (quote.status, quote.approved_by) == ("approved", world.users["inspector"])
    html = world.client_for("viewer").get(page).content.decode()
    assert "Staff in [place] feel supported." in html
    assert "Homeshire feel supported" not in html


def test_a_viewer_sees_approved_quotes_as_published_but_never_the_original_words(world):
    quotes = reverse("evidence:quotes", args=["home"])
    assert "feel supported" not in world.client_for("viewer").get(quotes).content.decode()
    actions.approve_quote(world.users["lead"], world.home.quote)
    html = world.client_for("viewer").get(quotes).content.decode()
    assert "Staff in [place] feel supported." in html
    assert "Original words" not in html
    assert "Original words" in world.client_for("editor").get(quotes).content.decode()


def test_outsider_gets_404_for_another_partnerships_quotes(world):
    client = world.client_for("outsider")
    assert (
        client.post(
            reverse("evidence:quote_approve", args=["away", world.home.quote.pk])
        ).status_code
        == 404
    )
    assert "Homeshire" not in client.get(reverse("evidence:quotes", args=["away"])).content.decode()


def test_a_quoted_coding_cannot_be_removed_nor_its_code_deleted(world):
    client = world.client_for("lead")
    response = client.post(
        reverse("evidence:coding_remove", args=["home", world.home.coding.pk]), follow=True
    )
    assert "This coding is quoted: a quote rests on it, so it stays" in response.content.decode()
    with pytest.raises(ValidationError):
        actions.delete_code(world.users["lead"], world.home.code, confirmed=True)
    assert Quote.objects.filter(pk=world.home.quote.pk).exists()
