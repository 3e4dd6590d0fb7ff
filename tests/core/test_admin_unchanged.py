"""Saving an admin change form unchanged changes nothing and writes no audit entry.

Every change form the admin exposes is opened and submitted exactly as a browser sends it (line
breaks in a textarea as CRLF, dates and times to the second), for a row whose text has line
breaks and whose times have microseconds. A model the admin lets a superuser change without a
row here fails the test.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.indicators.models import Release, ValidationRule
from tests import factories as f
from tests.audit.ledger import Ledger
from tests.audit.test_admin_is_audited import RECIPES
from tests.browserlike import Form, change, forms_in, submit
from tests.conftest import World

TWO_LINES = "First line\nSecond line\n\nAfter a blank line"
WHEN = datetime.datetime(2024, 5, 1, 10, 5, 5, 441387, tzinfo=datetime.UTC)


@pytest.fixture
def root(world: World) -> Client:
    client = Client()
    client.force_login(f.superuser("root"))
    return client


def admin_form(client: Client, url: str, model_name: str) -> Form:
    page = client.get(url)
    assert page.status_code == 200, url
    (form,) = [
        f for f in forms_in(page.content.decode()) if f.attrs.get("id") == f"{model_name}_form"
    ]
    return form


def _rows_as_a_browser_breaks_them(world: World) -> None:
    """Objects of every kind, with line breaks in their text and microseconds in their times."""
    Release.objects.create(name="Homeshire return", partnership=world.home.partnership)
    ValidationRule.objects.create(
        name="Not negative", left="children_looked_after", operator=">=", right="0"
    )
    group = Group.objects.create(name="Analysts")
    group.permissions.add(Permission.objects.get(codename="view_action"))
    world.users["viewer"].groups.add(group)
    User.objects.update(date_joined=WHEN, last_login=WHEN)
    for model in admin.site._registry:
        texts = {
            f.name: TWO_LINES
            for f in model._meta.concrete_fields
            if isinstance(f, models.TextField) and f.editable
        }
        if texts:
            model._base_manager.update(**texts)


def test_saving_every_admin_change_form_unchanged_changes_no_row_and_writes_no_entry(
    world: World, root: Client
) -> None:
    _rows_as_a_browser_breaks_them(world)
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="root")
    saved: set[str] = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_change_permission(request):
            continue
        label = model._meta.label_lower
        obj = model._base_manager.order_by("pk").first()
        assert obj is not None, f"{label}: no row to open"
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        form = admin_form(root, url, str(model._meta.model_name))
        ledger = Ledger()
        response = submit(root, url, form)
        assert response.status_code == 302, (label, response.status_code)
        assert [str(w) for w in ledger.writes()] == [], label
        assert [(e.verb, e.changes) for e in ledger.entries()] == [], label
        saved.add(label)
    assert saved == set(RECIPES)  # every model the admin writes


def test_a_time_kept_to_the_microsecond_and_text_with_line_breaks_stay_exactly_as_stored(
    world: World, root: Client
) -> None:
    """The two the tester found: a user's join date, and an inspection's key messages, which
    after an admin save must not change when the web edit page is saved unchanged either."""
    _rows_as_a_browser_breaks_them(world)
    viewer = world.users["viewer"]
    url = f"/admin/auth/user/{viewer.pk}/change/"
    sent = admin_form(root, url, "user")
    assert sent.data()["date_joined_1"][0].endswith(":05:05")  # the admin shows seconds only
    assert submit(root, url, change(sent, {"first_name": "Val"})).status_code == 302
    viewer.refresh_from_db()
    assert (viewer.first_name, viewer.date_joined, viewer.last_login) == ("Val", WHEN, WHEN)
    assert AuditEntry.objects.get(verb="user.update.admin").changes == {"first_name": ["", "Val"]}

    inspection = world.home.inspection
    url = f"/admin/inspections/inspection/{inspection.pk}/change/"
    sent = admin_form(root, url, "inspection")
    assert "\r\n" in sent.data()["key_messages"][0]
    typed = "Children are safer\r\nPlans are better"
    assert submit(root, url, change(sent, {"key_messages": typed})).status_code == 302
    inspection.refresh_from_db()
    assert inspection.key_messages == "Children are safer\nPlans are better"
    web = reverse("inspections:edit", args=["home", inspection.pk])
    client = world.client_for("inspector")
    page = client.get(web)
    (form,) = [f for f in forms_in(page.content.decode()) if "version" in f.names()]
    ledger = Ledger()
    assert submit(client, web, form).status_code == 302
    assert ledger.writes() == [] and ledger.entries() == []
