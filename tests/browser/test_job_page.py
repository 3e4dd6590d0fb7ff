"""A job's page, running and failed, in Chromium: accessible (axe-core), and reloading itself
without JavaScript while the job runs."""

from __future__ import annotations

import re

import pytest

from followup.demo.loader import load_demo
from followup.jobs import views
from followup.jobs.models import Job
from followup.partnerships.models import Partnership
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with


def test_a_running_and_a_failed_job_page_are_accessible(
    page: Page, transactional_db: None, monkeypatch: pytest.MonkeyPatch
):
    # The live server runs in this process: a long interval keeps the page still under axe.
    monkeypatch.setattr(views, "REFRESH_SECONDS", 600)
    load_demo(PASSWORD)
    partnership = Partnership.objects.get(slug="south-ayrshire")
    running = Job.objects.create(
        partnership=partnership,
        kind=Job.Kind.IMPORT,
        title="Importing 200,000 rows from national.csv",
        state=Job.State.RUNNING,
        done=40_000,
        total=200_000,
        stage="Checking and writing the rows",
    )
    failed = Job.objects.create(
        partnership=partnership,
        kind=Job.Kind.PUBLISH,
        title="Publishing version 1",
        state=Job.State.FAILED,
        message="You no longer have permission to do this. Nothing was changed.",
    )
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"/p/south-ayrshire/jobs/{running.pk}/")
    assert "40,000 of 200,000 rows done: Checking and writing the rows." in page.page.inner_text(
        "main"
    )
    response = page.page.reload()
    assert response is not None and response.headers["refresh"] == "600"
    page.assert_accessible()
    page.page.get_by_role("link", name="Stop checking by itself").click()
    page.page.wait_for_url(re.compile(r"\?refresh=off$"))
    assert "This page no longer checks by itself." in page.page.inner_text("main")
    page.assert_accessible()
    page.goto(f"/p/south-ayrshire/jobs/{failed.pk}/")
    assert "You no longer have permission to do this. Nothing was changed." in (
        page.page.inner_text(".govuk-error-summary")
    )
    assert "checks again" not in page.page.inner_text("main")
    page.assert_accessible()
