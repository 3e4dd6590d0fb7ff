"""A list's queries do not grow with its rows: each endpoint reads a page of 1 row and a page of
6 in the same number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followup.evidence.models import Quote
from tests import factories as f


def _more(world, kind):
    site = world.home
    for n in range(5):
        if kind == "inspections":
            inspection = f.InspectionFactory(partnership=site.partnership)
            f.EvaluationFactory(inspection=inspection, grade=4)
            f.RecommendationFactory(inspection=inspection, number=1)
        elif kind in ("actions", "updates"):
            action = f.ActionFactory(
                partnership=site.partnership, owner_organisation=site.organisation
            )
            action.recommendations.add(site.recommendation)
            f.ActionUpdateFactory(action=action)
        elif kind == "reviews":
            review = f.ReviewFactory(inspection=site.inspection, title=f"Review {n}")
            f.JudgementFactory(review=review, recommendation=site.recommendation)
        elif kind == "indicators":
            indicator = f.IndicatorFactory(
                partnership=site.partnership,
                area=site.indicator.area,
                numerator=site.indicator.numerator,
            )
            indicator.recommendations.add(site.recommendation)
        elif kind == "quotes":
            Quote.objects.create(coding=site.coding, status=Quote.Status.APPROVED)


def _queries(api, url):
    with CaptureQueriesContext(connection) as captured:
        response = api["lead"].get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    "kind", ["inspections", "actions", "updates", "reviews", "indicators", "quotes"]
)
def test_a_list_reads_six_rows_in_the_queries_it_reads_one(api, world, kind):
    if kind == "quotes":
        Quote.objects.filter(pk=world.home.quote.pk).update(status=Quote.Status.APPROVED)
    url = f"/api/v1/partnerships/home/{kind}/"
    api["lead"].get(url)  # the token's last use is written once a minute: not in the count
    one = _queries(api, url)
    _more(world, kind)
    assert _queries(api, url) == one
    assert len(api["lead"].json(url)["results"]) == 6
