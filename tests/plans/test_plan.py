from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from followup.plans import actions
from followup.plans.models import ActionUpdate
from followup.plans.queries import plan_summary
from tests import factories as f
from tests.submissions import key


def test_contributor_adds_an_update_and_it_waits_for_acceptance_without_changing_the_status(
    world,
):
    url = f"/p/home/actions/{world.home.action.pk}/updates/"
    response = world.client_for("contributor").post(
        url,
        {
            **key(world.users["contributor"]),
            "on": "2024-02-29",
            "status": "complete",
            "rating": "on_track",
            "note": "Finished the work.",
        },
    )
    assert response.status_code == 302
    updates = list(
        world.home.action.updates.order_by("on").values_list(
            "on", "note", "author_name", "decision__outcome"
        )
    )
    assert updates == [
        (datetime.date(2017, 6, 1), "Update about Homeshire", "", "accepted"),
        (datetime.date(2024, 2, 29), "Finished the work.", "contributor", None),
    ]
    world.home.action.refresh_from_db()
    assert world.home.action.status == "in_progress"
    page = world.client_for("viewer").get(f"/p/home/actions/{world.home.action.pk}/")
    html = page.content.decode()
    assert "Finished the work." in html
    assert '<strong class="govuk-tag govuk-tag--purple">Waiting for acceptance</strong>' in html


def test_an_older_update_added_later_does_not_change_the_actions_status(world):
    actions.add_update(
        world.users["lead"],
        world.home.action,
        {
            "on": datetime.date(2016, 1, 1),
            "status": "not_started",
            "rating": "on_track",
            "note": "Backfilled.",
        },
    )
    world.home.action.refresh_from_db()
    assert world.home.action.status == "in_progress"


def test_action_updates_cannot_be_edited(world):
    update = world.home.update
    update.note = "Rewritten history"
    with pytest.raises(ValueError):
        update.save()
    assert ActionUpdate.objects.get(pk=update.pk).note == "Update about Homeshire"


def test_update_form_rejects_a_future_date_and_an_empty_note_with_messages_at_the_fields(world):
    url = f"/p/home/actions/{world.home.action.pk}/updates/"
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = world.client_for("contributor").post(
        url, {"on": future, "status": "bogus", "rating": "on_track", "note": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_on">Date of the update must be today or in the past</a>' in html
    assert '<a href="#id_status_0">Choose status from the list</a>' in html
    assert '<a href="#id_note">Enter what has happened</a>' in html
    assert world.home.action.updates.count() == 1


def test_viewer_cannot_add_an_update(world):
    with pytest.raises(PermissionDenied):
        actions.add_update(
            world.users["viewer"],
            world.home.action,
            {
                "on": datetime.date(2024, 1, 1),
                "status": "complete",
                "rating": "on_track",
                "note": "x",
            },
        )


def test_outsider_cannot_add_an_update_and_is_told_it_does_not_exist(world):
    with pytest.raises(Http404):
        actions.add_update(
            world.users["outsider"],
            world.home.action,
            {
                "on": datetime.date(2024, 1, 1),
                "status": "complete",
                "rating": "on_track",
                "note": "x",
            },
        )
    assert world.home.action.updates.count() == 1


def test_an_action_cannot_answer_another_partnerships_recommendation(world):
    with pytest.raises(ValidationError) as caught:
        actions.create_action(
            world.users["lead"],
            world.home.partnership,
            {
                "title": "Sneaky",
                "status": "not_started",
                "recommendations": [world.away.recommendation],
            },
        )
    assert "recommendations" in caught.value.message_dict


def test_action_form_rejects_a_due_date_before_the_start(world):
    response = world.client_for("editor").post(
        "/p/home/actions/new/",
        {
            "title": "Dated",
            "status": "not_started",
            "start_date": "2024-05-01",
            "due_date": "2024-04-01",
        },
    )
    assert response.status_code == 200
    assert "Due date must be on or after the start date" in response.content.decode()


def test_plan_summary_lists_the_open_actions_past_their_due_date(world):
    partnership = world.home.partnership
    late = f.ActionFactory(
        partnership=partnership,
        title="Late",
        status="in_progress",
        due_date=datetime.date(2020, 1, 1),
    )
    f.ActionFactory(
        partnership=partnership,
        title="Done late",
        status="complete",
        due_date=datetime.date(2020, 1, 1),
    )
    summary = plan_summary(partnership, today=datetime.date(2024, 1, 1))
    assert summary.overdue == [late]
    assert summary.illustrative is False
