"""The members page's buttons as a lead officer presses them: reactivating a member whose account
stayed open (they belong to another partnership) brings back the membership only, and a
membership of another partnership is not found under this one's address."""

from __future__ import annotations

import re

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.partnerships import actions
from followup.partnerships.models import Membership
from tests.browserlike import forms_in, submit

MEMBERS = reverse("members:list", args=["home"])


def _membership(world, name: str) -> Membership:
    return Membership.objects.get(user=world.users[name], partnership=world.home.partnership)


def test_reactivating_a_member_whose_account_stayed_open_brings_back_only_the_membership(world):
    viewer = world.users["viewer"]
    Membership.objects.create(user=viewer, partnership=world.away.partnership, role="viewer")
    membership = _membership(world, "viewer")
    actions.deactivate_member(world.users["lead"], membership)
    viewer.refresh_from_db()
    assert viewer.is_active  # a member elsewhere: their account was not deactivated
    lead = world.client_for("lead")
    url = reverse("members:reactivate", args=["home", membership.pk])
    (button,) = [f for f in forms_in(lead.get(MEMBERS).content.decode()) if f.action == url]
    response = submit(lead, MEMBERS, button)
    assert (response.status_code, response["Location"]) == (302, MEMBERS)
    membership.refresh_from_db()
    assert membership.deactivated_at is None
    viewer.refresh_from_db()
    assert viewer.is_active
    verbs = AuditEntry.objects.filter(actor_name="lead").order_by("pk")
    assert [e.verb for e in verbs] == ["membership.deactivate", "membership.reactivate"]
    page = re.sub(r"\s+", " ", lead.get(MEMBERS).content.decode())
    assert "viewer reactivated." in page


def test_a_membership_of_another_partnership_is_not_found_under_this_ones_address(world):
    theirs = Membership.objects.get(user=world.users["outsider"])
    lead = world.client_for("lead")
    for name in ("members:role_edit", "members:deactivate"):
        assert lead.get(reverse(name, args=["home", theirs.pk])).status_code == 404, name
    for name in ("members:deactivate", "members:reactivate"):
        assert lead.post(reverse(name, args=["home", theirs.pk])).status_code == 404, name
    theirs.refresh_from_db()
    assert (theirs.role, theirs.deactivated_at) == ("lead", None)
    assert not AuditEntry.objects.filter(verb__startswith="membership.").exists()


def test_the_outsider_cannot_reactivate_a_homeshire_member(world):
    membership = _membership(world, "viewer")
    actions.deactivate_member(world.users["lead"], membership)
    url = reverse("members:reactivate", args=["home", membership.pk])
    assert world.client_for("outsider").post(url).status_code == 404
    membership.refresh_from_db()
    assert membership.deactivated_at is not None
    assert not AuditEntry.objects.filter(verb="membership.reactivate").exists()
