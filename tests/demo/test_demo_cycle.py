"""The demo's update cycle (#17): lead people on the actions, a quarterly cycle whose current
round is a fortnight overdue, each person's "For you" page, and no email yet on the record (the
first ``followup tick`` sends the round's digests)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from followup.demo.cycle import DUE_DAYS_AGO, ROUND
from followup.front.foryou import for_you, for_you_count
from followup.mail.models import Message
from followup.partnerships.models import Partnership
from followup.plans.health import plan_health
from followup.plans.models import (
    CLOSED_STATUSES,
    Action,
    ActionUpdate,
    UpdateCycle,
    UpdateRequest,
)
from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def south(demo_for_module, db) -> Partnership:
    return Partnership.objects.get(slug="south-ayrshire")


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_every_action_of_the_demo_plan_has_a_lead_person_with_an_account(south):
    leads = dict(
        Action.objects.filter(partnership=south).values_list("title", "lead_user__username")
    )
    assert len(leads) == 12 and None not in leads.values()
    assert {asked.title: asked.lead for asked in ROUND} == {
        title: lead for title, lead in leads.items() if title in {a.title for a in ROUND}
    }


def test_the_demo_plan_has_a_quarterly_cycle_with_one_round_overdue_by_a_fortnight(south):
    cycle = UpdateCycle.objects.get(partnership=south)
    assert (cycle.kind, cycle.escalate_after, cycle.is_active) == ("quarterly", 14, True)
    [round_] = south.update_rounds.all()
    loaded_on = timezone.localdate(cycle.created_at)
    assert round_.due_on == loaded_on - datetime.timedelta(days=DUE_DAYS_AGO)
    assert cycle.first_due_on == round_.due_on
    open_actions = Action.objects.filter(partnership=south).exclude(status__in=CLOSED_STATUSES)
    requests = UpdateRequest.objects.filter(round=round_)
    assert sorted(r.action_id for r in requests) == sorted(a.pk for a in open_actions)
    assert sorted(requests.values_list("state", flat=True)) == [
        "accepted",
        "accepted",
        "pending",
        "returned",
        "submitted",
    ]
    [escalated] = requests.filter(escalated_at__isnull=False)
    assert escalated.state == "pending"
    assert all(r.addressee_id == r.action.lead_user_id for r in requests)


def test_only_the_rounds_answer_waits_for_acceptance_and_earlier_updates_are_accepted(south):
    waiting = ActionUpdate.objects.filter(
        action__partnership__slug__in=["south-ayrshire", "glenmorran"], decision__isnull=True
    )
    [update] = waiting
    assert update.request is not None and update.request.state == "submitted"
    assert update.author_name == "contributor"
    returned = ActionUpdate.objects.get(decision__outcome="returned")
    assert returned.decision.reason.startswith("Say how many families")


def test_no_email_of_the_round_is_on_the_record_so_the_first_tick_sends_the_digests(south):
    assert not Message.objects.exists()


def test_each_demo_person_has_their_own_things_waiting_for_them(south):
    from django.contrib.auth.models import User

    def titles(username: str) -> list[tuple[str, str, str]]:
        page = for_you(User.objects.get(username=username))
        return [
            (group.partnership.slug, kind, item.title)
            for group in page.groups
            for kind in ("requests", "acceptances", "quotes", "imports", "records")
            for item in getattr(group, kind)
        ]

    def records(username: str, action: str) -> int:
        return sum(
            1
            for _, kind, title in titles(username)
            if kind == "records" and title.startswith(action)
        )

    quote = [
        ("south-ayrshire", "quotes", title)
        for _, _, title in titles("inspector")
        if title.startswith("“")
    ]
    assert len(quote) == 1
    assert titles("lead") == [
        (
            "south-ayrshire",
            "acceptances",
            "Target literacy and numeracy support at schools in the most deprived areas",
        ),
        *quote,
    ]
    assert titles("editor") == [
        (
            "south-ayrshire",
            "requests",
            "Align resources across partners through a joint resource group",
        )
    ]
    assert titles("contributor") == [
        (
            "south-ayrshire",
            "requests",
            "Provide intensive family support to prevent young people being accommodated",
        )
    ]
    # The demo's pair: of the 40 records shared with it, 30 read by both and 25 moderated.
    assert (records("inspector", "Read"), records("inspector", "Moderate")) == (10, 5)
    assert (records("reader", "Read"), records("reader", "Moderate")) == (10, 0)
    assert [t for t in titles("inspector") if t[1] != "records"] == quote
    assert titles("viewer") == titles("outsider") == []
    for username in ("lead", "editor", "contributor", "viewer", "inspector", "reader", "outsider"):
        assert for_you_count(User.objects.get(username=username)) == len(titles(username))


def test_the_editors_page_says_the_request_is_overdue_by_the_days_since_its_due_date(south):
    html = signed_in("editor").get("/for-you/").content.decode()
    assert f"Overdue by {DUE_DAYS_AGO} days" in html
    assert 'For you<span class="govuk-visually-hidden">:</span> (1<span' in html


def test_the_demo_plans_health_counts_its_round(south):
    health = plan_health(south)
    assert health.overdue_requests == 2  # the returned update and the one never sent
    assert health.without_owner == 0
    assert dict((k, n) for k, _, n in health.by_rating) == {
        "on_track": 2,
        "at_risk": 2,
        "off_track": 1,
        "complete": 7,
        "cancelled": 0,
        "none": 0,
    }


def test_the_first_tick_after_loading_sends_the_rounds_emails_and_the_next_sends_nothing(south):
    from followup.lib.types import CommandLine
    from followup.plans.cycle_tick import run_cycle

    first = run_cycle(CommandLine("tests"))
    sent = Message.objects.order_by("kind", "to_user__username")
    assert [(m.kind, m.to_user.username, m.state) for m in sent if m.to_user] == [
        ("digest", "contributor", "sent"),
        ("digest", "editor", "sent"),
        ("escalation", "lead", "sent"),
    ]
    # The returned update's request, waiting again since the escalation day, is escalated now.
    assert first.escalated == 1
    assert UpdateRequest.objects.filter(escalated_at__isnull=False).count() == 2
    again = run_cycle(CommandLine("tests"))
    assert (again.rounds, again.escalated, sum(again.messages.values())) == (0, 0, 0)
    assert Message.objects.count() == 3
