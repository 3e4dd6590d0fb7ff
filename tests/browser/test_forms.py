"""Forms keep what they hold, in a real browser: several recommendations ticked on an action
are all there after saving, saving again unchanged keeps them, and a stale save is refused with
what changed shown and the user's own change kept."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from followup.demo.loader import load_demo
from followup.inspections.models import Recommendation
from followup.plans import actions
from followup.plans.models import Action
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with


@pytest.fixture
def action(transactional_db):
    load_demo(PASSWORD)
    return Action.objects.filter(
        partnership__slug="south-ayrshire", recommendations__number=1
    ).earliest("pk")


def test_lead_ticks_two_more_recommendations_and_finds_all_after_saving_and_a_stale_save(
    page, action
):
    recommendations = Recommendation.objects.filter(
        inspection__partnership__slug="south-ayrshire"
    ).order_by("number")
    had = set(action.recommendations.values_list("number", flat=True))
    ticked = [r for r in recommendations if r.number not in had][:2]
    assert len(ticked) == 2
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"/p/south-ayrshire/actions/{action.pk}/")
    page.page.click("text=Edit this action")
    page.page.wait_for_url(re.compile(r"/edit/$"))
    boxes = page.page.locator("input[name=recommendations]")
    assert boxes.count() == len(recommendations)
    assert boxes.first.get_attribute("type") == "checkbox"
    for recommendation in ticked:
        page.page.check(f"input[name=recommendations][value='{recommendation.pk}']")
    page.assert_accessible()
    page.page.click("button:has-text('Save')")
    page.page.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
    expected = sorted(had | {r.number for r in ticked})
    assert sorted(action.recommendations.values_list("number", flat=True)) == expected
    text = page.page.locator("main").inner_text()
    for number in expected:
        assert f"Recommendation {number}:" in text
    # Saving again, unchanged, keeps every one of them.
    page.page.click("text=Edit this action")
    page.page.wait_for_url(re.compile(r"/edit/$"))
    assert page.page.locator("input[name=recommendations]:checked").count() == len(expected)
    page.page.click("button:has-text('Save')")
    page.page.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
    assert sorted(action.recommendations.values_list("number", flat=True)) == expected

    # The editor changes the title while the lead has the form open: the lead's save is refused,
    # shows what changed, keeps the lead's own change, and saves once looked at.
    page.page.click("text=Edit this action")
    page.page.wait_for_url(re.compile(r"/edit/$"))
    actions.update_action(User.objects.get(username="editor"), action, {"title": "Editor's title"})
    page.page.fill("#id_due_date", "31")  # GOV.UK's date input: day, month and year
    page.page.fill("#id_due_date_month", "3")
    page.page.fill("#id_due_date_year", "2031")
    page.page.click("button:has-text('Save')")
    summary = page.page.locator(".govuk-error-summary")
    assert "Title was changed by editor" in summary.inner_text()
    assert page.page.input_value("#id_title") == "Editor's title"
    assert [page.page.input_value(f"#id_due_date{part}") for part in ("", "_month", "_year")] == [
        "31",
        "3",
        "2031",
    ]
    assert page.page.locator("input[name=recommendations]:checked").count() == len(expected)
    page.assert_accessible()
    page.page.click("button:has-text('Save')")
    page.page.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
    action.refresh_from_db()
    assert (action.title, action.due_date.isoformat()) == ("Editor's title", "2031-03-31")
    assert sorted(action.recommendations.values_list("number", flat=True)) == expected
