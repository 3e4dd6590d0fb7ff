from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from followup.reviews import actions
from followup.reviews.models import ProgressReview
from tests.browserlike import edit
from tests.submissions import key


def test_inspector_starts_a_review_with_its_own_copy_of_the_progress_scale(world):
    response = world.client_for("inspector").post(
        f"/p/home/inspections/{world.home.inspection.pk}/reviews/new/",
        {
            **key(world.users["inspector"]),
            "title": "Second review",
            "status": "draft",
            "further_review_required": "",
        },
    )
    assert response.status_code == 302
    review = ProgressReview.objects.get(title="Second review")
    assert [level["word"] for level in review.progress_scale] == [
        "Significant progress",
        "Good progress",
        "Some progress",
        "Limited progress",
        "No progress",
    ]
    assert review.further_review_required is None


def test_judging_a_recommendation_twice_changes_the_one_judgement(world):
    review, rec = world.home.review, world.home.recommendation
    url = f"/p/home/reviews/{review.pk}/judgements/{rec.pk}/"
    client = world.client_for("inspector")
    assert edit(client, url, {"level": "2", "narrative": "Little change."}).status_code == 302
    assert edit(client, url, {"level": "5", "narrative": "Much better."}).status_code == 302
    assert list(review.judgements.values_list("level", "narrative")) == [(5, "Much better.")]


def test_a_level_off_the_progress_scale_is_refused(world):
    review, rec = world.home.review, world.home.recommendation
    response = world.client_for("inspector").post(
        f"/p/home/reviews/{review.pk}/judgements/{rec.pk}/", {"level": "11"}
    )
    assert '<a href="#id_level_0">Choose progress from the list</a>' in response.content.decode()
    with pytest.raises(ValidationError):
        actions.set_judgement(world.users["inspector"], review, rec, {"level": 0})


def test_a_review_cannot_judge_another_inspections_recommendation(world):
    with pytest.raises(ValidationError):
        actions.set_judgement(
            world.users["inspector"], world.home.review, world.away.recommendation, {"level": 3}
        )


def test_review_page_shows_each_judgement_the_conclusion_and_the_further_review_decision(world):
    review = world.home.review
    actions.update_review(
        world.users["inspector"],
        review,
        {"overall_conclusion": "Encouraging progress.", "further_review_required": True},
    )
    html = world.client_for("viewer").get(f"/p/home/reviews/{review.pk}/").content.decode()
    assert "Good progress" in html and "Judgement narrative" in html
    assert "Encouraging progress." in html
    assert "Further review required:</strong>\n  yes." in html


def test_further_review_answer_round_trips_through_the_edit_form(world):
    review = world.home.review
    client = world.client_for("inspector")
    edit(client, f"/p/home/reviews/{review.pk}/edit/", {"further_review_required": "no"})
    review.refresh_from_db()
    assert review.further_review_required is False
    form = client.get(f"/p/home/reviews/{review.pk}/edit/").context["form"]
    assert form.initial["further_review_required"] == "no"


def test_the_optional_answers_can_be_cleared_again(world):
    """An optional radio group offers an empty choice, so an answer can be taken back."""
    review, rec = world.home.review, world.home.recommendation
    client = world.client_for("inspector")
    edit(client, f"/p/home/reviews/{review.pk}/edit/", {"further_review_required": "yes"})
    edit(client, f"/p/home/reviews/{review.pk}/edit/", {"further_review_required": ""})
    review.refresh_from_db()
    assert review.further_review_required is None
    url = f"/p/home/reviews/{review.pk}/judgements/{rec.pk}/"
    assert 'name="level" type="radio" value=""' in client.get(url).content.decode()
    assert edit(client, url, {"level": ""}).status_code == 302
    assert review.judgements.get().level is None
