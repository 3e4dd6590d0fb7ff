"""Changing one's email address: the new address is confirmed by a link sent to it, and the old
one stays in use until then."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from followup.audit.models import AuditEntry
from tests.accounts.helpers import give_address
from tests.browserlike import edit, page_form, submit
from tests.mailserver import Inbox


@pytest.fixture
def viewer(world):
    user = world.users["viewer"]
    give_address(user, "viewer@example.org")
    return user


def confirmation_path(smtp_server: Inbox, email: str) -> str:
    (message,) = smtp_server.to(email)
    (link,) = [link for link in smtp_server.links(message) if "/confirm-email/" in link]
    return urlparse(link).path


def test_a_new_address_gets_a_link_and_the_old_one_stays_until_it_is_followed(
    world, viewer, smtp_server
):
    client = world.client_for("viewer")
    page = client.get("/accounts/email/").content.decode()
    assert "Change your email address" in page
    assert "viewer@example.org" in page
    sent = edit(client, "/accounts/email/", {"email": "viewer.new@example.org"})
    assert sent.status_code == 302
    (message,) = smtp_server.messages
    assert message["Subject"] == "Followup: Confirm your email address"
    viewer.refresh_from_db()
    assert viewer.email == "viewer@example.org"
    waiting = client.get("/accounts/email/").content.decode()
    assert "Not confirmed yet" in waiting
    assert "We have sent a link to viewer.new@example.org. Follow it to confirm the address." in (
        waiting
    )
    path = confirmation_path(smtp_server, "viewer.new@example.org")
    confirm = client.get(path)
    assert "Confirm your email address" in confirm.content.decode()
    submit(client, path, page_form(confirm.content.decode()))
    viewer.refresh_from_db()
    assert viewer.email == "viewer.new@example.org"
    assert list(EmailAddress.objects.filter(user=viewer).values_list("email", "primary")) == [
        ("viewer.new@example.org", True)
    ]
    verbs = set(AuditEntry.objects.filter(object_id=str(viewer.pk)).values_list("verb", flat=True))
    assert {"account.email_add", "account.email_confirm", "account.email_change"} <= verbs


def test_a_confirmation_link_that_is_wrong_says_so_and_changes_nothing(world, viewer):
    page = Client().get("/accounts/confirm-email/not-a-real-key/").content.decode()
    assert "This link does not work" in page
    viewer.refresh_from_db()
    assert viewer.email == "viewer@example.org"


def test_an_address_that_is_not_an_address_is_refused_with_the_error_summary(world, viewer):
    client = world.client_for("viewer")
    refused = edit(client, "/accounts/email/", {"email": "not an address"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_email"' in page
    assert "<title>Error: " in page
