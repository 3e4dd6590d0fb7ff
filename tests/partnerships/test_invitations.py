"""Invitations by email, read from a real SMTP server: the link works once, until it expires,
and only for the address it was sent to. An invitation to an existing account adds the
membership once its owner signs in."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from followup.accounts import actions
from followup.accounts.models import Invitation
from followup.audit.models import AuditEntry
from followup.partnerships.access import Refused
from followup.partnerships.models import Membership
from tests.browserlike import change, page_form, submit
from tests.conftest import PASSWORD

NEW_PASSWORD = "lantern orchard velvet compass"


def _invite(world, inbox, email: str, role: str = "contributor", who: str = "lead") -> str:
    """Invite through the members page; the path of the link in the email that arrived."""
    client = world.client_for(who)
    url = reverse("members:invite", args=["home"])
    form = change(page_form(client.get(url).content.decode()), {"email": email, "role": role})
    response = submit(client, url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    (message,) = inbox.to(email)
    (link,) = inbox.links(message)
    assert link.startswith("http://testserver/invitations/")
    return urlsplit(link).path


def _create_account(client: Client, path: str, username: str = "newcomer") -> object:
    form = change(
        page_form(client.get(path).content.decode()),
        {"username": username, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    return submit(client, path, form)


def test_an_invited_person_creates_their_account_from_the_emailed_link_and_is_signed_in(
    world, smtp_server
):
    path = _invite(world, smtp_server, "newcomer@example.org")
    (message,) = smtp_server.to("newcomer@example.org")
    assert message["Subject"] == "Followup: you are invited to join Homeshire"
    assert "lead has invited you to join Homeshire on Followup as contributor." in (
        smtp_server.body(message)
    )
    client = Client()
    response = _create_account(client, path)
    assert (response.status_code, response["Location"]) == (302, "/p/home/")
    assert client.get("/p/home/").status_code == 200
    user = User.objects.get(username="newcomer")
    assert user.email == "newcomer@example.org"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "newcomer@example.org",
        True,
        True,
    )
    membership = Membership.objects.get(user=user, partnership=world.home.partnership)
    assert membership.role == "contributor"
    invitation = Invitation.objects.get(email="newcomer@example.org")
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)
    ours = AuditEntry.objects.exclude(actor_name="cli:tests").order_by("pk")
    assert list(ours.values_list("actor_name", "verb")) == [
        ("lead", "invitation.create"),
        ("newcomer", "user.create"),
        ("newcomer", "membership.create"),
        ("newcomer", "invitation.accept"),
    ]
    assert "token" not in str(AuditEntry.objects.get(verb="invitation.create").changes)


def test_the_link_works_once(world, smtp_server):
    path = _invite(world, smtp_server, "newcomer@example.org")
    assert _create_account(Client(), path).status_code == 302
    again = Client().get(path)
    assert again.status_code == 410
    assert "This invitation has already been used." in again.content.decode()


def test_an_expired_link_is_refused(world, smtp_server):
    path = _invite(world, smtp_server, "newcomer@example.org")
    Invitation.objects.update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    response = Client().get(path)
    assert response.status_code == 410
    assert "This invitation has expired." in response.content.decode()
    posted = Client().post(
        path, {"username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert posted.status_code == 410
    assert not User.objects.filter(username="newcomer").exists()


def test_a_link_that_was_never_sent_is_not_found(world):
    response = Client().get(reverse("members:accept", args=["made-up-token"]))
    assert response.status_code == 404


def test_someone_signed_in_with_another_address_is_refused(world, smtp_server):
    path = _invite(world, smtp_server, "newcomer@example.org")
    response = world.client_for("outsider").post(path)
    assert response.status_code == 403
    assert "This invitation is for someone else" in response.content.decode()
    assert not Membership.objects.filter(
        user=world.users["outsider"], partnership=world.home.partnership
    ).exists()
    with pytest.raises(Exception, match="another email address"):
        actions.accept_invitation(world.users["outsider"], path.split("/")[-2])


def test_an_invitation_to_an_existing_account_adds_the_membership_after_signing_in(
    world, smtp_server
):
    outsider = world.users["outsider"]
    EmailAddress.objects.create(user=outsider, email="outsider@example.org", verified=True)
    path = _invite(world, smtp_server, "Outsider@example.org", role="viewer")
    client = Client()
    page = client.get(path)
    assert "An account already has the address" in page.content.decode()
    sign_in = reverse("account_login") + "?next=" + path.replace("/", "%2F")
    assert sign_in in page.content.decode()
    response = client.post(
        reverse("account_login"), {"login": "outsider", "password": PASSWORD, "next": path}
    )
    assert response["Location"] == path
    assert client.post(path).status_code == 302
    membership = Membership.objects.get(user=outsider, partnership=world.home.partnership)
    assert membership.role == "viewer"
    assert Client().get(path).status_code == 410


def test_an_invitation_cannot_make_a_second_account_for_an_address_in_use(world, smtp_server):
    path = _invite(world, smtp_server, "newcomer@example.org")
    User.objects.create_user("already", "newcomer@example.org", "x")
    with pytest.raises(ValidationError, match="An account already has this address"):
        actions.accept_invitation_with_new_account(path.split("/")[-2], "other", NEW_PASSWORD)


def test_a_weak_password_is_refused_by_the_password_validators(world, smtp_server):
    path = _invite(world, smtp_server, "newcomer@example.org")
    form = change(
        page_form(Client().get(path).content.decode()),
        {"username": "newcomer", "password1": "Password1234", "password2": "Password1234"},
    )
    response = submit(Client(), path, form)
    assert response.status_code == 200
    assert "This password would be easy to guess" in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_revoking_an_invitation_stops_its_link(world, smtp_server):
    path = _invite(world, smtp_server, "newcomer@example.org")
    invitation = Invitation.objects.get()
    url = reverse("members:invitation_revoke", args=["home", invitation.pk])
    assert world.client_for("lead").post(url).status_code == 302
    assert Client().get(path).status_code == 410
    assert AuditEntry.objects.filter(verb="invitation.revoke", actor_name="lead").count() == 1


def test_resending_sends_a_new_link_and_the_old_one_stops_working(world, smtp_server):
    old = _invite(world, smtp_server, "newcomer@example.org")
    invitation = Invitation.objects.get()
    url = reverse("members:invitation_resend", args=["home", invitation.pk])
    assert world.client_for("admin").post(url).status_code == 302
    _first, second = smtp_server.to("newcomer@example.org")
    (new_link,) = smtp_server.links(second)
    new = urlsplit(new_link).path
    assert new != old
    assert Client().get(old).status_code == 404
    assert _create_account(Client(), new).status_code == 302


def test_outsider_cannot_invite_revoke_or_resend(world, smtp_server):
    outsider = world.users["outsider"]
    with pytest.raises(Http404):
        actions.invite(
            outsider,
            world.home.partnership,
            {"email": "x@example.org", "role": "viewer"},
            lambda token: token,
        )
    _invite(world, smtp_server, "newcomer@example.org")
    invitation = Invitation.objects.get()
    with pytest.raises(Http404):
        actions.revoke_invitation(outsider, invitation)
    with pytest.raises(Http404):
        actions.resend_invitation(outsider, invitation, lambda token: token)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("who", ["editor", "contributor", "viewer", "inspector"])
def test_a_member_without_manage_members_cannot_invite(world, who):
    with pytest.raises(Refused):
        actions.invite(
            world.users[who],
            world.home.partnership,
            {"email": "x@example.org", "role": "viewer"},
            lambda token: token,
        )
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ["inspector", "admin"])
def test_a_lead_cannot_invite_an_inspector_or_an_administrator(world, role):
    with pytest.raises(ValidationError, match="Choose one of the roles you can give"):
        actions.invite(
            world.users["lead"],
            world.home.partnership,
            {"email": "x@example.org", "role": role},
            lambda token: token,
        )


def test_a_service_admin_invites_an_administrator(world, smtp_server):
    _invite(world, smtp_server, "newadmin@example.org", role="admin", who="service_admin")
    assert Invitation.objects.get().role == "admin"


def test_inviting_someone_already_a_member_is_refused(world):
    world.users["viewer"].email = "viewer@example.org"
    world.users["viewer"].save()
    with pytest.raises(ValidationError, match="already a member"):
        actions.invite(
            world.users["lead"],
            world.home.partnership,
            {"email": "VIEWER@example.org", "role": "editor"},
            lambda token: token,
        )


def test_a_service_admin_invites_an_inspector_who_must_then_set_up_a_second_factor(
    world, smtp_server
):
    _invite(world, smtp_server, "new.inspector@example.org", role="inspector", who="service_admin")
    assert Invitation.objects.get().role == "inspector"


def test_inviting_an_address_with_a_pending_invitation_again_is_refused(world, smtp_server):
    _invite(world, smtp_server, "twice@example.org")
    with pytest.raises(ValidationError, match="has an invitation already"):
        actions.invite(
            world.users["lead"],
            world.home.partnership,
            {"email": "Twice@example.org", "role": "viewer"},
            lambda token: token,
        )
    assert Invitation.objects.filter(email__iexact="twice@example.org").count() == 1
