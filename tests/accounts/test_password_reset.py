"""Resetting a forgotten password by email: through the pages as a browser submits them, with the
message read from a real SMTP server. The link works once and expires; the request page says the
same whether or not an account has the address."""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from followup.audit.models import AuditEntry
from tests.accounts.helpers import give_address
from tests.browserlike import edit
from tests.mailserver import Inbox

NEW_PASSWORD = "lantern orchard pebble violin"
RESET = "/accounts/password/reset/"


def ask_for_a_link(client: Client, email: str):
    return edit(client, RESET, {"email": email})


def the_link(smtp_server: Inbox, email: str) -> str:
    (message,) = smtp_server.to(email)
    (link,) = [link for link in smtp_server.links(message) if "/password/reset/key/" in link]
    return urlparse(link).path


def choose(client: Client, path: str, password: str):
    """Follow the emailed link and submit the new-password form as it renders."""
    page = client.get(path, follow=True)
    assert page.status_code == 200
    url = page.redirect_chain[-1][0] if page.redirect_chain else path
    return edit(client, url, {"password1": password, "password2": password})


@pytest.fixture
def viewer(world):
    user = world.users["viewer"]
    give_address(user, "viewer@example.org")
    return user


def test_a_member_resets_a_forgotten_password_through_the_emailed_link_and_signs_in(
    world, viewer, smtp_server
):
    client = Client()
    done = ask_for_a_link(client, "viewer@example.org")
    assert done["Location"] == "/accounts/password/reset/done/"
    page = client.get(done["Location"]).content.decode()
    assert "Check your email" in page
    assert "The link works once, for 60 minutes." in page
    (message,) = smtp_server.messages
    assert message["Subject"] == "Followup: Reset your password"
    assert "Followup account viewer" in smtp_server.body(message)
    saved = choose(client, the_link(smtp_server, "viewer@example.org"), NEW_PASSWORD)
    assert saved["Location"] == "/accounts/password/reset/key/done/"
    assert "Your password has been changed" in client.get(saved["Location"]).content.decode()
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)
    signed_in = Client().post("/accounts/login/", {"login": "viewer", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_a_reset_link_works_once_and_the_second_use_is_refused(world, viewer, smtp_server):
    client = Client()
    ask_for_a_link(client, "viewer@example.org")
    path = the_link(smtp_server, "viewer@example.org")
    choose(client, path, NEW_PASSWORD)
    again = Client().get(path, follow=True)
    page = again.content.decode()
    assert "This link does not work" in page
    assert "<form" not in page.split("<main", 1)[1]
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)


def test_a_reset_link_older_than_the_setting_is_refused(world, viewer, smtp_server):
    client = Client()
    ask_for_a_link(client, "viewer@example.org")
    path = the_link(smtp_server, "viewer@example.org")
    later = timezone.now() + datetime.timedelta(minutes=61)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "django.contrib.auth.tokens.PasswordResetTokenGenerator._now",
            lambda self: later.replace(tzinfo=None),
        )
        page = Client().get(path, follow=True).content.decode()
    assert "This link does not work" in page
    assert "works once, for 60 minutes" in page


@override_settings(PASSWORD_RESET_TIMEOUT=120 * 60)
def test_the_setting_lengthens_the_life_of_a_link(world, viewer, smtp_server):
    client = Client()
    ask_for_a_link(client, "viewer@example.org")
    path = the_link(smtp_server, "viewer@example.org")
    later = timezone.now() + datetime.timedelta(minutes=61)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "django.contrib.auth.tokens.PasswordResetTokenGenerator._now",
            lambda self: later.replace(tzinfo=None),
        )
        page = Client().get(path, follow=True).content.decode()
    assert "Choose a new password" in page


def test_an_unknown_address_gets_the_same_page_and_no_message(world, viewer, smtp_server):
    known = ask_for_a_link(Client(), "viewer@example.org")
    unknown = ask_for_a_link(Client(), "nobody@example.org")
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert smtp_server.to("nobody@example.org") == []
    assert len(smtp_server.messages) == 1
    first = Client().get(known["Location"]).content.decode()
    second = Client().get(unknown["Location"]).content.decode()
    assert first == second


def test_a_new_password_that_is_easy_to_guess_is_refused_with_the_reason(
    world, viewer, smtp_server
):
    client = Client()
    ask_for_a_link(client, "viewer@example.org")
    refused = choose(client, the_link(smtp_server, "viewer@example.org"), "Password1234")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "This password would be easy to guess: This is similar to a commonly used" in page
    viewer.refresh_from_db()
    assert not viewer.check_password("Password1234")


def test_a_reset_asked_for_and_completed_is_on_the_record_without_the_key_or_password(
    world, viewer, smtp_server
):
    client = Client(HTTP_USER_AGENT="TestBrowser/1.0")
    ask_for_a_link(client, "viewer@example.org")
    path = the_link(smtp_server, "viewer@example.org")
    choose(client, path, NEW_PASSWORD)
    asked = AuditEntry.objects.get(verb="account.password_reset_request")
    done = AuditEntry.objects.get(verb="account.password_reset")
    assert (asked.actor_name, asked.object_id) == ("(not signed in)", str(viewer.pk))
    assert asked.changes["browser"] == [None, "TestBrowser/1.0"]
    assert (done.actor_name, done.object_id) == ("viewer", str(viewer.pk))
    key = path.rstrip("/").rsplit("/", 1)[-1].split("-", 1)[1]
    everything = str(list(AuditEntry.objects.values_list("changes", "object_repr")))
    assert key not in everything
    assert NEW_PASSWORD not in everything
