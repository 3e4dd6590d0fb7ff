"""The admin keeps each partnership's rows its own: a row's partnership cannot be changed once it
is made, and a choice of another partnership's row is refused (official rows, with no
partnership, may be chosen by anyone). Seen from the outsider's side: "away" (the outsider's
partnership) never gets "home"'s figures, recommendations or organisations through the admin.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from followup.indicators import actions as indicator_actions
from followup.indicators.models import (
    DataElement,
    DataValue,
    Indicator,
    Period,
    Release,
    ValidationRule,
)
from followup.indicators.scope import visible_releases, visible_values
from followup.partnerships.models import Membership
from followup.plans.models import Action
from tests import factories as f
from tests.audit.ledger import Ledger
from tests.browserlike import Form, change, forms_in, submit
from tests.conftest import World


@pytest.fixture
def root(world: World) -> Client:
    client = Client()
    client.force_login(f.superuser("root"))
    return client


def url(obj: Any, view: str = "change") -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def admin_form(client: Client, address: str, model_name: str) -> Form:
    page = client.get(address)
    assert page.status_code == 200, address
    (form,) = [
        f for f in forms_in(page.content.decode()) if f.attrs.get("id") == f"{model_name}_form"
    ]
    return form


def save(client: Client, obj: Any, changes: dict[str, Any]) -> Any:
    address = url(obj)
    return submit(
        client, address, change(admin_form(client, address, obj._meta.model_name), changes)
    )


def home_element(world: World) -> DataElement:
    return DataElement.objects.create(
        code="homeshire_waiting", name="Waiting in Homeshire", partnership=world.home.partnership
    )


def test_no_rows_partnership_can_be_changed_in_the_admin_once_made(
    world: World, root: Client
) -> None:
    """Every model the admin writes that has a partnership: the change form shows it read-only,
    and a partnership sent anyway (another one, or none for official) changes nothing."""
    home, away = world.home.partnership, world.away.partnership
    Release.objects.create(name="Homeshire return", partnership=home)
    ValidationRule.objects.create(
        name="Homeshire rule",
        left="children_looked_after",
        operator=">=",
        right="0",
        partnership=home,
    )
    home_element(world)
    tried: set[str] = set()
    for model in admin.site._registry:
        if not any(field.name == "partnership" for field in model._meta.fields):
            continue
        label = model._meta.label_lower
        obj = model._base_manager.filter(partnership=home).order_by("pk").first()
        assert obj is not None, f"{label}: no row of home's to try"
        form = admin_form(root, url(obj), str(model._meta.model_name))
        assert "partnership" not in form.names(), label
        for other in (str(away.pk), ""):
            ledger = Ledger()
            response = submit(root, url(obj), change(form, {"partnership": other}))
            assert response.status_code == 302, label
            assert ledger.writes() == [], label
            assert model._base_manager.filter(pk=obj.pk, partnership=home).exists(), label
        tried.add(label)
    assert tried == {
        "partnerships.organisation",
        "partnerships.membership",
        "inspections.inspection",
        "plans.action",
        "indicators.dataelement",
        "indicators.release",
        "indicators.indicator",
        "indicators.validationrule",
    }


def test_homes_private_release_moved_in_the_admin_never_shows_its_figures_to_the_outsider(
    world: World, root: Client
) -> None:
    home, away = world.home.partnership, world.away.partnership
    release = Release.objects.create(name="Homeshire return", partnership=home)
    period = Period.objects.create(id="2024", kind="year", start="2024-01-01", end="2024-12-31")
    DataValue.objects.create(
        element=DataElement.objects.get(code="children_looked_after", partnership=None),
        area=world.home.indicator.area,
        period=period,
        release=release,
        value=7,
    )
    for other in (str(away.pk), ""):
        assert save(root, release, {"partnership": other}).status_code == 302
        assert not visible_releases(away).filter(pk=release.pk).exists()
        assert not visible_values(away).filter(release=release).exists()
        assert not visible_values(None).filter(release=release).exists()
    release.refresh_from_db()
    assert release.partnership_id == home.pk


def test_the_admin_refuses_another_partnerships_data_element_for_an_indicator(
    world: World, root: Client
) -> None:
    theirs: Any = world.away.indicator
    element = home_element(world)
    for name in ("numerator", "denominator"):
        ledger = Ledger()
        response = save(root, theirs, {name: str(element.pk)})
        assert response.status_code == 200
        assert (
            f"“{element}” belongs to Homeshire: this indicator is Awayshire’s, so choose one of "
            "Awayshire’s or an official one."
        ) in response.content.decode()
        assert ledger.writes() == [] and ledger.entries() == []
    theirs.refresh_from_db()
    assert theirs.numerator.partnership_id is None and theirs.denominator_id is None


def test_an_indicator_itself_refuses_a_data_element_its_partnership_cannot_see(
    world: World,
) -> None:
    """The model's own rule, which the web's actions and the admin both apply."""
    theirs: Any = world.away.indicator
    element = home_element(world)
    theirs.numerator = element
    with pytest.raises(ValidationError) as refused:
        theirs.full_clean()
    assert refused.value.message_dict == {
        "numerator": ["Choose a data element that is official or this partnership’s own."]
    }
    mine: Any = world.home.indicator
    mine.denominator = element
    mine.full_clean()  # its own element is fine
    with pytest.raises(ValidationError):
        indicator_actions.update_indicator(
            world.users["outsider"],
            Indicator.objects.get(pk=theirs.pk),
            {"denominator": element},
        )
    assert Indicator.objects.get(pk=theirs.pk).denominator_id is None


def test_an_official_data_element_may_be_chosen_for_any_partnerships_indicator(
    world: World, root: Client
) -> None:
    official = DataElement.objects.create(code="population_0_17", name="Children", partnership=None)
    theirs: Any = world.away.indicator
    assert save(root, theirs, {"denominator": str(official.pk)}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.denominator_id == official.pk


def test_the_admin_refuses_another_partnerships_organisation_or_recommendations_for_an_action(
    world: World, root: Client
) -> None:
    theirs = world.away.action
    cases: dict[str, Any] = {
        "owner_organisation": str(world.home.organisation.pk),
        "recommendations": [str(world.home.recommendation.pk)],
    }
    for name, value in cases.items():
        ledger = Ledger()
        response = save(root, theirs, {name: value})
        assert response.status_code == 200, name
        assert "belongs to Homeshire: this action is Awayshire’s" in response.content.decode()
        assert ledger.writes() == [] and ledger.entries() == []
    # Home's recommendation page lists no action of the outsider's, and the outsider's action
    # page shows none of home's recommendations.
    page = world.client_for("lead").get(
        reverse("front:recommendation", args=["home", world.home.recommendation.pk])
    )
    assert page.status_code == 200 and theirs.title not in page.content.decode()
    page = world.client_for("outsider").get(reverse("plans:detail", args=["away", theirs.pk]))
    assert world.home.recommendation.text not in page.content.decode()
    assert world.home.organisation.name not in page.content.decode()


def test_adding_in_the_admin_refuses_a_choice_from_another_partnership_than_the_new_rows(
    world: World, root: Client
) -> None:
    address = reverse("admin:plans_action_add")
    form = admin_form(root, address, "action")
    sent = change(
        form,
        {
            "partnership": str(world.away.partnership.pk),
            "title": "Smuggled",
            "status": "not_started",
            "owner_organisation": str(world.home.organisation.pk),
        },
    )
    response = submit(root, address, sent)
    assert response.status_code == 200
    assert "“Homeshire Council” belongs to Homeshire" in response.content.decode()
    assert not Action.objects.filter(title="Smuggled").exists()
    # The same row, with the outsider's own organisation, is fine.
    sent = change(sent, {"owner_organisation": str(world.away.organisation.pk)})
    assert submit(root, address, sent).status_code == 302
    assert Action.objects.get(title="Smuggled").partnership_id == world.away.partnership.pk


def test_the_admin_refuses_to_move_a_recommendation_to_another_partnerships_inspection(
    world: World, root: Client
) -> None:
    recommendation = world.home.recommendation
    response = save(root, recommendation, {"inspection": str(world.away.inspection.pk)})
    assert response.status_code == 200
    assert "belongs to Awayshire: this recommendation is Homeshire’s" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.inspection_id == world.home.inspection.pk
    # Within its own partnership it may move.
    second: Any = f.InspectionFactory(partnership=world.home.partnership, title="Second")
    assert save(root, recommendation, {"inspection": str(second.pk)}).status_code == 302


def test_the_admin_refuses_a_membership_in_one_partnership_with_anothers_organisation(
    world: World, root: Client
) -> None:
    membership = Membership.objects.get(user=world.users["outsider"])
    response = save(root, membership, {"organisation": str(world.home.organisation.pk)})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.organisation_id != world.home.organisation.pk
