"""Progress reviews and their judgements, as the review pages show them."""

from __future__ import annotations

from tests.api.conftest import problem

REVIEWS = "/api/v1/partnerships/home/reviews/"


def test_a_viewer_reads_the_review_with_its_judgement_of_each_recommendation(api, world):
    site = world.home
    page = api["viewer"].json(REVIEWS)
    assert [r["id"] for r in page["results"]] == [site.review.pk]
    review = page["results"][0]
    assert api["viewer"].json(f"{REVIEWS}{site.review.pk}/") == review
    assert (review["title"], review["inspection"]) == (
        "Progress review of Homeshire",
        site.inspection.pk,
    )
    level = site.judgement.level
    words = {lv["value"]: lv["word"] for lv in site.review.progress_scale}
    assert [
        (j["id"], j["recommendation"], j["recommendation_number"], j["level"], j["level_word"])
        for j in review["judgements"]
    ] == [(site.judgement.pk, site.recommendation.pk, 1, level, words.get(level, ""))]


def test_outsider_token_gets_404_for_every_homeshire_review(api, world):
    problem(api["outsider"].get(REVIEWS), 404)
    problem(api["outsider"].get(f"{REVIEWS}{world.home.review.pk}/"), 404)
    problem(api["outsider"].get(f"/api/v1/partnerships/away/reviews/{world.home.review.pk}/"), 404)
