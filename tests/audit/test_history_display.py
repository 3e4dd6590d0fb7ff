"""The history on each page says what changed as a reader would: the form's names for fields,
choices by their labels, "(empty)" for nothing, and for links what was added and removed."""

from __future__ import annotations

import datetime
import html
import re

from django.urls import reverse

from followup.audit.display import Line, lines
from followup.plans import actions
from tests import factories as f
from tests.conftest import World


def history_of(world: World) -> list[str]:
    """The changes listed in the action page's history, newest first, as read on the page."""
    url = reverse("plans:detail", args=["home", world.home.action.pk])
    page = world.client_for("lead").get(url).content.decode()
    table = page.split("History of changes", 1)[1]
    items = re.findall(r"<li><strong>(.*?)</strong>: (.*?)</li>", table, flags=re.S)
    return [html.unescape(f"{label}: {text}") for label, text in items]


def test_adding_and_removing_recommendations_shows_what_was_added_and_removed(
    world: World,
) -> None:
    action = world.home.action
    long = "Improve early intervention and prevention for families living in deprivation " * 2
    second = f.RecommendationFactory(inspection=world.home.inspection, number=2, text=long)
    third = f.RecommendationFactory(inspection=world.home.inspection, number=3, text="Listen.")
    lead = world.users["lead"]
    actions.update_action(lead, action, {"recommendations": [world.home.recommendation, second]})
    actions.update_action(lead, action, {"recommendations": [second, third]})
    assert history_of(world)[:2] == [
        "Recommendations: added: “3. Listen.”; removed: “1. Improve planning in Homeshire”",
        f"Recommendations: added: “{('2. ' + long)[:119]}…”",
    ]


def test_field_names_choices_dates_and_empty_values_are_said_as_a_reader_would(
    world: World,
) -> None:
    action = world.home.action
    lead = world.users["lead"]
    actions.update_action(
        lead, action, {"lead_person": "Head of Children's Services", "status": "on_hold"}
    )
    actions.update_action(lead, action, {"due_date": None})
    # Fields in the form's order, whatever order the database keeps the entry's keys in.
    assert history_of(world)[:3] == [
        "Due date: 1 January 2030 → (empty)",
        "Lead person: (empty) → Head of Children's Services",
        "Status: In progress → On hold",
    ]


def test_a_new_update_is_listed_with_the_names_its_form_uses(world: World) -> None:
    """The lead's update is accepted as it is written, and so changes the status at once."""
    actions.add_update(
        world.users["lead"],
        world.home.action,
        {
            "on": datetime.date(2024, 2, 29),
            "status": "on_hold",
            "rating": "at_risk",
            "note": "Paused.",
        },
    )
    shown = history_of(world)
    for line in (
        "Date of the update: (empty) → 29 February 2024",
        "Progress against plan: (empty) → At risk",
        "What has happened: (empty) → Paused.",
        "Status: In progress → On hold",
    ):
        assert line in shown


def test_links_removed_by_a_deletion_and_fields_no_model_has_are_still_readable() -> None:
    assert lines("plans.action", {"recommendations": ["2. Improve early intervention", None]}) == [
        Line(label="Recommendations", removed=["2. Improve early intervention"], is_list=True)
    ]
    assert lines(
        "evidence.code", {"codings_moved": [None, 2], "merged": ["Heard", "Respected"]}
    ) == [
        Line(label="Codings moved", old="(empty)", new="2"),
        Line(label="Merged", old="Heard", new="Respected"),
    ]
    assert lines("cli.command", {"command": [None, "followup manage shell"]}) == [
        Line(label="Command", old="(empty)", new="followup manage shell")
    ]
    assert lines("indicators.indicator", {"wellbeing": [["Safe"], ["Nurtured", "Safe"]]}) == [
        Line(label="Wellbeing", added=["Nurtured"], is_list=True)
    ]
    assert lines("plans.action", {"is_illustrative": [False, True], "title": ["", "New"]}) == [
        Line(label="Title", old="(empty)", new="New"),
        Line(label="Is illustrative", old="No", new="Yes"),
    ]
