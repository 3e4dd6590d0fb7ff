"""Each page a person meets, as the right demo role, in Chromium at 1280 px and at 320 px: no
sideways scroll at 320 px and no axe violation at either width, and, when asked for,
screenshotted for a reviewer to look at. One browser, one sign-in per role.

Screenshots are taken when ``FOLLOWUP_SCREENSHOTS`` names a folder (``test-artifacts/screenshots``,
say, which git ignores): a full-page picture of every page at both widths took about half of
these tests' time on every run, for a folder nobody looked at in CI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from followup.evidence.models import Source
from followup.indicators.models import Indicator
from followup.inspections.models import Inspection
from followup.reports import actions as report_actions
from followup.reviews.models import ProgressReview
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with
WIDTHS = (1280, 320)
SHOTS = os.environ.get("FOLLOWUP_SCREENSHOTS", "")
FOLDER = Path(SHOTS) if SHOTS else None
SLUG = "south-ayrshire"


@pytest.fixture
def demo(demo_site: str) -> dict[str, Any]:
    inspection = Inspection.objects.get(partnership__slug=SLUG)
    return {
        "inspection": inspection,
        "review": ProgressReview.objects.get(inspection=inspection),
        "recommendation": inspection.recommendations.order_by("number").first(),
        "indicator": Indicator.objects.get(partnership__slug=SLUG, code="scotland-looked-after"),
        "source": Source.objects.filter(partnership__slug=SLUG).order_by("pk").first(),
    }


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def look_at(page: Page, name: str, path: str) -> None:
    """Open the page and look at it at each width: screenshot it, check it with axe, and at 320 px check that
    nothing but a table's own region scrolls sideways."""
    if FOLDER is not None:
        FOLDER.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        # The page is loaded once and the window narrowed: the styles answer to the width (media
        # queries), as do GOV.UK Frontend's scripts (they listen for the media query to change).
        page.page.set_viewport_size({"width": width, "height": 900})
        if width == WIDTHS[0]:
            page.goto(path)
            page.page.wait_for_load_state("load")
        if FOLDER is not None:
            page.page.screenshot(path=str(FOLDER / f"{name}-{width}.png"), full_page=True)
        if width == 320:
            sideways = page.page.evaluate(
                "document.scrollingElement.scrollWidth - window.innerWidth"
            )
            assert sideways <= 0, f"{path} scrolls {sideways} px sideways at 320 px"
        page.assert_accessible()


def test_the_pages_of_a_lead_officer_at_1280_and_320_px(demo_page, demo):
    page = demo_page
    if FOLDER is not None:
        print(f"\nScreenshots: {FOLDER}")
    look_at(page, "01-sign-in", "/accounts/login/")
    page.sign_in("lead", PASSWORD)
    p = SLUG
    pages = [
        ("02-partnership-home", url("front:partnership", p)),
        ("03-inspections", url("inspections:list", p)),
        ("04-inspection", url("inspections:detail", p, demo["inspection"].pk)),
        ("05-recommendations", url("front:recommendations", p)),
        ("06-recommendation", url("front:recommendation", p, demo["recommendation"].pk)),
        ("07-plan", url("plans:list", p)),
        ("08-indicators", url("indicators:dashboard", p)),
        ("09-indicator", url("indicators:detail", p, demo["indicator"].pk)),
        ("10-evidence", url("evidence:sources", p)),
        ("11-coding-screen", url("evidence:source", p, demo["source"].pk)),
        ("12-quotes", url("evidence:quotes", p)),
        ("13-reviews", url("reviews:list", p)),
        ("14-search", url("front:search", p) + "?q=looked+after"),
        ("15-import", url("indicators:upload", p)),
        ("16-glossary", url("front:glossary")),
    ]
    for name, path in pages:
        look_at(page, name, path)


def test_the_pages_of_an_inspector_and_the_public_at_1280_and_320_px(
    demo_page, demo, stand_in_documents
):
    page = demo_page
    review, p = demo["review"], SLUG
    page.sign_in("inspector", PASSWORD)
    look_at(page, "20-review", url("reviews:detail", p, review.pk))
    judged = (p, review.pk, demo["recommendation"].pk)
    look_at(page, "21-judgement-form", url("front:judgement_edit", *judged))
    look_at(page, "22-report", url("reports:review", p, review.pk))
    report_actions.publish(User.objects.get(username="inspector"), review=review)
    page.page.context.clear_cookies()  # signed out: the public's view
    look_at(page, "23-public-list", url("reports:public_index"))
    look_at(page, "24-public-page", url("reports:public", p))
    published = review.publications.order_by("-version").first()
    assert published is not None
    look_at(page, "25-public-report", url("reports:public_file", p, published.pk, "html"))
