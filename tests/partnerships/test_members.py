"""A partnership's lead officers and administrators manage its members: roles, deactivation
(never deletion: a leaver's history stays theirs), and the requirement of a second factor."""

from __future__ import annotations

import datetime
import re

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followup.audit.models import AuditEntry
from followup.partnerships import access, actions
from followup.partnerships.access import Refused
from followup.partnerships.models import Membership, Partnership, Role
from followup.plans.actions import add_update
from tests.api.conftest import Api, make_token
from tests.browserlike import edit, page_form, submit
from tests.conftest import PASSWORD


def _membership(world, name: str) -> Membership:
    return Membership.objects.get(user=world.users[name], partnership=world.home.partnership)


def test_members_page_lists_name_email_role_organisation_status_and_last_sign_in(world):
    viewer = _membership(world, "viewer")
    viewer.organisation = world.home.organisation
    viewer.save()
    world.users["viewer"].email = "viewer@example.org"
    world.users["viewer"].save()
    page = world.client_for("lead").get(reverse("members:list", args=["home"])).content.decode()
    for shown in ("viewer@example.org", "Viewer", "Homeshire Council", "Active", "Never"):
        assert shown in page
    assert "outsider" not in page


def test_outsider_cannot_change_a_role_deactivate_or_require_a_second_factor(world):
    outsider, viewer = world.users["outsider"], _membership(world, "viewer")
    entries = AuditEntry.objects.count()
    with pytest.raises(Http404):
        actions.change_role(outsider, viewer, "editor")
    with pytest.raises(Http404):
        actions.deactivate_member(outsider, viewer)
    with pytest.raises(Http404):
        actions.reactivate_member(outsider, viewer)
    with pytest.raises(Http404):
        actions.set_require_mfa(outsider, world.home.partnership, True)
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("who", ["editor", "contributor", "viewer", "inspector"])
def test_a_member_without_manage_members_is_refused_every_change(world, who):
    target = _membership(world, "viewer" if who != "viewer" else "contributor")
    with pytest.raises(Refused):
        actions.change_role(world.users[who], target, "editor")
    with pytest.raises(Refused):
        actions.deactivate_member(world.users[who], target)
    with pytest.raises(Refused):
        actions.set_require_mfa(world.users[who], world.home.partnership, True)


def test_lead_changes_a_members_role_on_the_record(world):
    url = reverse("members:role_edit", args=["home", _membership(world, "viewer").pk])
    response = edit(world.client_for("lead"), url, {"role": "editor"})
    assert response.status_code == 302
    assert _membership(world, "viewer").role == Role.EDITOR
    entry = AuditEntry.objects.get(verb="membership.update")
    assert (entry.actor_name, entry.changes) == ("lead", {"role": ["viewer", "editor"]})


def test_lead_cannot_give_the_administrator_or_inspector_role(world):
    viewer = _membership(world, "viewer")
    for role in ("admin", "inspector"):
        with pytest.raises(Exception) as refused:
            actions.change_role(world.users["lead"], viewer, role)
        assert "Choose one of the roles you can give." in str(refused.value)
    assert _membership(world, "viewer").role == Role.VIEWER


def test_a_service_admin_gives_the_administrator_role(world):
    actions.change_role(world.users["service_admin"], _membership(world, "viewer"), "admin")
    assert _membership(world, "viewer").role == Role.ADMIN


@pytest.mark.parametrize("target", ["lead", "inspector", "admin"])
def test_lead_cannot_change_their_own_an_inspectors_or_an_administrators_membership(world, target):
    with pytest.raises(Refused) as refused:
        actions.deactivate_member(world.users["lead"], _membership(world, target))
    assert "You cannot change this membership" in refused.value.message
    page = world.client_for("lead").get(
        reverse("members:role_edit", args=["home", _membership(world, target).pk])
    )
    assert page.status_code == 403


def test_a_deactivated_member_cannot_sign_in_and_their_updates_still_show_their_name(world):
    client = world.client_for("contributor")
    add_update(
        world.users["contributor"],
        world.home.action,
        {
            "on": datetime.date(2026, 1, 5),
            "status": "in_progress",
            "rating": "on_track",
            "note": "Checked the rota",
        },
    )
    membership = _membership(world, "contributor")
    lead = world.client_for("lead")
    url = reverse("members:deactivate", args=["home", membership.pk])
    confirm = lead.get(url).content.decode()
    response = submit(lead, url, page_form(confirm))
    assert (response.status_code, response["Location"]) == (302, "/p/home/members/")
    membership.refresh_from_db()
    assert membership.deactivated_at is not None
    contributor = world.users["contributor"]
    contributor.refresh_from_db()
    assert contributor.is_active is False
    fresh = Client()
    signing_in = fresh.post("/accounts/login/", {"login": "contributor", "password": PASSWORD})
    # Told as for a wrong password: a "deactivated" page would say the password was right.
    assert signing_in.status_code == 200
    assert "Enter a correct username (or email address) and password" in signing_in.content.decode()
    assert "_auth_user_id" not in fresh.session
    assert fresh.get(reverse("plans:list", args=["home"])).status_code == 302
    assert client.get(reverse("plans:list", args=["home"])).status_code == 302
    page = world.client_for("lead").get(
        reverse("plans:detail", args=["home", world.home.action.pk])
    )
    assert "Checked the rota" in page.content.decode()
    assert "contributor" in page.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    verbs = (
        AuditEntry.objects.filter(actor_name="lead").order_by("pk").values_list("verb", flat=True)
    )
    assert list(verbs) == ["membership.deactivate", "user.deactivate"]


def test_a_deactivated_member_with_another_active_membership_can_still_sign_in(world):
    other = world.away.partnership
    Membership.objects.create(user=world.users["viewer"], partnership=other, role="viewer")
    actions.deactivate_member(world.users["lead"], _membership(world, "viewer"))
    world.users["viewer"].refresh_from_db()
    assert world.users["viewer"].is_active is True
    assert access.membership_of(world.users["viewer"], world.home.partnership) is None


def test_reactivating_a_member_lets_them_sign_in_again(world):
    lead, membership = world.users["lead"], _membership(world, "viewer")
    actions.deactivate_member(lead, membership)
    world.client_for("lead").post(reverse("members:reactivate", args=["home", membership.pk]))
    membership.refresh_from_db()
    world.users["viewer"].refresh_from_db()
    assert (membership.deactivated_at, world.users["viewer"].is_active) == (None, True)
    response = Client().post("/accounts/login/", {"login": "viewer", "password": PASSWORD})
    assert response.status_code == 302


def test_requiring_a_second_factor_of_all_members_makes_it_required_of_a_viewer(world):
    viewer = world.users["viewer"]
    assert not access.mfa_required(viewer)
    url = reverse("members:second_factor", args=["home"])
    assert edit(world.client_for("lead"), url, {"require_mfa": "on"}).status_code == 302
    assert access.mfa_required(viewer)
    assert not access.mfa_required(world.users["outsider"])
    entry = AuditEntry.objects.get(verb="partnership.update")
    assert entry.changes == {"require_mfa": [False, True]}


def test_a_deactivated_membership_no_longer_requires_a_second_factor(world):
    actions.set_require_mfa(world.users["lead"], world.home.partnership, True)
    Membership.objects.create(
        user=world.users["viewer"], partnership=world.away.partnership, role="viewer"
    )
    actions.deactivate_member(world.users["lead"], _membership(world, "viewer"))
    assert not access.mfa_required(world.users["viewer"])


def _confirmation(world, who: str, target: str) -> str:
    url = reverse("members:deactivate", args=["home", _membership(world, target).pk])
    response = world.client_for(who).get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_members_page_links_to_deactivation_and_deactivates_nobody(world):
    page = world.client_for("lead").get(reverse("members:list", args=["home"])).content.decode()
    url = reverse("members:deactivate", args=["home", _membership(world, "viewer").pk])
    assert (
        f'<a class="govuk-link" href="{url}">Deactivate'
        '<span class="govuk-visually-hidden"> viewer</span></a>'
    ) in page
    assert f'action="{url}"' not in page
    assert not AuditEntry.objects.filter(verb="membership.deactivate").exists()


def test_the_confirmation_says_their_account_ends_and_how_many_tokens_are_revoked(world):
    viewer = world.users["viewer"]
    viewer.first_name, viewer.last_name = "Morag", "Reid"
    viewer.save()
    make_token(viewer)
    make_token(viewer, name="second")
    page = _confirmation(world, "lead", "viewer")
    assert "<title>Deactivate a member – Homeshire – Followup</title>" in page
    assert '<h1 class="govuk-heading-l">Deactivate Morag Reid</h1>' in page
    assert (
        "Morag Reid will no longer be a member of Homeshire: their role there (Viewer) ends at "
        "once.</p>"
    ) in page
    assert (
        "This is their only membership, so their account will be deactivated too:</p> "
        '<ul class="govuk-list govuk-list--bullet"> '
        "<li>they will no longer be able to sign in to Followup</li> "
        "<li>their 2 API tokens will be revoked and stop working at once</li> </ul>"
    ) in page
    assert (
        "Everything they did stays in Followup with their name. You can reactivate them from "
        "the members page."
    ) in page
    assert (
        '<button type="submit" class="govuk-button govuk-button--warning" '
        'data-module="govuk-button">Deactivate Morag Reid</button> '
        '<a class="govuk-link" href="/p/home/members/">Cancel</a>'
    ) in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert _membership(world, "viewer").deactivated_at is None  # the page changed nothing


def test_the_confirmation_counts_one_token_or_none(world):
    make_token(world.users["viewer"])
    assert "<li>their API token will be revoked and stop working at once</li>" in (
        _confirmation(world, "lead", "viewer")
    )
    assert "<li>they have no API tokens to revoke</li>" in (
        _confirmation(world, "lead", "contributor")
    )


def test_the_confirmation_says_a_member_of_another_partnership_can_still_sign_in(world):
    Membership.objects.create(
        user=world.users["viewer"], partnership=world.away.partnership, role="viewer"
    )
    page = _confirmation(world, "lead", "viewer")
    assert (
        "They are a member of another partnership, so they can still sign in to Followup, and "
        "their API tokens keep working there."
    ) in page
    assert "no longer be able to sign in" not in page


def test_deactivating_through_the_confirmation_revokes_their_tokens(world):
    text = make_token(world.users["viewer"])
    lead = world.client_for("lead")
    url = reverse("members:deactivate", args=["home", _membership(world, "viewer").pk])
    submit(lead, url, page_form(lead.get(url).content.decode()))
    assert Api(text).get("/api/v1/partnerships/").status_code == 401
    page = lead.get(reverse("members:list", args=["home"]), follow=True).content.decode()
    assert "viewer deactivated." in page


def test_the_confirmation_sent_twice_deactivates_once(world):
    lead = world.client_for("lead")
    url = reverse("members:deactivate", args=["home", _membership(world, "viewer").pk])
    form = page_form(lead.get(url).content.decode())
    submit(lead, url, form)
    first = _membership(world, "viewer").deactivated_at
    assert submit(lead, url, form).status_code == 302
    assert _membership(world, "viewer").deactivated_at == first
    verbs = AuditEntry.objects.values_list("verb", flat=True)
    assert sorted(verbs.filter(verb__endswith=".deactivate")) == [
        "membership.deactivate",
        "user.deactivate",
    ]
    assert lead.get(url)["Location"] == "/p/home/members/"  # nothing left to confirm


def test_deactivating_needs_the_pages_csrf_token(world):
    lead = Client(enforce_csrf_checks=True)
    lead.force_login(world.users["lead"])
    url = reverse("members:deactivate", args=["home", _membership(world, "viewer").pk])
    assert lead.post(url).status_code == 403
    assert _membership(world, "viewer").deactivated_at is None


def test_an_outsider_gets_404_for_the_confirmation(world):
    url = reverse("members:deactivate", args=["home", _membership(world, "viewer").pk])
    assert world.client_for("outsider").get(url).status_code == 404
    assert world.client_for("outsider").post(url).status_code == 404
    assert _membership(world, "viewer").deactivated_at is None


@pytest.mark.parametrize("who", ["editor", "contributor", "inspector"])
def test_a_colleague_without_manage_members_gets_403_for_the_confirmation(world, who):
    url = reverse("members:deactivate", args=["home", _membership(world, "viewer").pk])
    assert world.client_for(who).get(url).status_code == 403
    assert world.client_for(who).post(url).status_code == 403
    assert _membership(world, "viewer").deactivated_at is None


@pytest.mark.parametrize("target", ["lead", "inspector", "admin"])
def test_a_lead_gets_403_for_the_confirmation_of_a_membership_they_cannot_change(world, target):
    url = reverse("members:deactivate", args=["home", _membership(world, target).pk])
    assert world.client_for("lead").get(url).status_code == 403


def test_the_confirmation_of_an_archived_partnerships_member_is_refused(world):
    Partnership.objects.filter(pk=world.home.partnership.pk).update(archived_at=timezone.now())
    url = reverse("members:deactivate", args=["home", _membership(world, "viewer").pk])
    assert world.client_for("lead").get(url).status_code == 403
