"""A reset of someone's second factors sent when they have none left (from a reset page left
open while another service administrator reset them, say) changes nothing and says so: nothing
is removed, their sessions go on, and nothing is recorded."""

from __future__ import annotations

import re

from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from followup.audit.models import AuditEntry
from tests import factories as f
from tests.browserlike import page_form, submit


def test_a_reset_from_a_page_left_open_after_another_reset_changes_nothing_and_says_so(
    world,
):
    inspector = world.users["inspector"]
    url = reverse("accounts:reset_second_factors", kwargs={"pk": inspector.pk})
    other = f.UserFactory(username="other_admin", is_superuser=True, is_staff=True)
    f.totp_authenticator(other)
    colleague = Client()
    colleague.force_login(other)
    client = world.client_for("service_admin")
    left_open = page_form(client.get(url).content.decode())
    first = submit(colleague, url, page_form(colleague.get(url).content.decode()))
    assert (first.status_code, first["Location"]) == (302, url)
    assert not Authenticator.objects.filter(user=inspector).exists()
    signed_in_again = world.client_for("inspector")  # signed in again meanwhile, no factor yet
    assert signed_in_again.get("/p/home/")["Location"] == "/accounts/2fa/totp/activate/"
    response = submit(client, url, left_open)
    assert (response.status_code, response["Location"]) == (302, url)
    page = re.sub(r"\s+", " ", client.get(url).content.decode())
    assert "second factors were removed" not in page
    assert "govuk-notification-banner--success" not in page
    assert "inspector had no second factor to remove: nothing was changed." in page
    assert "inspector has no second factor set up." in page
    assert "Reset second factors</button>" not in page
    entries = AuditEntry.objects.filter(verb="mfa.reset").order_by("pk")
    assert [(e.actor_name, e.changes) for e in entries] == [
        ("other_admin", {"second_factors": [["authenticator app"], []]}),
    ]
    # Signed in again since the first reset, they stay signed in (to set up a new factor).
    assert signed_in_again.get("/p/home/")["Location"] == "/accounts/2fa/totp/activate/"


def test_the_outsider_cannot_reset_anyones_second_factors(world):
    url = reverse("accounts:reset_second_factors", kwargs={"pk": world.users["inspector"].pk})
    assert world.client_for("outsider").post(url).status_code == 404
    assert Authenticator.objects.filter(user=world.users["inspector"]).exists()
    assert not AuditEntry.objects.filter(verb="mfa.reset").exists()
