"""The coding screen and the judgement form in Chromium (#15): the codebook filtered as you type,
a passage coded with two codes in one submit, the judgement form with its evidence; each checked
with axe at 1280 px and at 320 px, where nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest

from followup.evidence.models import Code, Coding, Source
from followup.inspections.models import Inspection
from followup.reviews.models import ProgressReview
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with
FOCUS_GROUP = "Focus group: parents and kinship carers (illustrative)"


@pytest.fixture
def page(demo_page: Page) -> Page:
    return demo_page


def no_sideways_scroll(page: Page) -> None:
    width = page.page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.page.evaluate("window.innerWidth"), f"{page.page.url}: {width} px wide"


def at_320_px(page: Page) -> None:
    page.page.set_viewport_size({"width": 320, "height": 800})
    page.page.reload()
    no_sideways_scroll(page)
    page.assert_accessible()
    page.page.set_viewport_size({"width": 1280, "height": 900})


def test_the_coding_screen_filters_as_you_type_and_codes_a_passage_with_two_codes(page):
    source = Source.objects.get(title=FOCUS_GROUP)
    safe = Code.objects.get(partnership=source.partnership, name="Safe")
    healthy = Code.objects.get(partnership=source.partnership, name="Healthy")
    page.sign_in("contributor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"/p/south-ayrshire/evidence/sources/{source.pk}/")
    page.assert_accessible()
    no_sideways_scroll(page)
    # The text and the codes side by side on a wide screen.
    text_box = page.page.locator("#id_spans_0").bounding_box()
    codes_box = page.page.locator("#codes").bounding_box()
    assert text_box is not None and codes_box is not None
    assert codes_box["x"] > text_box["x"] + 300 and codes_box["y"] < text_box["y"] + 200

    page.page.fill("#code-filter-words", "heal")
    shown = page.page.locator("input[name=codes]:visible")
    assert [shown.nth(k).get_attribute("value") for k in range(shown.count())] == [str(healthy.pk)]
    assert page.page.locator("[data-code-filter-status]").inner_text() == (
        "2 of 31 codes and headings shown."
    )
    page.assert_accessible()
    page.page.fill("#code-filter-words", "")
    assert page.page.locator("input[name=codes]:visible").count() == 26

    first = source.text.index("\n") + 1
    spans = page.page.locator("input[name=spans]")
    values = [spans.nth(k).get_attribute("value") for k in range(spans.count())]
    chosen = next(v for v in values if v and int(v.split("-")[0]) >= first)
    start, end = (int(n) for n in chosen.split("-"))
    page.page.check(f"input[name=spans][value='{chosen}']")
    page.page.check(f"#id_codes_{safe.pk}")
    page.page.check(f"#id_codes_{healthy.pk}")
    with page.page.expect_navigation():
        page.page.click("text=Apply the codes to the ticked sentences")
    assert set(
        Coding.objects.filter(source=source, start=start, end=end).values_list(
            "code__name", flat=True
        )
    ) >= {"Safe", "Healthy"}
    label = page.page.locator(f"label[for='{spans.nth(values.index(chosen)).get_attribute('id')}']")
    named = label.locator(".followup-coded-as").first.inner_text()
    assert "Healthy" in named and "Safe" in named
    assert label.locator("mark").first.inner_text() == source.text[start:end]
    page.assert_accessible()
    at_320_px(page)


def test_the_coding_screen_filters_without_javascript(browser, demo_site):
    source = Source.objects.get(title=FOCUS_GROUP)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    plain = Page(context.new_page(), demo_site)
    try:
        plain.sign_in("contributor", PASSWORD)
        plain.goto(f"/p/south-ayrshire/evidence/sources/{source.pk}/")
        plain.page.fill("#code-filter-words", "safe")
        with plain.page.expect_navigation():
            plain.page.click("#codes button:text('Filter')")
        assert "filter=safe" in plain.page.url
        labels = plain.page.locator("input[name=codes] + label")
        assert [labels.nth(k).inner_text() for k in range(labels.count())] == ["Safe"]
    finally:
        context.close()


def test_the_judgement_form_shows_the_evidence_and_is_accessible_at_both_widths(page):
    inspection = Inspection.objects.get(partnership__slug="south-ayrshire")
    review = ProgressReview.objects.get(inspection=inspection)
    recommendation = inspection.recommendations.order_by("number").first()
    assert recommendation is not None
    page.sign_in("inspector", PASSWORD)
    page.goto(f"/p/south-ayrshire/reviews/{review.pk}/judgements/{recommendation.pk}/")
    for heading in (
        "The progress scale",
        "Actions and their latest updates",
        "Indicators and what they show",
        "Themes in what people said",
        "Approved quotes",
    ):
        assert page.page.locator(f"h3:text('{heading}')").count() == 1
    form = page.page.locator("main form[method=post]").bounding_box()
    evidence = page.page.locator(".followup-judgement-evidence").bounding_box()
    assert form is not None and evidence is not None
    assert evidence["x"] > form["x"] + 300  # beside the fields
    page.assert_accessible()
    no_sideways_scroll(page)
    at_320_px(page)
