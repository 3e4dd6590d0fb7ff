"""A person who has lost their second factor has it reset by a service administrator, on the
record; nobody else may, and the page does not exist for anyone else."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from followup.accounts.actions import reset_second_factors
from followup.audit.models import AuditEntry
from tests import factories as f
from tests.conftest import PASSWORD


@pytest.fixture
def boss(world: Any) -> Any:
    """A service administrator (a superuser) with their own second factor."""
    user = f.UserFactory(username="boss", is_superuser=True, is_staff=True)
    f.totp_authenticator(user)
    return user


def url(user: Any) -> str:
    return reverse("accounts:reset_second_factors", kwargs={"pk": user.pk})


def test_a_service_administrator_resets_an_inspectors_lost_factor_and_they_must_enrol_again(
    world, boss
):
    inspector = world.users["inspector"]
    elsewhere = world.client_for("inspector")
    assert elsewhere.get("/p/home/").status_code == 200
    client = Client()
    client.force_login(boss)
    page = client.get(url(inspector)).content.decode()
    assert "authenticator app" in page and "govuk-warning-text" in page
    response = client.post(url(inspector))
    assert response["Location"] == url(inspector)
    assert "second factors were removed" in client.get(url(inspector)).content.decode()
    assert not Authenticator.objects.filter(user=inspector).exists()
    entry = AuditEntry.objects.get(verb="mfa.reset")
    assert (entry.actor_name, entry.object_id) == ("boss", str(inspector.pk))
    assert entry.changes == {"second_factors": [["authenticator app"], []]}
    # Signed out everywhere, and asked to set up a new factor on signing in again.
    assert elsewhere.get("/p/home/")["Location"].startswith("/accounts/login/")
    again = Client()
    signed_in = again.post("/accounts/login/", {"login": "inspector", "password": PASSWORD})
    assert again.get(signed_in["Location"])["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("who", ["lead", "admin", "inspector", "outsider", "viewer"])
def test_anyone_but_a_service_administrator_gets_404_for_the_reset_page(world, who):
    target = world.users["inspector"] if who != "inspector" else world.users["admin"]
    client = world.client_for(who)
    assert client.get(url(target)).status_code == 404
    assert client.post(url(target)).status_code == 404
    assert Authenticator.objects.filter(user=target).exists()
    assert not AuditEntry.objects.filter(verb="mfa.reset").exists()


def test_a_signed_out_visitor_is_asked_to_sign_in_for_the_reset_page(world):
    response = Client().get(url(world.users["inspector"]))
    assert response["Location"].startswith("/accounts/login/")


def test_the_action_refuses_anyone_but_a_service_administrator_and_writes_nothing(world, boss):
    for actor in (world.users["lead"], world.users["admin"]):
        with pytest.raises(PermissionDenied, match="Only a service administrator"):
            reset_second_factors(actor, world.users["inspector"])
    with pytest.raises(PermissionDenied, match="Ask another service administrator"):
        reset_second_factors(boss, boss)
    assert Authenticator.objects.filter(user__in=[world.users["inspector"], boss]).count() == 2
    assert not AuditEntry.objects.filter(verb="mfa.reset").exists()
