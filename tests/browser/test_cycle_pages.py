"""The update cycle's pages in a browser (#17), each checked with axe: the update requests page,
the schedule's form with its errors and saved, a round with its messages, and a person's
notification settings."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from followup.lib.types import CommandLine
from followup.plans.cycle_tick import run_cycle
from followup.plans.models import Action, UpdateCycle, UpdateRound
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with
BASE = "/p/south-ayrshire/plan"


@pytest.fixture
def page(demo_page: Page) -> Page:
    return demo_page


def test_the_update_cycle_pages_are_accessible_empty_in_error_and_full(page: Page) -> None:
    # The demo's plan has a schedule, a round and lead people of its own (demo.cycle): without
    # them the page starts empty, and the lead officer is sent the requests nobody else is asked.
    UpdateCycle.objects.filter(partnership__slug="south-ayrshire").delete()
    UpdateRound.objects.filter(partnership__slug="south-ayrshire").delete()
    Action.objects.filter(partnership__slug="south-ayrshire").update(lead_user=None)
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"{BASE}/")
    page.page.click("text=Update requests and their schedule")
    page.page.wait_for_url(re.compile(r"/plan/requests/$"))
    page.assert_accessible()
    page.page.click("text=Set the schedule")
    page.page.wait_for_url(re.compile(r"/plan/schedule/$"))
    page.assert_accessible()
    page.page.check("#id_is_active")
    page.page.check("#id_kind_0")  # monthly
    page.page.fill("#id_remind_before", "10000")
    page.page.click("text=Save")
    page.page.locator(".govuk-error-summary").wait_for(state="visible", timeout=15_000)
    summary = page.page.locator(".govuk-error-summary").inner_text()
    assert "Enter the first due date of a monthly or quarterly schedule" not in summary
    assert "Reminders before the due date must be whole numbers of days from 1 to 90" in summary
    page.assert_accessible()
    due = datetime.date.today() + datetime.timedelta(days=10)
    page.page.fill("#id_remind_before", "7")
    page.page.fill("#id_first_due_on", str(due.day))
    page.page.fill("#id_first_due_on_month", str(due.month))
    page.page.fill("#id_first_due_on_year", str(due.year))
    page.page.click("text=Save")
    page.page.wait_for_url(re.compile(r"/plan/requests/$"))
    assert "Update schedule saved." in page.page.locator(".govuk-notification-banner").inner_text()
    page.assert_accessible()
    run_cycle(CommandLine("browser-test"))  # opens the round due in ten days, and mails it
    round_ = UpdateRound.objects.get(partnership__slug="south-ayrshire")
    page.goto(f"{BASE}/requests/")
    page.page.click(f"a[href='{BASE}/requests/{round_.pk}/']")
    page.page.wait_for_url(re.compile(r"/plan/requests/\d+/$"))
    page.page.locator("details summary").first.click()  # an email as it was sent
    page.assert_accessible()
    page.goto("/account/")
    page.page.click("text=Change notification settings")
    page.page.wait_for_url(re.compile(r"/account/notifications/$"))
    assert page.page.locator("table").count() == 1  # the lead's own message
    page.assert_accessible()
    page.page.check("#id_how_1")  # digests only
    page.page.click("text=Save")
    page.page.wait_for_url(re.compile(r"/account/notifications/$"))
    page.assert_accessible()


def test_the_notification_settings_with_an_error_are_accessible(page: Page, demo_site: Any) -> None:
    page.sign_in("contributor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto("/account/notifications/")
    page.assert_accessible()
    # A choice no browser could send: the form says what to do.
    page.page.evaluate("document.querySelector('#id_how_0').value = 'sometimes'")
    page.page.click("text=Save")
    page.page.locator(".govuk-error-summary").wait_for(state="visible", timeout=15_000)
    page.assert_accessible()
