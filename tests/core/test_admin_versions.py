"""A superuser's admin change form and a colleague's web edit of the same row: the admin form
carries the version it was read at, like the web edit pages. A stale save changes nothing and
says what changed since, by whom; the form then shows the current values with the
administrator's own changes kept, and saving it writes only those. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup.audit import writes
from followup.audit.adminforms import VERSION_FIELD
from followup.audit.models import AuditEntry
from followup.plans.models import Action
from tests import factories as f
from tests.audit.ledger import Ledger
from tests.browserlike import Form, change, edit, forms_in, submit
from tests.concurrency import first_held_until_the_second_waits
from tests.conftest import World


@pytest.fixture
def root(world: World) -> Client:
    client = Client()
    client.force_login(f.superuser("root"))
    return client


def admin_url(action: Any) -> str:
    return f"/admin/plans/action/{action.pk}/change/"


def admin_form(html: str, model_name: str = "action") -> Form:
    (form,) = [f for f in forms_in(html) if f.attrs.get("id") == f"{model_name}_form"]
    return form


def open_admin(client: Client, url: str, model_name: str = "action") -> Form:
    page = client.get(url)
    assert page.status_code == 200
    return admin_form(page.content.decode(), model_name)


def web_edit(world: World, who: str, changes: dict[str, Any]) -> None:
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    assert edit(world.client_for(who), url, changes).status_code == 302


def value(form: Form, name: str) -> list[str]:
    return form.data().get(name, [])


def test_the_admin_change_form_carries_a_signed_version_of_what_it_shows(
    world: World, root: Client
) -> None:
    form = open_admin(root, admin_url(world.home.action))
    (token,) = value(form, VERSION_FIELD)
    read = writes.read_version(token)
    assert read is not None and (read.label, read.pk) == ("plans.action", world.home.action.pk)
    assert read.values["title"] == "Plan action for Homeshire"
    assert read.values["recommendations"] == [world.home.recommendation.pk]
    assert "partnership" not in read.values  # shown read-only, not edited


def test_a_stale_admin_save_changes_nothing_and_says_what_changed_since_and_by_whom(
    world: World, root: Client
) -> None:
    action = world.home.action
    opened = open_admin(root, admin_url(action))
    web_edit(world, "lead", {"title": "Title from the lead"})
    ledger = Ledger()
    response = submit(root, admin_url(action), change(opened, {"lead_person": "Head of service"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Title was changed by lead at " in html
    assert "since you opened this form, to “Title from the lead”" in html
    assert "Nothing was saved: this action was changed since you opened this form." in html
    assert ledger.writes() == [] and ledger.entries() == []
    # The form now shows the lead's title and keeps the superuser's own change.
    again = admin_form(html)
    assert value(again, "title") == ["Title from the lead"]
    assert value(again, "lead_person") == ["Head of service"]
    assert value(again, VERSION_FIELD) != value(opened, VERSION_FIELD)
    ledger = Ledger()
    assert submit(root, admin_url(action), again).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.lead_person) == ("Title from the lead", "Head of service")
    (entry,) = ledger.entries()
    assert entry.verb == "action.update.admin" and entry.actor_name == "root"
    assert entry.changes == {"lead_person": ["", "Head of service"]}


def test_a_stale_admin_save_of_the_same_field_keeps_the_administrators_value_to_save_again(
    world: World, root: Client
) -> None:
    action = world.home.action
    opened = open_admin(root, admin_url(action))
    web_edit(world, "editor", {"title": "The editor's title"})
    response = submit(root, admin_url(action), change(opened, {"title": "The admin's title"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Title was changed by editor at " in html
    assert "your value is kept below; save to use it" in html
    action.refresh_from_db()
    assert action.title == "The editor's title"
    again = admin_form(html)
    assert value(again, "title") == ["The admin's title"]
    assert submit(root, admin_url(action), again).status_code == 302
    action.refresh_from_db()
    assert action.title == "The admin's title"
    entry = AuditEntry.objects.filter(verb="action.update.admin").get()
    assert entry.changes == {"title": ["The editor's title", "The admin's title"]}


def test_links_changed_since_the_admin_form_was_opened_make_its_save_stale(
    world: World, root: Client
) -> None:
    action = world.home.action
    status = action.status
    second: Any = f.RecommendationFactory(inspection=world.home.inspection, number=2)
    opened = open_admin(root, admin_url(action))
    web_edit(
        world,
        "lead",
        {"recommendations": [str(world.home.recommendation.pk), str(second.pk)]},
    )
    response = submit(root, admin_url(action), change(opened, {"status": "on_hold"}))
    assert response.status_code == 200
    assert "Recommendations was changed by lead" in response.content.decode()
    action.refresh_from_db()
    assert action.status == status != "on_hold"
    assert sorted(action.recommendations.values_list("pk", flat=True)) == sorted(
        [world.home.recommendation.pk, second.pk]
    )


def test_an_admin_save_without_its_version_or_with_another_rows_is_refused(
    world: World, root: Client
) -> None:
    action = world.home.action
    other = open_admin(root, admin_url(world.away.action))
    opened = open_admin(root, admin_url(action))
    for token in ([], value(other, VERSION_FIELD), ["forged"]):
        ledger = Ledger()
        sent = change(opened, {"title": "Renamed", VERSION_FIELD: token})
        response = submit(root, admin_url(action), sent)
        assert response.status_code == 200
        assert "Followup could not tell when this form was opened" in response.content.decode()
        assert ledger.writes() == [] and ledger.entries() == []
    again = admin_form(response.content.decode())
    assert value(again, "title") == ["Renamed"]
    assert submit(root, admin_url(action), again).status_code == 302
    assert Action.objects.get(pk=action.pk).title == "Renamed"


def test_an_admin_save_writes_only_the_fields_the_administrator_changed(
    world: World, root: Client
) -> None:
    action = world.home.action
    opened = open_admin(root, admin_url(action))
    with CaptureQueriesContext(connection) as queries:
        response = submit(root, admin_url(action), change(opened, {"lead_person": "Jo Bloggs"}))
    assert response.status_code == 302
    table = Action._meta.db_table
    updates = [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(updates) == 1
    assert updates[0].split(" SET ")[1].split(" WHERE ")[0].count("=") == 1
    assert '"lead_person" =' in updates[0]


def test_an_admin_save_of_a_row_deleted_while_it_was_being_saved_saves_nothing(
    world: World, root: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    organisation: Any = f.OrganisationFactory(partnership=world.home.partnership, name="Gone")
    url = f"/admin/partnerships/organisation/{organisation.pk}/change/"
    opened = open_admin(root, url, "organisation")
    lock = writes.lock

    def deleted_first(obj: Any) -> Any:
        type(obj).objects.filter(pk=obj.pk).delete()  # by someone else, just before the lock
        return lock(obj)

    monkeypatch.setattr(writes, "lock", deleted_first)
    response = submit(root, url, change(opened, {"name": "Back again"}))
    assert response.status_code == 200
    assert (
        "This organisation was deleted after the form was opened: nothing was saved."
        in response.content.decode()
    )
    assert not type(organisation).objects.filter(name="Back again").exists()
    assert not AuditEntry.objects.filter(verb="organisation.update.admin").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are PostgreSQL's")
def test_two_simultaneous_admin_saves_of_one_version_one_saves_and_the_other_is_refused(
    transactional_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first save holds the row lock until the second is seen waiting for it; the second
    then sees the first's change and is refused (no timing in the test)."""
    partnership = f.PartnershipFactory(slug="home")
    action: Any = f.ActionFactory(partnership=partnership, title="Before")
    clients = {}
    for name in ("first", "second"):
        clients[name] = Client()
        clients[name].force_login(f.superuser(name))
    opened = open_admin(clients["first"], admin_url(action))
    first, second = first_held_until_the_second_waits(
        monkeypatch,
        writes,
        "lock",
        [
            lambda: submit(
                clients["first"], admin_url(action), change(opened, {"title": "First's"})
            ),
            lambda: submit(
                clients["second"], admin_url(action), change(opened, {"lead_person": "Second's"})
            ),
        ],
    )
    results = {"first": first, "second": second}
    assert results["first"].status_code == 302
    assert results["second"].status_code == 200
    assert "Title was changed by first at " in results["second"].content.decode()
    action.refresh_from_db()
    assert (action.title, action.lead_person) == ("First's", "")
