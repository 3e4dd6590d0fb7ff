"""The plan's filters and the import's teaching pages in Chromium, each checked with axe (#15):
filtering the plan without JavaScript's help, the data elements page, and a file kept across a
check that failed on a release name with a control character."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with
BASE = "/p/south-ayrshire"


@pytest.fixture
def page(demo_page: Page) -> Page:
    """A page on a live server with the demo loaded (tests/browser/conftest.py ``demo_site``)."""
    return demo_page


def test_the_plan_filters_and_sorts_from_its_form_and_stays_accessible(page):
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"{BASE}/plan/")
    page.assert_accessible()
    everything = page.page.locator("#plan-table tbody tr").count()
    page.page.select_option("#plan-status", "in_progress")
    page.page.select_option("#plan-sort", "rating")
    page.page.click("text=Show actions")
    page.page.wait_for_url(re.compile(r"status=in_progress.*sort=rating"))
    statuses = page.page.locator("#plan-table tbody tr td:nth-child(5)").all_inner_texts()
    assert statuses and set(statuses) == {"In progress"}
    assert len(statuses) < everything
    assert "sort=rating" in page.page.get_attribute("text=Excel (XLSX)", "href")
    page.assert_accessible()


def test_the_data_elements_page_and_a_file_kept_across_a_failed_check(page, tmp_path):
    figures = tmp_path / "kept.csv"
    figures.write_text(
        "area_code,period,data_element,value\nS12000028,2021-07-31,looked_after_residential,31\n"
    )
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"{BASE}/data/elements/")
    assert "looked_after_residential" in page.page.locator("#elements-table").inner_text()
    page.assert_accessible()
    page.goto(f"{BASE}/data/upload/")
    page.page.set_input_files("#id_file", str(figures))
    page.page.fill("#id_release", "Local return\u0007")
    page.page.click("text=Check the file")
    page.page.wait_for_load_state("load")
    assert "You chose kept.csv. Choose another or check again." in page.page.content()
    page.assert_accessible()
    page.page.fill("#id_release", "Local return, 2021")
    page.page.click("button:has-text('Check again')")
    page.page.wait_for_url(re.compile(r"/data/uploads/\d+/$"))
    assert page.page.locator("h1").inner_text() == "Check what will change"
    assert "looked_after_residential" in page.page.locator("#new-rows").inner_text()
    page.assert_accessible()
