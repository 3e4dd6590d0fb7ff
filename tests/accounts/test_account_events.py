"""Sign-ins, failures, sign-outs, password and email changes are in the audit log, with the
address and browser, and never a password."""

from __future__ import annotations

from django.test import Client

from followup.audit.models import AuditEntry
from tests.browserlike import edit, page_form, submit
from tests.conftest import PASSWORD

NEW_PASSWORD = "lantern orchard pebble violin"


def entries(verb: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(verb=verb).order_by("id"))


def test_a_sign_in_is_recorded_by_the_person_with_address_and_browser(world):
    client = Client(HTTP_USER_AGENT="TestBrowser/1.0", REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"login": "viewer", "password": PASSWORD})
    (entry,) = entries("account.sign_in")
    viewer = world.users["viewer"]
    assert (entry.actor_id, entry.actor_name, entry.object_type, entry.object_id) == (
        viewer.pk,
        "viewer",
        "auth.user",
        str(viewer.pk),
    )
    assert entry.changes == {
        "address": [None, "10.1.2.3"],
        "browser": [None, "TestBrowser/1.0"],
    }


def test_a_failed_sign_in_names_the_account_but_not_the_password(world):
    Client(REMOTE_ADDR="10.9.8.7").post(
        "/accounts/login/", {"login": "viewer", "password": "my secret guess"}
    )
    (entry,) = entries("account.sign_in_failed")
    assert (entry.actor_id, entry.actor_name) == (None, "(not signed in)")
    assert entry.object_id == str(world.users["viewer"].pk)
    assert entry.changes["address"] == [None, "10.9.8.7"]
    assert "my secret guess" not in str(entry.changes) + entry.object_repr


def test_a_failed_sign_in_for_no_account_does_not_record_what_was_typed(world):
    Client().post("/accounts/login/", {"login": "hunter2-typed-here", "password": "x"})
    (entry,) = entries("account.sign_in_failed")
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "auth.user",
        "",
        "no such account",
    )
    assert "hunter2" not in str(entry.changes)


def test_signing_out_asks_first_then_is_recorded(world):
    client = world.client_for("viewer")
    page = client.get("/accounts/logout/").content.decode()
    assert '<h1 class="govuk-heading-xl">Sign out</h1>' in page
    assert "You are signed in as viewer." in page
    assert entries("account.sign_out") == []
    done = submit(client, "/accounts/logout/", page_form(page))
    assert done.status_code == 302
    assert client.get("/p/home/").status_code == 302
    (entry,) = entries("account.sign_out")
    assert entry.actor_name == "viewer"


def test_changing_the_password_needs_the_current_one_and_is_recorded_without_either(world):
    client = world.client_for("viewer")
    page = client.get("/accounts/password/change/").content.decode()
    for label in ("Current password", "New password", "Confirm new password"):
        assert label in page
    assert "placeholder" not in page
    wrong = edit(
        client,
        "/accounts/password/change/",
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.content.decode()
    weak = edit(
        client,
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "aaaaaaaaaaaa", "password2": "aaaaaaaaaaaa"},
    )
    assert "This password would be easy to guess: Repeats like" in weak.content.decode()
    changed = edit(
        client,
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    world.users["viewer"].refresh_from_db()
    assert world.users["viewer"].check_password(NEW_PASSWORD)
    (entry,) = entries("account.password_change")
    assert entry.changes["password"] == ["(set)", "(changed)"]
    everything = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert NEW_PASSWORD not in everything and PASSWORD not in everything


def test_confirming_it_is_you_asks_for_the_password_on_a_govuk_page(world):
    client = world.client_for("viewer")
    page = client.get("/accounts/reauthenticate/").content.decode()
    assert "Confirm it is you" in page
    assert 'class="govuk-input' in page
    wrong = edit(client, "/accounts/reauthenticate/", {"password": "not it"})
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.content.decode()
    right = edit(client, "/accounts/reauthenticate/", {"password": PASSWORD})
    assert right.status_code == 302
