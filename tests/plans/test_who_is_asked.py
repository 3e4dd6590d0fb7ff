"""Who is asked for an action's updates is chosen on the action's form (#17): a member of the
partnership who can add updates, never a viewer or someone of another partnership."""

from __future__ import annotations

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.plans.actions import update_action
from tests.browserlike import edit, page_form


def _url(world) -> str:
    return reverse("plans:edit", args=["home", world.home.action.pk])


def test_a_lead_chooses_who_is_asked_for_an_actions_updates_on_its_form(world):
    contributor = world.users["contributor"]
    response = edit(world.client_for("lead"), _url(world), {"lead_user": str(contributor.pk)})
    assert response.status_code == 302
    action = world.home.action
    action.refresh_from_db()
    assert action.lead_user == contributor
    entry = AuditEntry.objects.filter(verb="action.update").latest("id")
    assert entry.changes["lead_user"][1] == "contributor"
    page = world.client_for("lead").get(reverse("plans:detail", args=["home", action.pk]))
    assert "Asked for its updates" in page.content.decode()


def test_only_members_who_can_add_updates_are_offered(world):
    form = page_form(world.client_for("lead").get(_url(world)).content.decode())
    assert "lead_user" in form.names()
    html = world.client_for("lead").get(_url(world)).content.decode()
    for offered in ("lead", "editor", "contributor"):
        assert f'value="{world.users[offered].pk}"' in html
    for refused in ("viewer", "outsider", "inspector"):
        assert f'value="{world.users[refused].pk}"' not in html


def test_an_outsider_or_a_viewer_posted_as_who_is_asked_is_refused_naming_the_field(world):
    for who in ("outsider", "viewer"):
        response = edit(
            world.client_for("lead"), _url(world), {"lead_user": str(world.users[who].pk)}
        )
        assert response.status_code == 200
        assert "Who is asked for its updates" in response.content.decode()
        assert "govuk-error-summary" in response.content.decode()
    world.home.action.refresh_from_db()
    assert world.home.action.lead_user is None


def test_the_action_refuses_someone_who_cannot_add_updates_whatever_the_form_says(world):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        update_action(world.users["lead"], world.home.action, {"lead_user": world.users["viewer"]})
    assert "lead_user" in refused.value.message_dict
