"""A long source is shown a page at a time (#11): the pages and their links are accessible, and
words selected on a later page are coded at their places in the whole text."""

from __future__ import annotations

import re

from followup.evidence.models import Code, Coding, Source
from followup.partnerships.models import Partnership
from tests.browser.test_pages import PASSWORD, demo, page  # noqa: F401 (the fixtures)


def test_words_selected_on_a_later_page_are_coded_at_their_place_in_the_whole_text(page, demo):  # noqa: F811
    partnership = Partnership.objects.get(slug="south-ayrshire")
    filler = "These are ordinary words of a long note, written to fill a page of the source. "
    text = filler * 130 + "Caseloads are too high 📈 here. " + "More. " * 10
    source = Source.objects.create(
        partnership=partnership, title="Long note", kind="document", text=text
    )
    code = Code.objects.create(partnership=partnership, name="Workload")
    page.sign_in("contributor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"/p/south-ayrshire/evidence/sources/{source.pk}/")
    assert "Page 1 of 2 of the text" in page.page.locator("#text-page").inner_text()
    page.assert_accessible()
    page.page.click("nav[aria-label='Pages of the text'] >> text=Next")
    page.page.wait_for_url(re.compile(r"\?page=2$"))
    page.page.evaluate(
        """(words) => {
            const node = document.querySelector('[data-source-text]').firstChild;
            const at = node.data.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        "too high 📈",
    )
    page.page.locator("[data-selection-preview]").filter(has_text="too high").wait_for()
    page.page.check(f"input[name=codes][value='{code.pk}']")
    page.assert_accessible()
    with page.page.expect_navigation():
        page.page.click("text=Code the selected words")
    assert page.page.url.endswith(f"/evidence/sources/{source.pk}/?page=2")
    coding = Coding.objects.get(source=source, code=code)
    assert (coding.start, coding.end) == (text.index("too high"), text.index("too high") + 10)
    assert coding.excerpt == "too high 📈"


def test_pages_of_excerpts_and_of_codings_are_accessible(page, demo):  # noqa: F811
    partnership = Partnership.objects.get(slug="south-ayrshire")
    source = Source.objects.create(
        partnership=partnership, title="Much coded", kind="document", text="Words. " * 150
    )
    code = Code.objects.create(partnership=partnership, name="Everywhere")
    Coding.objects.bulk_create(
        Coding(source=source, code=code, start=7 * (k % 140), end=7 * (k % 140) + 6 - k // 140)
        for k in range(250)
    )
    page.sign_in("contributor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"/p/south-ayrshire/evidence/sources/{source.pk}/")
    page.assert_accessible()
    page.page.click("nav[aria-label='Pages of the codings'] >> [aria-label='Page 3']")
    page.page.wait_for_url(re.compile(r"\?codings=3#codings$"))
    assert "250 codings: page 3 of 3." in page.page.content()
    page.goto(f"/p/south-ayrshire/evidence/excerpts/?code={code.pk}")
    page.assert_accessible()
    page.page.click("nav[aria-label='Pages of excerpts'] >> text=Next")
    page.page.wait_for_url(re.compile(rf"\?code={code.pk}&page=2$"))
    assert "250 excerpts: page 2 of 2, 201 to 250." in page.page.content()
    page.assert_accessible()
