"""The synthetic national-size generator, at a tiny scale: the same seed makes the same data, and
the data is valid as the actions and the importer would keep it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client

from followup.demo import national
from followup.evidence.models import Case, Code, Coding, Quote, Source
from followup.indicators.importer import plan_import
from followup.indicators.models import DataElement, DataValue, Indicator, Period, Release
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.lib.tabular import Table
from followup.partnerships.models import Membership, Organisation, Partnership
from followup.plans.models import Action, ActionUpdate

# 2 partnerships × 2 years × 3 indicators: seconds, and two years so that a release revises.
TINY = national.Scale(
    partnerships=2,
    years=2,
    elements=3,
    codings=90,
    recommendations=2,
    actions=3,
    sources_per_partnership=4,
)
pytestmark = pytest.mark.django_db


def test_the_same_seed_makes_the_same_data_and_another_seed_other_data():
    counts = national.generate(seed=14, scale=TINY)
    first = national.fingerprint()
    assert counts["values"] == TINY.values == 3 * (2 * 12 + 1 * 4) * 3
    assert (
        DataValue.objects.filter(release__name__startswith=national.RELEASE_PREFIX).count() == 252
    )
    assert counts["codings"] == Coding.objects.count() == 90
    assert counts["partnerships"] == 2
    assert national.generated_marker() == national.marker(14, TINY)

    with pytest.raises(ValueError, match="already in this database"):
        national.generate(seed=14, scale=TINY)
    national.remove()
    assert national.generated_marker() is None
    assert not DataValue.objects.filter(release__name__startswith=national.RELEASE_PREFIX).exists()
    assert not User.objects.filter(username__startswith=national.USER_PREFIX).exists()

    national.generate(seed=14, scale=TINY)
    assert national.fingerprint() == first
    national.remove()
    national.generate(seed=15, scale=TINY)
    assert national.fingerprint() != first


def _all(model: type[models.Model]) -> list[Any]:
    return list(model._default_manager.all())


def test_the_generated_data_is_valid_as_the_actions_and_the_importer_would_keep_it():
    national.generate(seed=14, scale=TINY)
    partnerships = list(Partnership.objects.filter(slug__startswith=national.SLUG_PREFIX))
    assert [p.slug for p in partnerships] == ["synthetic-01", "synthetic-02"]
    assert all(p.is_fictional and "synthetic" in p.name for p in partnerships)
    assert [p.area.code for p in partnerships] == ["S12000033", "S12000034"]
    for model in (
        Partnership,
        Organisation,
        Membership,
        Inspection,
        Evaluation,
        Recommendation,
        Action,
        ActionUpdate,
        DataElement,
        Period,
        Release,
        Indicator,
        Case,
        Source,
        Code,
        Coding,
        Quote,
    ):
        for thing in _all(model):
            thing.full_clean()
    for value in DataValue.objects.select_related("element", "period")[:500]:
        value.full_clean()
        assert value.period.kind == value.element.period_kind
    for indicator in Indicator.objects.select_related("numerator"):
        assert indicator.frequency == indicator.numerator.period_kind
        assert indicator.area_id == indicator.partnership.area_id
    for coding in Coding.objects.select_related("source"):
        assert coding.excerpt.startswith(("In ", "A ", "Synthetic"))
        assert coding.excerpt.endswith(".")
    assert Quote.objects.filter(status="approved").count() == 2 * 2 * 4

    # Each release is what the importer would have stored: importing it again changes nothing.
    for release in Release.objects.filter(name__startswith=national.RELEASE_PREFIX):
        rows = [
            {
                "area_code": area,
                "period": period,
                "data_element": element,
                "value": f"{value:g}",
                "status": status,
            }
            for element, area, period, value, status in DataValue.objects.filter(
                release=release
            ).values_list("element__code", "area__code", "period_id", "value", "status")
        ]
        headers = ["area_code", "period", "data_element", "value", "status"]
        plan = plan_import(
            Table(headers, [(i + 2, row) for i, row in enumerate(rows)]), release=release.name
        )
        assert plan.errors == []
        assert len(plan.unchanged) == len(rows) > 0


def test_a_synthetic_partnerships_lead_sees_its_pages_and_another_partnerships_lead_does_not():
    national.generate(seed=14, scale=TINY)
    partnership = Partnership.objects.get(slug="synthetic-01")
    indicator = Indicator.objects.filter(partnership=partnership, denominator__isnull=False).get()
    recommendation = Recommendation.objects.get(inspection__partnership=partnership, number=1)
    quote = Quote.objects.filter(recommendations=recommendation, status="approved").first()
    assert quote is not None
    pages = [
        "/p/synthetic-01/indicators/",
        f"/p/synthetic-01/indicators/{indicator.pk}/",
        f"/p/synthetic-01/recommendations/{recommendation.pk}/",
    ]
    client = Client()
    client.force_login(User.objects.get(username="synthetic-01-lead"))
    for page in pages:
        assert client.get(page).status_code == 200
    assert quote.published_text in client.get(pages[2]).content.decode()
    outsider = Client()
    outsider.force_login(User.objects.get(username="synthetic-02-lead"))
    for page in pages:
        assert outsider.get(page).status_code == 404
