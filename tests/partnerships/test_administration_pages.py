"""The administration pages as a service administrator uses them in a browser: editing a
partnership, adding and removing its organisations (assigning inspectors is in
test_administration.py). Each page saves through its action, on the record; each is not found for
anyone else, and an organisation of another partnership is not found under this one's
address."""

from __future__ import annotations

import re

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.partnerships.models import Organisation, Partnership
from tests.browserlike import change, forms_in, page_form, submit


def _flashed(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_service_admin_renames_a_partnership_through_its_edit_page_on_the_record(world):
    client = world.client_for("service_admin")
    url = reverse("manage:partnership_edit", args=["home"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Edit partnership" in page.content.decode()
    form = change(
        page_form(page.content.decode()),
        {"name": "Homeshire and Islands", "description": "Two councils' worth of services."},
    )
    response = submit(client, url, form)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("manage:partnership", args=["home"]),
    )
    partnership = Partnership.objects.get(pk=world.home.partnership.pk)
    assert (partnership.name, partnership.slug, partnership.area_id) == (
        "Homeshire and Islands",
        "home",
        world.home.partnership.area_id,
    )
    assert partnership.description == "Two councils' worth of services."
    entry = AuditEntry.objects.get(verb="partnership.update")
    assert (entry.actor_name, entry.partnership_id) == ("service_admin", partnership.pk)
    assert entry.changes == {
        "name": ["Homeshire", "Homeshire and Islands"],
        "description": ["", "Two councils' worth of services."],
    }
    shown = client.get(response["Location"]).content.decode()
    assert "Partnership saved." in shown


def test_the_partnership_edit_page_is_not_found_for_a_partnerships_own_people(world):
    url = reverse("manage:partnership_edit", args=["home"])
    for who in ("lead", "admin", "outsider"):
        assert world.client_for(who).get(url).status_code == 404, who
        assert world.client_for(who).post(url, {"name": "Taken over"}).status_code == 404, who
    assert Partnership.objects.get(pk=world.home.partnership.pk).name == "Homeshire"
    assert not AuditEntry.objects.filter(verb="partnership.update").exists()


def test_service_admin_adds_an_organisation_through_the_page_on_the_record(world):
    client = world.client_for("service_admin")
    url = reverse("manage:organisation_create", args=["home"])
    page = client.get(url)
    assert page.status_code == 200
    form = change(page_form(page.content.decode()), {"name": "NHS Homeshire", "kind": "health"})
    assert form.names() >= {"name", "kind", "contact"}
    response = submit(client, url, form)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("manage:partnership", args=["home"]),
    )
    organisation = Organisation.objects.get(name="NHS Homeshire")
    assert (organisation.partnership_id, organisation.kind, organisation.contact) == (
        world.home.partnership.pk,
        "health",
        None,
    )
    entry = AuditEntry.objects.get(verb="organisation.create")
    assert (entry.actor_name, entry.object_id, entry.partnership_id) == (
        "service_admin",
        str(organisation.pk),
        world.home.partnership.pk,
    )
    shown = client.get(response["Location"]).content.decode()
    assert "Organisation added." in shown
    assert "NHS Homeshire" in shown


def test_an_organisation_without_a_name_is_refused_at_its_field_and_nothing_is_added(world):
    client = world.client_for("service_admin")
    url = reverse("manage:organisation_create", args=["home"])
    form = change(page_form(client.get(url).content.decode()), {"name": "", "kind": "health"})
    response = submit(client, url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter name" in page
    assert Organisation.objects.filter(partnership=world.home.partnership).count() == 1
    assert not AuditEntry.objects.filter(verb="organisation.create").exists()


def test_the_add_organisation_page_is_not_found_for_anyone_but_a_service_admin(world):
    url = reverse("manage:organisation_create", args=["home"])
    for who in ("lead", "admin", "outsider"):
        client = world.client_for(who)
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"name": "NHS", "kind": "health"}).status_code == 404, who
    assert not Organisation.objects.filter(name="NHS").exists()


def test_service_admin_removes_an_organisation_with_its_button_and_sees_it_gone(world):
    client = world.client_for("service_admin")
    organisation = world.home.organisation
    page_url = reverse("manage:partnership", args=["home"])
    remove_url = reverse("manage:organisation_remove", args=["home", organisation.pk])
    (button,) = [
        form
        for form in forms_in(client.get(page_url).content.decode())
        if form.action == remove_url
    ]
    response = submit(client, page_url, button)
    assert (response.status_code, response["Location"]) == (302, page_url)
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    entry = AuditEntry.objects.get(verb="organisation.delete")
    assert (entry.actor_name, entry.object_id, entry.partnership_id) == (
        "service_admin",
        str(organisation.pk),
        world.home.partnership.pk,
    )
    shown = _flashed(client.get(page_url).content.decode())
    assert "Homeshire Council removed." in shown
    assert remove_url not in shown
    assert "No organisations yet." in shown


def test_nobody_else_removes_an_organisation_and_it_stays(world):
    remove_url = reverse("manage:organisation_remove", args=["home", world.home.organisation.pk])
    for who in ("lead", "admin", "outsider"):
        assert world.client_for(who).post(remove_url).status_code == 404, who
    assert Organisation.objects.filter(pk=world.home.organisation.pk).exists()
    assert not AuditEntry.objects.filter(verb="organisation.delete").exists()


def test_another_partnerships_organisation_is_not_found_under_this_ones_address(world):
    client = world.client_for("service_admin")
    elsewhere = world.away.organisation.pk
    edit_url = reverse("manage:organisation_edit", args=["home", elsewhere])
    remove_url = reverse("manage:organisation_remove", args=["home", elsewhere])
    assert client.get(edit_url).status_code == 404
    assert client.post(remove_url).status_code == 404
    assert Organisation.objects.filter(pk=elsewhere).exists()
    assert not AuditEntry.objects.filter(verb="organisation.delete").exists()
    # At its own partnership's address it is found.
    own = reverse("manage:organisation_edit", args=["away", elsewhere])
    assert client.get(own).status_code == 200
