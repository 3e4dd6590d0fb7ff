"""Every write the Django admin can make is on the record, by the administrator who made it.

For every model the admin exposes: adding (a copy of an existing object, as the browser would
submit it), changing a field, changing its many-to-many links, and deleting, each through the
admin's own pages; after each step every row written must be accounted for by an audit entry
naming the administrator (tests/audit/ledger.py). Models the admin only shows must refuse all
three writes. A model registered in the admin without a line here fails the first test.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.db import models
from django.test import Client, RequestFactory

from followup.accounts import throttle
from followup.accounts.models import LoginFailure
from followup.audit.models import AuditEntry
from followup.frameworks.models import QualityIndicator
from followup.indicators.models import DataElement, DataValue, Period, Release, ValidationRule
from followup.partnerships.models import Area, Membership
from followup.plans import actions as plan_actions
from followup.plans.models import ActionUpdate
from tests import factories as f
from tests.audit.ledger import Ledger, assert_recorded, read_form
from tests.conftest import PASSWORD, World

ROOT = "root"


@dataclass
class Extra:
    """Objects the world has none of, made for these tests."""

    release: Release
    rule: ValidationRule
    group: Group
    permission: Permission
    second_recommendation: Any
    other_qi: Any


@dataclass
class Recipe:
    existing: Callable[[World, Extra], Any]
    new: Callable[[World, Extra], dict[str, str]]  # what makes a copy a new object
    change: dict[str, str]
    links: str | None = None
    link_to: Callable[[World, Extra], list[str]] | None = None
    blank_add: bool = False


RECIPES: dict[str, Recipe] = {
    "partnerships.area": Recipe(
        lambda w, x: w.home.partnership.area,
        lambda w, x: {"code": "S1NEWA", "name": "New area"},
        {"name": "Renamed area"},
    ),
    "partnerships.partnership": Recipe(
        lambda w, x: w.home.partnership,
        lambda w, x: {"slug": "newshire", "name": "Newshire"},
        {"description": "Changed in the admin"},
    ),
    "partnerships.organisation": Recipe(
        lambda w, x: w.home.organisation,
        lambda w, x: {"name": "New Council"},
        {"name": "Renamed Council"},
    ),
    "partnerships.membership": Recipe(
        lambda w, x: Membership.objects.get(user=w.users["viewer"]),
        lambda w, x: {"user": str(w.users["outsider"].pk)},
        {"role": "editor"},
    ),
    "inspections.inspection": Recipe(
        lambda w, x: w.home.inspection,
        lambda w, x: {"title": "Second inspection"},
        {"title": "Renamed inspection"},
    ),
    "inspections.evaluation": Recipe(
        lambda w, x: w.home.evaluation,
        lambda w, x: {"quality_indicator": str(x.other_qi.pk)},
        {"narrative": "Changed in the admin"},
    ),
    "inspections.recommendation": Recipe(
        lambda w, x: w.home.recommendation,
        lambda w, x: {"number": "9"},
        {"text": "Changed in the admin"},
        links="quality_indicators",
        link_to=lambda w, x: [str(x.other_qi.pk)],
    ),
    "plans.action": Recipe(
        lambda w, x: w.home.action,
        lambda w, x: {"title": "Second action"},
        {"title": "Renamed action"},
        links="recommendations",
        link_to=lambda w, x: [str(x.second_recommendation.pk)],
    ),
    "reviews.progressreview": Recipe(
        lambda w, x: w.home.review,
        lambda w, x: {"title": "Second review"},
        {"title": "Renamed review"},
    ),
    "reviews.recommendationprogress": Recipe(
        lambda w, x: w.home.judgement,
        lambda w, x: {"recommendation": str(x.second_recommendation.pk)},
        {"narrative": "Changed in the admin"},
    ),
    "indicators.dataelement": Recipe(
        lambda w, x: DataElement.objects.get(code="children_looked_after"),
        lambda w, x: {"code": "new_element", "name": "New element"},
        {"name": "Renamed element"},
    ),
    "indicators.release": Recipe(
        lambda w, x: x.release,
        lambda w, x: {"name": "Second release"},
        {"source_url": "https://example.org/changed"},
    ),
    "indicators.indicator": Recipe(
        lambda w, x: w.home.indicator,
        lambda w, x: {"code": "second-indicator"},
        {"name": "Renamed indicator"},
        links="quality_indicators",
        link_to=lambda w, x: [str(x.other_qi.pk)],
    ),
    "indicators.validationrule": Recipe(
        lambda w, x: x.rule,
        lambda w, x: {"name": "Second rule"},
        {"right": "1"},
    ),
    "auth.user": Recipe(
        lambda w, x: w.users["viewer"],
        lambda w, x: {
            "username": "newcomer",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
        {"is_superuser": "on", "is_staff": "on"},
        links="groups",
        link_to=lambda w, x: [str(x.group.pk)],
        blank_add=True,
    ),
    "auth.group": Recipe(
        lambda w, x: x.group,
        lambda w, x: {"name": "Second group"},
        {"name": "Renamed group"},
        links="permissions",
        link_to=lambda w, x: [str(x.permission.pk)],
    ),
}
# Shown, never written, in the admin: the log itself, append-only updates, imported values,
# and the framework library (loaded only from library files).
READ_ONLY = {
    "audit.auditentry",
    "plans.actionupdate",
    "indicators.datavalue",
    "frameworks.scale",
    "frameworks.framework",
    "frameworks.qualityindicator",
    "frameworks.publisher",
}
DELETE_ONLY = {"accounts.loginfailure"}
# The world has no rows of these; make one to show in the admin.
MAKE: dict[str, Callable[[World], Any]] = {
    "audit.auditentry": lambda w: plan_actions.update_action(
        w.users["lead"], w.home.action, {"title": "Renamed"}
    ),
    "indicators.datavalue": lambda w: DataValue.objects.create(
        element=DataElement.objects.get(code="children_looked_after"),
        area=Area.objects.get(code="S1HOME"),
        period=Period.objects.create(
            id="2024", kind="year", start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
        ),
        release=Release.objects.create(name="Official", partnership=None),
        value=12,
    ),
}


@dataclass
class Admin:
    client: Client
    world: World
    extra: Extra
    root: User
    urls: dict[str, str] = field(default_factory=dict)

    def url(self, label: str, view: str, pk: Any = None) -> str:
        app, model = label.split(".")
        base = f"/admin/{app}/{model}/"
        return base + ("add/" if view == "add" else f"{pk}/{view}/")

    def form(self, label: str, view: str, pk: Any = None) -> dict[str, list[str]]:
        response = self.client.get(self.url(label, view, pk))
        assert response.status_code == 200, (label, view, response.status_code)
        return read_form(response.content.decode(), f"{label.split('.')[1]}_form")

    def post(self, label: str, view: str, data: dict[str, Any], pk: Any = None) -> Any:
        response = self.client.post(self.url(label, view, pk), data)
        if response.status_code == 200:
            errors = response.context["adminform"].form.errors if response.context else None
            raise AssertionError(f"{label} {view} was refused: {errors}")
        assert response.status_code == 302, (label, view, response.status_code)
        return response


def _model(label: str) -> type[models.Model]:
    return next(m for m in admin.site._registry if m._meta.label_lower == label)


@pytest.fixture
def site(world: World) -> Admin:
    root = f.superuser(ROOT)
    client = Client()
    client.force_login(root)
    inspection = world.home.inspection
    extra = Extra(
        release=Release.objects.create(name="Homeshire return", partnership=world.home.partnership),
        rule=ValidationRule.objects.create(
            name="Not negative", left="children_looked_after", operator=">=", right="0"
        ),
        group=Group.objects.create(name="Analysts"),
        permission=Permission.objects.get(codename="view_action"),
        second_recommendation=f.RecommendationFactory(inspection=inspection, number=2),
        other_qi=QualityIndicator.objects.filter(framework=inspection.framework, assessable=True)
        .exclude(pk=world.home.evaluation.quality_indicator_id)
        .first(),
    )
    return Admin(client, world, extra, root)


def test_every_model_the_admin_exposes_has_its_writes_tested() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(RECIPES) | READ_ONLY | DELETE_ONLY


@pytest.mark.parametrize("label", sorted(RECIPES))
def test_adding_changing_linking_and_deleting_in_the_admin_are_each_recorded(
    site: Admin, label: str
) -> None:
    recipe = RECIPES[label]
    model = _model(label)
    existing = recipe.existing(site.world, site.extra)
    # Add: the existing object's page as the browser submits it, made new where it must be.
    data = site.form(label, "add") if recipe.blank_add else site.form(label, "change", existing.pk)
    data.update({k: [v] for k, v in recipe.new(site.world, site.extra).items()})
    if any(f.name == "partnership" for f in model._meta.fields) and not recipe.blank_add:
        # A change form shows the partnership read-only: an addition chooses it.
        data["partnership"] = [str(getattr(existing, "partnership_id", None) or "")]
    before = set(model._base_manager.values_list("pk", flat=True))
    ledger = Ledger()
    site.post(label, "add", data)
    (pk,) = set(model._base_manager.values_list("pk", flat=True)) - before
    entries = assert_recorded(ledger, ROOT, f"{label} add")
    assert next(e.verb for e in entries if e.object_id == str(pk)).endswith(".create.admin")
    # Change a field.
    data = site.form(label, "change", pk)
    data.update({k: [v] for k, v in recipe.change.items()})
    ledger = Ledger()
    site.post(label, "change", data, pk)
    (entry,) = assert_recorded(ledger, ROOT, f"{label} change")
    assert set(recipe.change) <= set(entry.changes), entry.changes
    # Change the links.
    if recipe.links is not None and recipe.link_to is not None:
        data = site.form(label, "change", pk)
        data[recipe.links] = recipe.link_to(site.world, site.extra)
        ledger = Ledger()
        site.post(label, "change", data, pk)
        (entry,) = assert_recorded(ledger, ROOT, f"{label} links")
        assert list(entry.changes) == [recipe.links]
    # Delete.
    ledger = Ledger()
    site.post(label, "delete", {"post": "yes"}, pk)
    entries = assert_recorded(ledger, ROOT, f"{label} delete")
    assert entries[0].verb.endswith(".delete.admin") and entries[0].object_id == str(pk)


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_the_admin_refuses_every_write_to_what_it_only_shows(site: Admin, label: str) -> None:
    model = _model(label)
    if label in MAKE:
        MAKE[label](site.world)
    existing = model._base_manager.order_by("pk").first()
    assert existing is not None, label
    ledger = Ledger()
    assert site.client.get(site.url(label, "add")).status_code == 403
    assert site.client.post(site.url(label, "add"), {}).status_code == 403
    assert site.client.post(site.url(label, "change", existing.pk), {}).status_code == 403
    deleting = site.client.post(site.url(label, "delete", existing.pk), {"post": "yes"})
    assert deleting.status_code == 403
    assert ledger.writes() == [] and ledger.entries() == []


def test_an_action_update_cannot_be_added_in_the_admin_with_a_forged_author_and_date(
    site: Admin,
) -> None:
    action = site.world.home.action
    before = list(action.updates.values_list("pk", flat=True))
    response = site.client.post(
        "/admin/plans/actionupdate/add/",
        {
            "action": action.pk,
            "on": "2020-01-01",
            "status": "complete",
            "rating": "on_track",
            "note": "Forged",
            "author": site.world.users["lead"].pk,
            "author_name": "lead",
        },
    )
    assert response.status_code == 403
    assert list(action.updates.values_list("pk", flat=True)) == before


def test_a_failed_sign_in_can_only_be_deleted_in_the_admin_and_that_is_recorded(
    site: Admin,
) -> None:
    throttle.begin(RequestFactory().post("/", REMOTE_ADDR="192.0.2.1"), "viewer").failed()
    failure = LoginFailure.objects.get()
    label = "accounts.loginfailure"
    assert site.client.get(site.url(label, "add")).status_code == 403
    assert site.client.post(site.url(label, "change", failure.pk), {}).status_code == 403
    ledger = Ledger()
    site.post(label, "delete", {"post": "yes"}, failure.pk)
    (entry,) = assert_recorded(ledger, ROOT, "login failure delete")
    assert entry.verb == "loginfailure.delete.admin"


def test_making_a_user_staff_and_superuser_records_both_flags(site: Admin) -> None:
    viewer = site.world.users["viewer"]
    # The admin shows times to the second; keep the test to the flags it changes.
    User.objects.filter(pk=viewer.pk).update(date_joined=viewer.date_joined.replace(microsecond=0))
    data = site.form("auth.user", "change", viewer.pk)
    data.update({"is_staff": ["on"], "is_superuser": ["on"]})
    site.post("auth.user", "change", data, viewer.pk)
    entry = AuditEntry.objects.get(verb="user.update.admin")
    assert entry.changes == {"is_staff": [False, True], "is_superuser": [False, True]}
    assert (entry.actor_id, entry.actor_name) == (site.root.pk, ROOT)


def test_changing_a_password_in_the_admin_is_recorded_without_the_hash(site: Admin) -> None:
    viewer = site.world.users["viewer"]
    old_hash = viewer.password
    ledger = Ledger()
    site.post(
        "auth.user",
        "password",
        {"password1": "a new and long passphrase", "password2": "a new and long passphrase"},
        viewer.pk,
    )
    (entry,) = assert_recorded(ledger, ROOT, "password change")
    assert entry.verb == "user.password.admin"
    assert entry.changes == {"password": ["(set)", "(changed)"]}
    viewer.refresh_from_db()
    stored = str(AuditEntry.objects.values_list("changes", flat=True).get(pk=entry.pk))
    assert old_hash not in stored and viewer.password not in stored


def test_an_action_with_updates_cannot_be_deleted_in_the_admin(site: Admin) -> None:
    """Deleting it would delete its append-only updates, which the admin may not."""
    action = site.world.home.action
    ledger = Ledger()
    response = site.client.post(site.url("plans.action", "delete", action.pk), {"post": "yes"})
    assert response.status_code == 403
    assert ledger.writes() == [] and ledger.entries() == []


def test_deleting_a_user_records_what_goes_and_changes_with_them_and_no_audit_row(
    site: Admin,
) -> None:
    contributor = site.world.users["contributor"]
    update = site.world.home.update
    ActionUpdate.objects.filter(pk=update.pk).update(
        author_id=contributor.pk, author_name="contributor"
    )
    membership = Membership.objects.get(user=contributor)
    # The contributor's own past writes are in the log, by id and name.
    plan_actions.add_update(
        contributor,
        site.world.home.action,
        {
            "on": datetime.date(2024, 5, 1),
            "status": "in_progress",
            "rating": "on_track",
            "note": "x",
        },
    )
    log_before = list(AuditEntry.objects.order_by("id").values())
    assert any(row["actor_id"] == contributor.pk for row in log_before)
    updates_before = list(ActionUpdate.objects.order_by("id").values())
    assert {(u["author_id"], u["author_name"]) for u in updates_before if u["note"] == "x"} == {
        (contributor.pk, "contributor")
    }
    ledger = Ledger()
    site.post("auth.user", "delete", {"post": "yes"}, contributor.pk)
    entries = assert_recorded(ledger, ROOT, "user delete")
    # Action updates keep their author as plain values: deleting the user changes none.
    assert sorted((e.verb, e.object_id) for e in entries) == sorted(
        [
            ("user.delete.admin", str(contributor.pk)),
            ("membership.delete.cascade", str(membership.pk)),
        ]
    )
    assert list(ActionUpdate.objects.order_by("id").values()) == updates_before
    assert list(
        AuditEntry.objects.filter(id__lte=log_before[-1]["id"]).order_by("id").values()
    ) == (log_before)


def test_deleting_a_recommendation_records_the_links_it_takes_from_actions_and_indicators(
    site: Admin,
) -> None:
    recommendation = site.extra.second_recommendation
    site.world.home.action.recommendations.add(recommendation)
    ledger = Ledger()
    site.post("inspections.recommendation", "delete", {"post": "yes"}, recommendation.pk)
    entries = assert_recorded(ledger, ROOT, "recommendation delete")
    assert [(e.verb, e.changes) for e in entries[1:]] == [
        ("action.update.cascade", {"recommendations": [str(recommendation), None]})
    ]


def test_deleting_several_at_once_from_the_list_records_each(site: Admin) -> None:
    partnership = site.world.home.partnership
    made: list[Any] = [
        f.OrganisationFactory(partnership=partnership, name=f"Agency {n}") for n in (1, 2)
    ]
    ledger = Ledger()
    response = site.client.post(
        "/admin/partnerships/organisation/",
        {"action": "delete_selected", "_selected_action": [o.pk for o in made], "post": "yes"},
    )
    assert response.status_code == 302
    entries = assert_recorded(ledger, ROOT, "bulk delete")
    assert sorted((e.verb, e.object_id) for e in entries) == sorted(
        ("organisation.delete.admin", str(o.pk)) for o in made
    )
