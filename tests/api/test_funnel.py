"""The funnel plot through the API (the comparison's ``funnel``), on the demo, whose residential
share has a funnel of every council: as each audience's indicator page draws it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from followup.indicators.models import Indicator
from tests.api.conftest import Api, make_token
from tests.conftest import DEMO_PASSWORD


def test_the_comparison_gives_the_pages_funnel_to_each_audience(demo_for_module, db):
    """On the demo's residential share: the lead's funnel has every council, the viewer's leaves
    the withheld one out, each exactly as their indicator page draws it."""
    share = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    url = f"/api/v1/partnerships/south-ayrshire/indicators/{share.pk}/comparison/"
    page_url = reverse("indicators:detail", args=["south-ayrshire", share.pk])
    for who in ("lead", "viewer"):
        funnel = Api(make_token(User.objects.get(username=who))).json(url)["funnel"]
        client = Client()
        assert client.login(username=who, password=DEMO_PASSWORD)
        shown = client.get(page_url).context["benchmark"]
        drawn = shown.funnel
        assert funnel["centre"] == drawn.centre
        assert funnel["finding"] == shown.funnel_finding != ""
        assert (funnel["widened"], funnel["phi"]) == (drawn.widened, drawn.phi)
        assert funnel["method"] == drawn.limits_text
        assert [
            (a["code"], a["value"], a["position"], a["position95"]) for a in funnel["areas"]
        ] == [(a.code, a.value, a.position, a.position95) for a in drawn.areas]
        assert [row["upper998"] for row in funnel["limits"]] == [
            row["upper998"] for row in drawn.curve
        ]
        if who == "viewer":
            assert "Shetland Islands" not in [a["name"] for a in funnel["areas"]]
        else:
            assert "Shetland Islands" in [a["name"] for a in funnel["areas"]]
