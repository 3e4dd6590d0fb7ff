"""The update cycle's pages (#17): the schedule, set through its form as a browser sends it and
refused with errors naming the field whatever is typed; the rounds and their record of messages;
and who may see them (a viewer is refused, an outsider told they do not exist)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.lib.types import CommandLine
from followup.mail.models import Message
from followup.plans.actions_cycle import set_cycle
from followup.plans.cycle_tick import run_cycle
from followup.plans.models import CycleDate, UpdateCycle, UpdateRound
from tests.browserlike import change, edit, page_form, submit
from tests.conftest import World
from tests.plans.cycling import OPENS, D, Move, Scene

SCHEDULE = "/p/home/plan/schedule/"
REQUESTS = "/p/home/plan/requests/"


def errors(response: Any) -> list[str]:
    """The error summary's messages, in order."""
    html = response.content.decode()
    summary = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [unescape(text) for text in re.findall(r'<a href="#[^"]*">([^<]*)</a>', summary)]


def test_a_lead_sets_a_quarterly_schedule_through_the_form(world: World, today: Move) -> None:
    today(D(2026, 2, 1))
    client = world.client_for("lead")
    response = edit(
        client,
        SCHEDULE,
        {
            "is_active": "on",
            "kind": "quarterly",
            "first_due_on_day": "31",
            "first_due_on_month": "3",
            "first_due_on_year": "2026",
            "opens_days_before": "21",
            "remind_before": "7, 1",
            "remind_after": "3 10",
            "escalate_after": "14",
        },
    )
    assert (response.status_code, response["Location"]) == (302, REQUESTS)
    cycle = UpdateCycle.objects.get(partnership=world.home.partnership)
    assert (
        cycle.is_active,
        cycle.kind,
        cycle.first_due_on,
        cycle.opens_days_before,
        cycle.remind_before,
        cycle.remind_after,
        cycle.escalate_after,
    ) == (True, "quarterly", D(2026, 3, 31), 21, [7, 1], [3, 10], 14)
    (entry,) = AuditEntry.objects.filter(verb="update_cycle.create")
    assert (entry.actor_name, entry.changes["first_due_on"]) == ("lead", [None, "2026-03-31"])
    page = client.get(REQUESTS).content.decode()
    assert "Updates are due quarterly, from 31 March 2026." in page
    assert (
        "Next due date: <strong>31 March 2026</strong>. Its requests go out on 10 March 2026."
        in page
    )
    # Saved again as shown, nothing changes and nothing is recorded.
    entries = AuditEntry.objects.count()
    assert edit(client, SCHEDULE, {}).status_code == 302
    assert AuditEntry.objects.count() == entries


def test_an_editor_sets_dates_of_the_partnerships_own(world: World, today: Move) -> None:
    today(D(2026, 2, 1))
    client = world.client_for("editor")
    response = edit(
        client,
        SCHEDULE,
        {
            "is_active": "on",
            "kind": "dates",
            "dates": "24 March 2026\n2026-06-02\n\n15/09/2026\n24 Mar 2026",
        },
    )
    assert response.status_code == 302
    cycle = UpdateCycle.objects.get(partnership=world.home.partnership)
    assert list(cycle.dates.values_list("due_on", flat=True)) == [
        D(2026, 3, 24),
        D(2026, 6, 2),
        D(2026, 9, 15),
    ]
    (entry,) = AuditEntry.objects.filter(verb="update_cycle.dates")
    assert entry.changes == {"dates": [[], ["2026-03-24", "2026-06-02", "2026-09-15"]]}
    # Shown as people write them, and saved again unchanged, they stay.
    form = page_form(client.get(SCHEDULE).content.decode())
    assert form.data()["dates"] == ["24 March 2026\r\n2 June 2026\r\n15 September 2026"]
    assert edit(client, SCHEDULE, {"dates": "2 June 2026\n15 September 2026"}).status_code == 302
    assert list(CycleDate.objects.values_list("due_on", flat=True)) == [
        D(2026, 6, 2),
        D(2026, 9, 15),
    ]


def test_the_form_of_a_partnership_without_a_schedule_sent_as_shown_saves_nothing(
    world: World,
) -> None:
    client = world.client_for("lead")
    form = page_form(client.get(SCHEDULE).content.decode())
    assert "is_active" not in form.names()  # off until ticked
    response = submit(client, SCHEDULE, form)
    assert (response.status_code, response["Location"]) == (302, REQUESTS)
    assert not UpdateCycle.objects.exists()
    assert not AuditEntry.objects.filter(verb__startswith="update_cycle").exists()


def test_a_saved_first_due_date_in_the_past_may_be_kept_but_not_newly_given(
    world: World, today: Move
) -> None:
    UpdateCycle.objects.create(
        partnership=world.home.partnership, kind="monthly", first_due_on=D(2025, 1, 31)
    )
    today(D(2026, 2, 1))
    client = world.client_for("lead")
    assert edit(client, SCHEDULE, {"escalate_after": "20"}).status_code == 302
    assert UpdateCycle.objects.get().escalate_after == 20
    response = edit(client, SCHEDULE, {"first_due_on_year": "2024"})
    assert errors(response) == ["The first due date must be today or in the future"]


HOSTILE: list[tuple[dict[str, str], list[str]]] = [
    (
        {"opens_days_before": "-3"},
        ["Days before the due date that the requests go out must be a whole number from 1 to 90"],
    ),
    (
        {"opens_days_before": "10000"},
        ["Days before the due date that the requests go out must be a whole number from 1 to 90"],
    ),
    (
        {"opens_days_before": "1e3"},
        ["Days before the due date that the requests go out must be a whole number from 1 to 90"],
    ),
    (
        {"escalate_after": "99999999999999999999999"},
        ["Days after the due date to tell the lead officers must be a whole number from 1 to 120"],
    ),
    (
        {"remind_before": "10000"},
        [
            "Reminders before the due date must be whole numbers of days from 1 to 90, for example 7, 1"
        ],
    ),
    (
        {"remind_before": "-1"},
        [
            "Reminders before the due date must be whole numbers of days from 1 to 90, for example 7, 1"
        ],
    ),
    (
        {"remind_after": "3, ³"},
        [
            "Reminders after the due date must be whole numbers of days from 1 to 120, for example 7, 1"
        ],
    ),
    (
        {"remind_after": "1 2 3 4 5 6"},
        ["Reminders after the due date: give at most 5 numbers of days"],
    ),
    ({"remind_after": "9" * 101}, ["Reminders after the due date must be 100 characters or fewer"]),
    (
        {"remind_before": "20"},
        [
            "Reminders before the due date must come after the requests go out, so fewer days before it than 14"
        ],
    ),
    (
        {"remind_after": "30"},
        [
            "Days after the due date to tell the lead officers must be more than the last reminder's, 30"
        ],
    ),
    (
        {"is_active": "on", "kind": "monthly"},
        ["Enter the first due date of a monthly or quarterly schedule"],
    ),
    ({"is_active": "on", "kind": "dates"}, ["Enter at least one due date of your own"]),
    ({"kind": "weekly"}, ["Choose when updates are due from the list"]),
    (
        {"first_due_on_day": "31", "first_due_on_month": "2", "first_due_on_year": "2026"},
        ["First due date must be a real date, for example 27 March 2024"],
    ),
    (
        {"first_due_on_day": "1", "first_due_on_month": "1", "first_due_on_year": "2020"},
        ["The first due date must be today or in the future"],
    ),
    (
        {"first_due_on_day": "1", "first_due_on_month": "1", "first_due_on_year": "99999"},
        ["First due date must have a year with 4 numbers, for example 2024"],
    ),
    (
        {"dates": "24 March 2026\nnot a date"},
        [
            "The date on line 2 of due dates of your own must be a real date, for example 24 March 2026"
        ],
    ),
    (
        {"dates": "1 January 2020"},
        ["Due dates must be today or in the future: 1 January 2020 is not"],
    ),
    (
        {"dates": "\n".join(f"{n % 28 + 1} March {2030 + n // 28}" for n in range(61))},
        ["Due dates of your own: give at most 60 dates"],
    ),
    ({"dates": "9" * 2001}, ["Due dates of your own must be 2000 characters or fewer"]),
    ({"dates": "31/02/2027\x00"}, ["Due dates of your own must not hold a null character"]),
    (
        {"dates": "31/02/2027"},
        [
            "The date on line 1 of due dates of your own must be a real date, for example 24 March 2026"
        ],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), HOSTILE)
def test_a_hostile_schedule_is_refused_with_errors_naming_the_field_never_a_server_error(
    world: World, today: Move, changes: dict[str, str], expected: list[str]
) -> None:
    today(D(2026, 2, 1))
    response = edit(world.client_for("lead"), SCHEDULE, dict(changes))
    assert response.status_code == 200
    assert errors(response) == expected
    assert not UpdateCycle.objects.exists()


def test_the_rounds_and_their_messages_are_on_the_record_for_those_who_edit_the_plan(
    scene: Scene, today: Move
) -> None:
    today(OPENS)
    run_cycle(CommandLine("tests"))
    round_ = UpdateRound.objects.get()
    client = scene.world.client_for("editor")
    listing = client.get(REQUESTS).content.decode()
    assert f'href="/p/home/plan/requests/{round_.pk}/">31 March 2026</a>' in listing
    page = client.get(f"/p/home/plan/requests/{round_.pk}/").content.decode()
    assert "No one to ask" in page
    assert page.count("Waiting for an update") == 3
    for message in Message.objects.all():
        assert message.subject in page
        assert message.to_address in page
    assert page.count("locmem") == 3


@pytest.mark.parametrize("who", ["viewer", "contributor", "inspector"])
def test_members_who_do_not_edit_the_plan_are_refused_its_cycle_pages(
    scene: Scene, today: Move, who: str
) -> None:
    today(OPENS)
    run_cycle(CommandLine("tests"))
    round_ = UpdateRound.objects.get()
    client = scene.world.client_for(who)
    for url in (SCHEDULE, REQUESTS, f"/p/home/plan/requests/{round_.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(SCHEDULE, {}).status_code == 403


def test_an_outsider_gets_404_for_every_page_of_another_partnerships_cycle(
    scene: Scene, today: Move
) -> None:
    today(OPENS)
    run_cycle(CommandLine("tests"))
    round_ = UpdateRound.objects.get()
    outsider = scene.world.client_for("outsider")
    for url in (SCHEDULE, REQUESTS, f"/p/home/plan/requests/{round_.pk}/"):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(SCHEDULE, {"kind": "monthly"}).status_code == 404
    # Home's round under the outsider's own partnership is not found either.
    url = reverse("plans:round", args=["away", round_.pk])
    assert outsider.get(url).status_code == 404
    assert not UpdateCycle.objects.filter(partnership=scene.world.away.partnership).exists()


def test_the_plan_links_those_who_edit_it_to_its_update_requests(world: World) -> None:
    link = 'href="/p/home/plan/requests/"'
    assert link in world.client_for("editor").get("/p/home/plan/").content.decode()
    assert link not in world.client_for("viewer").get("/p/home/plan/").content.decode()


def test_a_schedule_saved_by_someone_else_since_the_form_was_opened_is_not_overwritten(
    world: World, today: Move
) -> None:
    today(D(2026, 2, 1))
    lead, editor = world.client_for("lead"), world.client_for("editor")
    form = page_form(lead.get(SCHEDULE).content.decode())
    assert edit(editor, SCHEDULE, {"escalate_after": "30"}).status_code == 302
    response = submit(lead, SCHEDULE, change(form, {"escalate_after": "21"}))
    assert response.status_code == 200
    assert "was changed by editor" in response.content.decode()
    assert UpdateCycle.objects.get().escalate_after == 30


def test_due_dates_saved_by_someone_else_since_the_form_was_opened_are_not_overwritten(
    world: World, today: Move
) -> None:
    """The dates of the partnership's own are rows of their own, not in the form's version: the
    form carries them as shown, and new dates over others saved meanwhile are refused."""
    today(D(2026, 2, 1))
    lead, editor = world.client_for("lead"), world.client_for("editor")
    assert (
        edit(
            lead, SCHEDULE, {"is_active": "on", "kind": "dates", "dates": "24 March 2026"}
        ).status_code
        == 302
    )
    form = page_form(lead.get(SCHEDULE).content.decode())
    assert form.data()["dates_seen"] == ["2026-03-24"]
    assert edit(editor, SCHEDULE, {"dates": "24 March 2026\n2 June 2026"}).status_code == 302
    response = submit(lead, SCHEDULE, change(form, {"dates": "31 March 2026"}))
    assert response.status_code == 200
    assert errors(response) == [
        "Someone else changed the due dates since you opened this page; they are now: "
        "24 March 2026, 2 June 2026. Nothing was saved: check them and save again"
    ]
    assert list(CycleDate.objects.values_list("due_on", flat=True)) == [
        D(2026, 3, 24),
        D(2026, 6, 2),
    ]
    # Read again, the form shows the dates saved, and saving it works.
    again = page_form(response.content.decode())
    assert again.data()["dates_seen"] == ["2026-03-24 2026-06-02"]
    assert submit(lead, SCHEDULE, change(again, {"dates": "31 March 2026"})).status_code == 302
    assert list(CycleDate.objects.values_list("due_on", flat=True)) == [D(2026, 3, 31)]


def test_the_action_refuses_dates_over_others_saved_since_the_form_was_read(
    world: World, today: Move
) -> None:
    """The form checks first; the action checks again under the partnership's lock, for two
    sessions saving in the same moment."""
    today(D(2026, 2, 1))
    lead, partnership = world.users["lead"], world.home.partnership
    fields = {"is_active": True, "kind": "dates", "dates": [D(2026, 3, 24)]}
    set_cycle(lead, partnership, fields)
    with pytest.raises(ValidationError) as refused:
        set_cycle(lead, partnership, {"dates": [D(2026, 4, 1)], "dates_seen": ""})
    assert refused.value.message_dict["dates"] == [
        "Someone else changed the due dates since you opened this page; they are now: "
        "24 March 2026. Nothing was saved: check them and save again"
    ]
    set_cycle(lead, partnership, {"dates": [D(2026, 4, 1)], "dates_seen": "2026-03-24"})
    assert list(CycleDate.objects.values_list("due_on", flat=True)) == [D(2026, 4, 1)]
