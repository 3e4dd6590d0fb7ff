"""Service administrators run the service on the administration pages: partnerships, their areas
and organisations, inspectors assigned for a period, and archiving. Every one of these writes is
refused to anyone else and is on the record."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from followup.accounts.actions import create_user
from followup.audit.models import AuditEntry
from followup.lib.types import CommandLine
from followup.partnerships import access, actions
from followup.partnerships.models import Area, Membership, Organisation, Partnership, Role
from tests import factories as f
from tests.browserlike import change, page_form, submit


def _new_partnership(**extra: object) -> dict[str, object]:
    return {
        "name": "Lochside",
        "slug": "lochside",
        "description": "",
        "area": None,
        "new_area_code": "",
        "new_area_name": "",
        "new_area_kind": "",
        **extra,
    }


def test_service_admin_creates_a_partnership_with_a_new_area_on_the_record(world):
    client = world.client_for("service_admin")
    response = client.get(reverse("manage:partnership_create"))
    form = change(
        page_form(response.content.decode()),
        {
            "name": "Lochside",
            "slug": "lochside",
            "new_area_code": "s12000099",
            "new_area_name": "Lochside Council",
            "new_area_kind": "council",
        },
    )
    response = submit(client, reverse("manage:partnership_create"), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:partnership", args=["lochside"])
    partnership = Partnership.objects.get(slug="lochside")
    assert partnership.area == Area.objects.get(code="S12000099", name="Lochside Council")
    entries = AuditEntry.objects.filter(actor_name="service_admin").order_by("pk")
    assert [(e.verb, e.partnership_id) for e in entries] == [
        ("area.create", None),
        ("partnership.create", partnership.pk),
    ]


def test_an_area_code_that_is_not_a_gss_code_is_refused_and_nothing_is_created(world):
    client = world.client_for("service_admin")
    form = change(
        page_form(client.get(reverse("manage:partnership_create")).content.decode()),
        {"name": "Lochside", "slug": "lochside", "new_area_code": "LOCH1", "new_area_name": "L"},
    )
    response = submit(client, reverse("manage:partnership_create"), form)
    assert response.status_code == 200
    assert "Enter the official code as a letter and eight digits" in response.content.decode()
    assert not Partnership.objects.filter(slug="lochside").exists()


def test_a_slug_already_taken_is_refused_at_its_field(world):
    with pytest.raises(ValidationError) as refused:
        actions.create_partnership(world.users["service_admin"], _new_partnership(slug="home"))
    assert "slug" in refused.value.message_dict


@pytest.mark.parametrize("who", ["lead", "admin", "inspector", "outsider"])
def test_nobody_but_a_service_admin_may_create_a_partnership_and_nothing_is_written(world, who):
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.create_partnership(world.users[who], _new_partnership())
    assert not Partnership.objects.filter(slug="lochside").exists()
    assert AuditEntry.objects.count() == entries


def test_an_inactive_superuser_is_no_service_admin(world):
    world.users["service_admin"].is_active = False
    world.users["service_admin"].save()
    with pytest.raises(PermissionDenied):
        actions.create_partnership(world.users["service_admin"], _new_partnership())


@pytest.mark.parametrize("who", ["lead", "admin", "outsider"])
def test_nobody_but_a_service_admin_may_change_organisations_or_assign_inspectors(world, who):
    user, home = world.users[who], world.home
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.add_organisation(user, home.partnership, {"name": "NHS", "kind": "health"})
    with pytest.raises(PermissionDenied):
        actions.update_organisation(user, home.organisation, {"name": "X", "kind": "other"})
    with pytest.raises(PermissionDenied):
        actions.remove_organisation(user, home.organisation)
    with pytest.raises(PermissionDenied):
        actions.assign_inspector(user, home.partnership, {"user": user})
    with pytest.raises(PermissionDenied):
        actions.set_archived(user, home.partnership, True)
    with pytest.raises(PermissionDenied):
        actions.update_partnership(user, home.partnership, _new_partnership())
    assert AuditEntry.objects.count() == entries


def test_service_admin_adds_renames_and_removes_an_organisation_on_the_record(world):
    admin, home = world.users["service_admin"], world.home.partnership
    organisation = actions.add_organisation(admin, home, {"name": "NHS Home", "kind": "health"})
    actions.update_organisation(admin, organisation, {"name": "NHS Homeshire", "kind": "health"})
    actions.remove_organisation(admin, organisation)
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    entries = AuditEntry.objects.filter(object_type="partnerships.organisation").order_by("pk")
    assert [(e.verb, e.partnership_id) for e in entries] == [
        ("organisation.create", home.pk),
        ("organisation.update", home.pk),
        ("organisation.delete", home.pk),
    ]
    assert entries[1].changes == {"name": ["NHS Home", "NHS Homeshire"]}


def test_removing_an_organisation_keeps_the_actions_that_named_it(world):
    action = world.home.action
    actions.remove_organisation(world.users["service_admin"], world.home.organisation)
    action.refresh_from_db()
    assert action.owner_organisation is None


def test_the_administration_pages_are_not_found_for_a_partnerships_own_administrator(world):
    client = world.client_for("admin")
    assert client.get(reverse("manage:partnerships")).status_code == 404
    assert client.get(reverse("manage:partnership", args=["home"])).status_code == 404


def test_service_admin_who_is_not_a_member_does_not_see_the_partnerships_inspection_data(world):
    client = world.client_for("service_admin")
    assert client.get(reverse("front:partnership", args=["home"])).status_code == 404
    url = reverse("inspections:detail", args=["home", world.home.inspection.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("manage:partnership", args=["home"])).status_code == 200


def test_service_admin_sees_every_partnership_and_home_links_to_the_list(world):
    client = world.client_for("service_admin")
    page = client.get(reverse("manage:partnerships")).content.decode()
    assert "Homeshire" in page and "Awayshire" in page
    home = client.get(reverse("front:home")).content.decode()
    assert reverse("manage:partnerships") in home
    assert (
        reverse("manage:partnerships")
        not in world.client_for("lead").get(reverse("front:home"), follow=True).content.decode()
    )


# Inspectors, for a period ------------------------------------------------------------------------


def test_an_inspectors_assignment_grants_nothing_before_it_starts_or_after_it_ends(world):
    today = datetime.date.today()
    inspector = f.UserFactory(username="visiting")
    f.totp_authenticator(inspector)  # an inspector must have a second factor
    admin = world.users["service_admin"]
    membership = actions.assign_inspector(
        admin,
        world.away.partnership,
        {"user": inspector, "starts_on": today + datetime.timedelta(days=1), "ends_on": None},
    )
    assert membership.role == Role.INSPECTOR
    client = world.client_for(None)
    client.force_login(inspector)
    assert client.get(reverse("front:partnership", args=["away"])).status_code == 404
    assert list(access.visible_partnerships(inspector)) == []
    actions.assign_inspector(
        admin,
        world.away.partnership,
        {"user": inspector, "starts_on": today - datetime.timedelta(days=30), "ends_on": today},
    )
    assert client.get(reverse("front:partnership", args=["away"])).status_code == 200
    actions.assign_inspector(
        admin,
        world.away.partnership,
        {
            "user": inspector,
            "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today - datetime.timedelta(days=1),
        },
    )
    assert client.get(reverse("front:partnership", args=["away"])).status_code == 404
    assert not access.mfa_required(inspector)
    verbs = AuditEntry.objects.filter(
        object_type="partnerships.membership", object_id=str(membership.pk)
    )
    assert [e.verb for e in verbs.order_by("pk")] == [
        "membership.create",
        "membership.update",
        "membership.update",
    ]


def test_an_assignment_that_ends_before_it_starts_is_refused(world):
    today = datetime.date.today()
    with pytest.raises(ValidationError) as refused:
        actions.assign_inspector(
            world.users["service_admin"],
            world.away.partnership,
            {
                "user": world.users["inspector"],
                "starts_on": today,
                "ends_on": today - datetime.timedelta(days=1),
            },
        )
    assert "ends_on" in refused.value.message_dict


def test_a_member_cannot_be_assigned_as_an_inspector_over_their_role(world):
    with pytest.raises(ValidationError) as refused:
        actions.assign_inspector(
            world.users["service_admin"], world.home.partnership, {"user": world.users["lead"]}
        )
    assert refused.value.message_dict["user"] == ["lead is already a member, as Lead officer."]


def _assign_inspector(client: Client, user: str) -> HttpResponse:
    """The inspector assignment page of away, submitted as rendered with ``user`` and a start."""
    url = reverse("manage:inspector_assign", args=["away"])
    form = change(
        page_form(client.get(url).content.decode()),
        {"user": user, "starts_on_day": "1", "starts_on_month": "1", "starts_on_year": "2026"},
    )
    return submit(client, url, form)


def test_service_admin_assigns_an_inspector_through_the_page(world):
    f.UserFactory(username="newinspector", email="newinspector@example.org")
    client = world.client_for("service_admin")
    assert _assign_inspector(client, "newinspector@example.org").status_code == 302
    membership = Membership.objects.get(user__username="newinspector", partnership__slug="away")
    assert (membership.role, membership.starts_on) == ("inspector", datetime.date(2026, 1, 1))


def test_assigning_an_inspector_without_an_account_is_refused_at_the_field(world):
    memberships = Membership.objects.count()
    response = _assign_inspector(world.client_for("service_admin"), "nobody@example.org")
    assert response.status_code == 200
    assert "No active account has this username or email address" in response.content.decode()
    assert Membership.objects.count() == memberships
    assert not AuditEntry.objects.filter(verb="membership.create").exists()


def test_a_deactivated_account_cannot_be_assigned_as_an_inspector(world):
    world.users["viewer"].is_active = False
    world.users["viewer"].save()
    response = _assign_inspector(world.client_for("service_admin"), "viewer")
    assert response.status_code == 200
    assert "No active account has this username or email address" in response.content.decode()
    assert not Membership.objects.filter(
        user=world.users["viewer"], partnership=world.away.partnership
    ).exists()


# Archiving ---------------------------------------------------------------------------------------


def test_an_archived_partnership_keeps_only_the_reading_capabilities(world):
    actions.set_archived(world.users["service_admin"], world.home.partnership, True)
    home = Partnership.objects.get(slug="home")
    assert access.capabilities(world.users["admin"], home) == access.READING
    assert access.capabilities(world.users["viewer"], home) == {access.Capability.VIEW}


def test_a_write_page_of_an_archived_partnership_gives_403_saying_it_is_archived(world):
    client = world.client_for("service_admin")
    response = client.post(reverse("manage:partnership_archive", args=["home"]))
    assert response.status_code == 302
    lead = world.client_for("lead")
    response = lead.get(reverse("plans:create", args=["home"]))
    assert response.status_code == 403
    assert "This partnership is archived" in response.content.decode()
    page = lead.get(reverse("plans:list", args=["home"]))
    assert page.status_code == 200
    assert "Homeshire is archived" in page.content.decode()
    response = lead.get(reverse("members:invite", args=["home"]))
    assert response.status_code == 403
    assert "This partnership is archived" in response.content.decode()


def test_a_viewer_of_an_archived_partnership_is_still_told_only_who_can(world):
    actions.set_archived(world.users["service_admin"], world.home.partnership, True)
    response = world.client_for("viewer").get(reverse("plans:create", args=["home"]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only editors, lead officers and administrators can change the improvement plan." in page
    assert "This partnership is archived" not in page


def test_unarchiving_gives_the_members_their_capabilities_back_on_the_record(world):
    admin = world.users["service_admin"]
    actions.set_archived(admin, world.home.partnership, True)
    world.client_for("service_admin").post(
        reverse("manage:partnership_archive", args=["home"]), {"unarchive": "1"}
    )
    home = Partnership.objects.get(slug="home")
    assert home.archived_at is None
    assert access.can(world.users["lead"], home, access.Capability.EDIT_PLAN)
    verbs = AuditEntry.objects.filter(
        object_type="partnerships.partnership", object_id=str(home.pk)
    )
    assert [e.verb for e in verbs.order_by("pk")] == [
        "partnership.archive",
        "partnership.unarchive",
    ]


def test_the_first_service_admin_is_made_as_createuser_superuser_makes_one(db):
    """``followup createuser NAME --superuser`` calls this action (tests/core/test_cli.py runs
    the command itself)."""
    chief = create_user(
        CommandLine("tests"),
        username="chief",
        email="chief@example.org",
        password="lantern orchard velvet compass",
        superuser=True,
    )
    assert access.is_service_admin(chief)
    assert list(access.visible_partnerships(chief)) == []


def test_a_member_of_a_partnership_in_another_role_cannot_be_assigned_as_an_inspector(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="is a member of Homeshire as Viewer, so cannot"):
        actions.assign_inspector(
            world.users["service_admin"],
            world.away.partnership,
            {"user": world.users["viewer"], "starts_on": None, "ends_on": None},
        )
    assert not world.users["viewer"].memberships.filter(partnership=world.away.partnership)


def test_service_admin_names_an_organisations_contact_for_update_requests_on_its_page(world):
    """The contact is asked for the updates of the organisation's actions with no one chosen to
    ask (#17): only members who can add updates are offered, and one who cannot is refused."""
    client = world.client_for("service_admin")
    organisation = world.home.organisation
    url = reverse("manage:organisation_edit", args=["home", organisation.pk])
    html = client.get(url).content.decode()
    form = page_form(html)
    select = html[html.index('<select name="contact"') :]
    select = select[: select.index("</select>")]
    offered = set(re.findall(r'<option value="(\d+)"', select))
    members = {str(world.users[n].pk) for n in ("contributor", "editor", "lead", "admin")}
    assert offered == members
    assert str(world.users["outsider"].pk) not in offered
    assert str(world.users["viewer"].pk) not in offered
    response = submit(client, url, change(form, {"contact": str(world.users["editor"].pk)}))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.contact == world.users["editor"]
    entry = AuditEntry.objects.filter(verb="organisation.update").latest("id")
    assert entry.changes == {"contact": [None, "editor"]}
    with pytest.raises(ValidationError) as refused:
        actions.update_organisation(
            world.users["service_admin"],
            organisation,
            {
                "name": organisation.name,
                "kind": organisation.kind,
                "contact": world.users["viewer"],
            },
        )
    assert refused.value.message_dict == {
        "contact": ["Choose a member of the partnership who can add updates"]
    }
