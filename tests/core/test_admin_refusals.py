"""The admin says why it refuses, in its own terms, and shows what a deletion will change."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from followup.audit.adminbase import ReadOnlyAdmin
from followup.audit.models import AuditEntry
from followup.partnerships.models import Membership
from tests import factories as f
from tests.audit.ledger import Ledger
from tests.audit.test_admin_is_audited import MAKE, READ_ONLY
from tests.conftest import PASSWORD, World

ROLE_PAGE = "Your role in this partnership does not allow it"


@pytest.fixture
def root(world: World) -> Client:
    client = Client()
    client.force_login(f.superuser("root"))
    return client


def admin_url(obj: Any, view: str) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_what_the_admin_only_shows_it_refuses_to_a_superuser_saying_why(
    world: World, root: Client, label: str
) -> None:
    model, model_admin = next(
        (m, a) for m, a in admin.site._registry.items() if m._meta.label_lower == label
    )
    assert isinstance(model_admin, ReadOnlyAdmin) and model_admin.refusal, label
    if label in MAKE:
        MAKE[label](world)
    existing = model._base_manager.order_by("pk").first()
    meta = model._meta
    add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    for response in (
        root.get(add),
        root.post(add, {}),
        root.post(admin_url(existing, "change"), {}),
        root.post(admin_url(existing, "delete"), {"post": "yes"}),
    ):
        html = response.content.decode()
        assert response.status_code == 403
        assert ROLE_PAGE not in html
        assert "Followup administration" in html  # the admin's own page
        assert model_admin.refusal in unescape(html)


def test_an_action_update_refused_in_the_admin_says_updates_are_append_only(
    world: World, root: Client
) -> None:
    response = root.post(admin_url(world.home.update, "change"), {"note": "Rewritten"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot change “" in html
    assert "Action updates are append-only" in html


def test_deleting_an_action_with_updates_is_refused_naming_the_updates_it_would_take(
    world: World, root: Client
) -> None:
    ledger = Ledger()
    response = root.post(admin_url(world.home.action, "delete"), {"post": "yes"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "would also delete its action updates, which cannot be deleted here." in html
    assert "Action updates are append-only" in html
    assert ledger.writes() == [] and ledger.entries() == []


def test_a_staff_member_without_a_permission_is_told_which_one_they_lack(world: World) -> None:
    staff = User.objects.create_user("clerk", "", PASSWORD, is_staff=True)
    f.totp_authenticator(staff)
    staff.user_permissions.add(Permission.objects.get(codename="view_action"))
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("admin:plans_action_add"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your account does not have permission to add actions." in html
    assert ROLE_PAGE not in html
    response = client.post(admin_url(world.home.action, "change"), {"title": "Renamed"})
    assert response.status_code == 403
    assert "does not have permission to change actions" in response.content.decode()


def test_the_delete_confirmation_lists_what_the_deletion_keeps_but_changes(
    world: World, root: Client
) -> None:
    organisation = world.home.organisation
    Membership.objects.filter(user=world.users["editor"]).update(organisation=organisation)
    membership = Membership.objects.get(user=world.users["editor"])
    page = root.get(admin_url(organisation, "delete")).content.decode()
    listed = [
        f"Action: {world.home.action} – its owner organisation “{organisation}” becomes empty",
        f"Membership: {membership} – its organisation “{organisation}” becomes empty",
    ]
    for line in listed:
        assert line in page
    assert "2 kept, but changed" in page
    # The bulk deletion's page says the same.
    page = root.post(
        reverse("admin:partnerships_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [organisation.pk]},
    ).content.decode()
    for line in listed:
        assert line in page
    # What the page listed is what the deletion changed, and the audit log records.
    ledger = Ledger()
    root.post(admin_url(organisation, "delete"), {"post": "yes"})
    changed = {(w.label, w.pk) for w in ledger.writes() if w.kind == "changed"}
    assert changed == {
        ("plans.action", str(world.home.action.pk)),
        ("partnerships.membership", str(membership.pk)),
    }
    entries = AuditEntry.objects.filter(verb__endswith=".update.cascade")
    assert {(e.object_type, e.object_id) for e in entries} == changed
