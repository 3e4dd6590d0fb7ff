"""The invitations on the members page, as a lead officer uses them in a browser: a button
pressed again from a page left open is told the invitation is gone and changes nothing, an
invitation of another partnership is not found, and the account an invitation makes asks for
its password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from followup.accounts.models import Invitation
from followup.audit.models import AuditEntry
from tests.browserlike import Form, change, forms_in, page_form, submit

GONE = "This invitation was already accepted or revoked."
MEMBERS = reverse("members:list", args=["home"])


def _invite(client: Client, inbox, email: str, slug: str = "home") -> str:
    """Invite as a contributor through the members page; the path of the emailed link."""
    url = reverse("members:invite", args=[slug])
    form = change(page_form(client.get(url).content.decode()), {"email": email, "role": "viewer"})
    response = submit(client, url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    (message,) = inbox.to(email)
    (link,) = inbox.links(message)
    return urlsplit(link).path


def _button(client: Client, action: str) -> Form:
    """The form of the members page whose action is ``action`` (one of an invitation's buttons)."""
    (form,) = [f for f in forms_in(client.get(MEMBERS).content.decode()) if f.action == action]
    return form


def _shown(client: Client, response) -> str:
    assert (response.status_code, response["Location"]) == (302, MEMBERS)
    return re.sub(r"\s+", " ", client.get(MEMBERS).content.decode())


def test_revoking_from_a_page_left_open_after_it_was_revoked_says_so_and_records_nothing_more(
    world, smtp_server
):
    lead = world.client_for("lead")
    _invite(lead, smtp_server, "newcomer@example.org")
    invitation = Invitation.objects.get()
    revoke = reverse("members:invitation_revoke", args=["home", invitation.pk])
    button = _button(lead, revoke)
    first = _shown(lead, submit(lead, MEMBERS, button))
    assert "Invitation of newcomer@example.org revoked." in first
    invitation.refresh_from_db()
    revoked_at = invitation.revoked_at
    assert revoked_at is not None
    again = _shown(lead, submit(lead, MEMBERS, button))
    assert GONE in again
    assert "Invitation of newcomer@example.org revoked." not in again
    invitation.refresh_from_db()
    assert invitation.revoked_at == revoked_at
    assert AuditEntry.objects.filter(verb="invitation.revoke").count() == 1


def test_sending_again_an_invitation_revoked_meanwhile_sends_nothing_and_says_why(
    world, smtp_server
):
    lead = world.client_for("lead")
    old_link = _invite(lead, smtp_server, "newcomer@example.org")
    invitation = Invitation.objects.get()
    resend = _button(lead, reverse("members:invitation_resend", args=["home", invitation.pk]))
    # Another lead officer revokes it while this page is open.
    submit(
        lead,
        MEMBERS,
        _button(lead, reverse("members:invitation_revoke", args=["home", invitation.pk])),
    )
    token_hash = Invitation.objects.get().token_hash
    page = _shown(lead, submit(lead, MEMBERS, resend))
    assert GONE in page
    assert "Invitation sent again" not in page
    assert len(smtp_server.to("newcomer@example.org")) == 1  # no second email
    assert Invitation.objects.get().token_hash == token_hash
    assert not AuditEntry.objects.filter(verb="invitation.resend").exists()
    assert Client().get(old_link).status_code == 410


def test_an_invitation_of_another_partnership_is_not_found_under_this_ones_address(
    world, smtp_server
):
    _invite(world.client_for("outsider"), smtp_server, "away@example.org", slug="away")
    theirs = Invitation.objects.get(partnership=world.away.partnership)
    lead = world.client_for("lead")
    for name in ("members:invitation_revoke", "members:invitation_resend"):
        assert lead.post(reverse(name, args=["home", theirs.pk])).status_code == 404, name
        assert lead.post(reverse(name, args=["home", theirs.pk + 1000])).status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and theirs.accepted_at is None
    assert len(smtp_server.to("away@example.org")) == 1
    assert not AuditEntry.objects.filter(verb__in=["invitation.revoke", "invitation.resend"])


def test_the_outsider_cannot_revoke_or_resend_a_homeshire_invitation(world, smtp_server):
    _invite(world.client_for("lead"), smtp_server, "newcomer@example.org")
    invitation = Invitation.objects.get()
    outsider = world.client_for("outsider")
    for name in ("members:invitation_revoke", "members:invitation_resend"):
        assert outsider.post(reverse(name, args=["home", invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert len(smtp_server.to("newcomer@example.org")) == 1


def test_an_account_made_from_an_invitation_without_a_password_is_refused_at_its_field(
    world, smtp_server
):
    path = _invite(world.client_for("lead"), smtp_server, "newcomer@example.org")
    client = Client()
    form = change(
        page_form(client.get(path).content.decode()),
        {"username": "newcomer", "password1": "", "password2": "lantern orchard velvet"},
    )
    response = submit(client, path, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter password" in page
    assert "The passwords differ" not in page
    assert not User.objects.filter(username="newcomer").exists()
    assert Invitation.objects.get().accepted_at is None
    assert "_auth_user_id" not in client.session
