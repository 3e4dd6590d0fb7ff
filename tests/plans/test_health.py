"""Plan health (#17): each action's latest rating and the days since its last accepted update,
and the plan's summary on the partnership's home page and at the top of the plan, exact on a
plan built here, on 3 August 2020."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from followup.lib import clock
from followup.partnerships.models import Membership
from followup.plans.health import plan_health
from followup.plans.models import ActionUpdate, UpdateDecision, UpdateRequest, UpdateRound
from tests import factories as f

TODAY = datetime.date(2020, 8, 3)


def update(action: Any, on: str, rating: str, outcome: str | None) -> ActionUpdate:
    made = ActionUpdate.objects.create(
        action=action,
        on=datetime.date.fromisoformat(on),
        status=action.status,
        rating=rating,
        note="Progress note",
    )  # made directly: a factory's update may come accepted
    if outcome is not None:
        UpdateDecision.objects.create(update=made, outcome=outcome)
    return made


@pytest.fixture
def plan(world: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Six actions of a new partnership, with updates accepted, returned and undecided, and
    requests in two rounds; another partnership's overdue request beside them."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    partnership: Any = f.PartnershipFactory(slug="health", name="Healthshire")
    for who, role in (("viewer", "viewer"), ("editor", "editor"), ("lead", "contributor")):
        f.MembershipFactory(user=world.users[who], partnership=partnership, role=role)
    asked = f.OrganisationFactory(partnership=partnership, contact=world.users["lead"])
    unasked = f.OrganisationFactory(partnership=partnership)

    def action(title: str, status: str, **fields: Any) -> Any:
        return f.ActionFactory(partnership=partnership, title=title, status=status, **fields)

    led = action("Led", "in_progress", lead_user=world.users["editor"])
    update(led, "2020-06-01", "at_risk", "accepted")
    update(led, "2020-07-01", "off_track", "accepted")
    update(led, "2020-07-01", "on_track", "accepted")  # the same day, added later: the latest
    update(led, "2020-07-20", "off_track", None)  # waiting for acceptance: not counted
    returned = action("Returned", "in_progress", owner_organisation=asked)
    update(returned, "2020-07-15", "off_track", "returned")
    done = action("Done", "complete", owner_organisation=unasked)
    update(done, "2020-05-01", "off_track", "accepted")
    # Its lead person is a viewer, who adds no updates, and its organisation has no contact.
    unowned = action(
        "Unowned", "not_started", owner_organisation=unasked, lead_user=world.users["viewer"]
    )
    held = action("Held", "on_hold")
    update(held, "2020-08-03", "at_risk", "accepted")
    action("Dropped", "cancelled")
    july = UpdateRound.objects.create(partnership=partnership, due_on=datetime.date(2020, 7, 31))
    august = UpdateRound.objects.create(partnership=partnership, due_on=datetime.date(2020, 8, 14))
    for round_, act, state in (
        (july, led, "pending"),
        (july, returned, "returned"),
        (july, unowned, "submitted"),
        (july, held, "accepted"),
        (august, led, "pending"),
        (august, returned, "returned"),
    ):
        UpdateRequest.objects.create(round=round_, action=act, state=state)
    away = UpdateRound.objects.create(
        partnership=world.away.partnership, due_on=datetime.date(2020, 7, 1)
    )
    UpdateRequest.objects.create(round=away, action=world.away.action, state="pending")
    return {"partnership": partnership, "led": led, "returned": returned, "held": held}


def test_each_actions_health_comes_from_its_latest_accepted_update(plan):
    health = plan_health(plan["partnership"])
    by_title = {
        title: health.actions[pk]
        for pk, title in plan["partnership"].actions.values_list("pk", "title")
    }
    assert {t: (h.rating, h.accepted_on, h.days_since) for t, h in by_title.items()} == {
        "Led": ("on_track", datetime.date(2020, 7, 1), 33),
        "Returned": ("none", None, None),
        "Done": ("complete", datetime.date(2020, 5, 1), 94),
        "Unowned": ("none", None, None),
        "Held": ("at_risk", datetime.date(2020, 8, 3), 0),
        "Dropped": ("cancelled", None, None),
    }
    assert by_title["Done"].label == "Complete"
    assert by_title["Returned"].label == "No accepted update yet"


def test_the_plan_summary_counts_statuses_ratings_overdue_requests_and_actions_without_owner(
    plan,
):
    health = plan_health(plan["partnership"])
    assert (health.total, health.open) == (6, 4)
    assert health.by_status == [
        ("not_started", "Not started", 1),
        ("in_progress", "In progress", 2),
        ("on_hold", "On hold", 1),
        ("complete", "Complete", 1),
        ("cancelled", "Cancelled", 1),
    ]
    assert health.by_rating == [
        ("on_track", "On track", 1),
        ("at_risk", "At risk", 1),
        ("off_track", "Off track", 0),
        ("complete", "Complete", 1),
        ("cancelled", "Cancelled", 1),
        ("none", "No accepted update yet", 2),
    ]
    # July's pending and returned requests; August's are not due yet, and away's is not ours.
    assert health.overdue_requests == 2
    # Unowned (a viewer's lead and an organisation without a contact) and Held (neither lead
    # nor organisation); Dropped has neither but is closed; Led's lead and Returned's
    # organisation's contact (a contributor) may add updates.
    assert health.without_owner == 2


def test_the_summary_reads_twice_however_large_the_plan(plan, django_assert_num_queries):
    with django_assert_num_queries(2):
        plan_health(plan["partnership"])


def test_nobody_is_asked_once_the_lead_persons_membership_ends(world, plan):
    Membership.objects.filter(user=world.users["editor"], partnership=plan["partnership"]).update(
        deactivated_at=timezone.now()
    )
    assert plan_health(plan["partnership"]).without_owner == 3
    plan["partnership"].archived_at = timezone.now()
    plan["partnership"].save()
    assert plan_health(plan["partnership"]).without_owner == 4  # nobody adds updates there


def test_the_days_since_the_last_accepted_update_follow_the_clock(plan, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY + datetime.timedelta(days=10))
    health = plan_health(plan["partnership"])
    assert health.actions[plan["led"].pk].days_since == 43
    assert health.overdue_requests == 2  # August's falls due on the 14th
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2020, 8, 15))
    assert plan_health(plan["partnership"]).overdue_requests == 4


def numbers(html: str, caption: str) -> dict[str, int]:
    table = html.split(caption, 1)[1].split("</table>", 1)[0]
    return {
        label: int(count)
        for label, count in re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]+)</th>'
            r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>',
            table,
        )
    }


@pytest.mark.parametrize("path", ["/p/health/", "/p/health/plan/"])
def test_the_home_page_and_the_plan_show_the_summary_and_say_what_it_counts(world, plan, path):
    html = world.client_for("viewer").get(path).content.decode()
    assert numbers(html, "Actions by status (6 in all)") == {
        "Not started": 1,
        "In progress": 2,
        "On hold": 1,
        "Complete": 1,
        "Cancelled": 1,
    }
    assert numbers(html, "Actions by latest rating (6 in all)") == {
        "On track": 1,
        "At risk": 1,
        "Off track": 0,
        "Complete": 1,
        "Cancelled": 1,
        "No accepted update yet": 2,
    }
    assert numbers(html, "Asking for updates") == {
        "Update requests overdue": 2,
        "Open actions with nobody to ask for updates": 2,
    }
    assert "nobody to ask for its updates when neither its lead person nor its owner" in html
    assert "its due date has passed and no update has been sent" in html


def test_the_plan_shows_each_actions_last_accepted_update_and_the_days_since(world, plan):
    html = world.client_for("viewer").get("/p/health/plan/").content.decode()
    assert "33 days since the last accepted update" in html
    assert "Last accepted update today" in html
    assert "94 days since the last accepted update" in html
    # Two open actions have the rating; a closed one has its status, and the line below it.
    assert html.count("No accepted update yet</strong>") == 2
    assert html.count("No accepted update yet</span>") == 1


def test_an_outsider_sees_no_health_of_another_partnership(world, plan):
    for path in ("/p/health/", "/p/health/plan/"):
        assert world.client_for("outsider").get(path).status_code == 404
