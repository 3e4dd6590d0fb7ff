"""Sign in, open the inspection, add an action update: each page checked with axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from followup.indicators.models import Indicator
from followup.inspections.models import Inspection
from followup.plans.models import Action
from followup.reports import packrender
from followup.reviews.models import ProgressReview
from tests import factories as f
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with


@pytest.fixture
def page(demo_page: Page) -> Page:
    """A page on a live server with the demo loaded (tests/browser/conftest.py ``demo_site``)."""
    return demo_page


@pytest.fixture
def demo(demo_site: str) -> dict[str, Any]:
    inspection = Inspection.objects.get(partnership__slug="south-ayrshire")
    return {
        "inspection": inspection,
        "review": ProgressReview.objects.get(inspection=inspection),
        "action": Action.objects.filter(partnership__slug="south-ayrshire").order_by("pk").first(),
        "recommendation": inspection.recommendations.order_by("number").first(),
        "evaluation": inspection.evaluations.first(),
        "indicator": Indicator.objects.get(
            partnership__slug="south-ayrshire", code="scotland-looked-after"
        ),
    }


def test_sign_in_page_and_its_error_state_are_accessible(page, demo):
    page.goto("/accounts/login/")
    page.assert_accessible()
    page.page.fill("#id_login", "lead")
    page.page.fill("#id_password", "wrong password")
    page.page.click("button[type=submit]")
    # The form posts and a new page loads: wait for it rather than look at the page before.
    page.page.locator(".govuk-error-summary").wait_for(state="visible", timeout=15_000)
    assert page.page.title().startswith("Error: ")
    page.assert_accessible()


def test_lead_signs_in_and_opens_the_inspection_with_nine_evaluations(page, demo):
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.assert_accessible()
    page.page.click(f"text={demo['inspection'].title}")
    page.page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    rows = page.page.locator("#evaluation-table tbody tr")
    assert rows.count() == 9
    grades = sorted(page.page.locator(".followup-grade").all_inner_texts())
    assert grades == ["Adequate (3)"] * 4 + ["Good (4)"] * 3 + ["Weak (2)"] * 2
    assert page.page.locator("ol.govuk-list > li").count() == 5
    page.assert_accessible()


def test_contributor_adds_an_action_update_with_a_paper_after_correcting_an_error(
    page, demo, tmp_path
):
    paper = tmp_path / "Committee paper.pdf"
    paper.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.sign_in("contributor", PASSWORD)
    page.goto(f"/p/south-ayrshire/actions/{demo['action'].pk}/")
    page.assert_accessible()
    before = page.page.locator(".followup-timeline__item").count()
    page.page.click("text=Add an update")
    page.page.wait_for_url(re.compile(r"/actions/\d+/updates/$"))
    page.assert_accessible()
    page.page.fill("#id_note", "")
    page.page.fill("#id_on_month", "")
    page.page.click("button:has-text('Add update')")
    # The form posts and a new page loads: wait for it rather than look at the page before.
    page.page.locator(".govuk-error-summary").wait_for(state="visible", timeout=15_000)
    summary = page.page.locator(".govuk-error-summary").inner_text()
    assert "Enter what has happened" in summary
    assert "Date of the update must include a month" in summary
    page.assert_accessible()
    page.page.fill("#id_on", "1")  # GOV.UK's date input: day, month and year
    page.page.fill("#id_on_month", "3")
    page.page.fill("#id_on_year", "2018")
    page.page.check("#id_status_3")  # Complete
    page.page.check("#id_rating_0")  # On track
    page.page.fill("#id_note", "Added from the browser test.")
    page.page.set_input_files("#id_evidence", str(paper))
    page.page.click("button:has-text('Add update')")
    page.page.wait_for_url(re.compile(r"/actions/\d+/$"))
    assert page.page.locator(".followup-timeline__item").count() == before + 1
    timeline = page.page.locator(".followup-timeline").inner_text()
    assert "Added from the browser test." in timeline
    assert "Waiting for acceptance" in timeline
    assert "Committee paper.pdf" in timeline
    page.assert_accessible()


def test_lead_returns_an_update_with_a_reason_and_accepts_another_from_accessible_pages(page, demo):
    from django.contrib.auth.models import User

    from followup.plans import actions
    from followup.plans.files import Upload

    action, contributor = demo["action"], User.objects.get(username="contributor")
    written = []
    for note in ("First draft of the update.", "The second update."):
        data = {"on": action.start_date, "status": "complete", "rating": "at_risk", "note": note}
        data["evidence"] = [Upload("paper.pdf", b"%PDF-1.4\n%%EOF\n")]
        written.append(actions.add_update(contributor, action, data))
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto("/p/south-ayrshire/plan/updates/waiting/")
    page.assert_accessible()
    page.page.click(f"a[href*='/plan/updates/{written[0].pk}/return/']")
    page.page.wait_for_url(re.compile(r"/return/\?from=waiting$"))
    page.assert_accessible()
    page.page.click("button:has-text('Return update')")
    page.page.locator(".govuk-error-summary").wait_for(state="visible", timeout=15_000)
    assert "Enter why it is returned" in page.page.locator(".govuk-error-summary").inner_text()
    page.assert_accessible()
    page.page.fill("#id_reason", "Say what the committee decided.")
    page.page.click("button:has-text('Return update')")
    page.page.wait_for_url(re.compile(r"/plan/updates/waiting/$"))
    page.assert_accessible()
    page.goto(f"/p/south-ayrshire/actions/{action.pk}/")
    assert "Returned: Say what the committee decided." in page.page.content()
    page.assert_accessible()
    page.page.click("button:has-text('Accept')")
    page.page.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
    assert "accepted." in page.page.locator(".govuk-notification-banner").inner_text()
    page.page.click("text=Revise this update")
    page.page.wait_for_url(re.compile(r"/updates/\?revises=\d+$"))
    assert page.page.input_value("#id_note") == "First draft of the update."
    page.assert_accessible()


@pytest.mark.parametrize("who", ["lead", "inspector"])
def test_every_page_a_member_reaches_is_accessible(page, demo, who):
    inspection, review = demo["inspection"], demo["review"]
    action, rec, evaluation = demo["action"], demo["recommendation"], demo["evaluation"]
    base = "/p/south-ayrshire"
    # Pages both read. The lead's home, plan, inspection, recommendation, dashboard, indicator,
    # glossary and import pages are checked at 1280 and 320 px in test_screens.py, with the
    # same demo objects: they are not checked a second time here.
    screened = [
        "/p/south-ayrshire/",
        f"{base}/plan/",
        f"{base}/inspections/{inspection.pk}/",
        f"{base}/recommendations/{rec.pk}/",
        f"{base}/indicators/",
        f"{base}/indicators/{demo['indicator'].pk}/",
        "/glossary/",
    ]
    pages = [
        f"{base}/actions/{action.pk}/",
        f"{base}/reviews/{review.pk}/",
        f"{base}/indicators/{demo['indicator'].pk}/?split=inspection",
        f"{base}/data/quality/",
        "/for-you/",  # an update to accept (the lead) and a quote to approve (both)
    ]
    if who == "lead":
        pages += [
            f"{base}/plan/updates/waiting/",
            f"{base}/actions/{action.pk}/updates/",
            f"{base}/actions/new/",
            f"{base}/actions/{action.pk}/edit/",
            f"{base}/plan/pack/",
        ]
    else:
        pages += [
            *screened,
            f"{base}/inspections/new/",
            f"{base}/inspections/{inspection.pk}/edit/",
            f"{base}/inspections/{inspection.pk}/evaluations/new/",
            f"{base}/evaluations/{evaluation.pk}/edit/",
            f"{base}/inspections/{inspection.pk}/recommendations/new/",
            f"{base}/recommendations/{rec.pk}/edit/",
            f"{base}/inspections/{inspection.pk}/reviews/new/",
            f"{base}/reviews/{review.pk}/edit/",
            # The judgement form: checked as the inspector's in test_screens.py.
        ]
    page.sign_in(who, PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    for path in pages:
        page.goto(path)
        page.assert_accessible()


def test_a_lead_makes_a_progress_pack_and_the_pack_page_is_accessible(page, demo, monkeypatch):
    # The files are stand-ins: what a pack holds is tested in tests/reports/test_progress_pack.py.
    monkeypatch.setattr(
        packrender, "render_pack", lambda pack, fmt: f"{fmt}:{pack.number}".encode()
    )
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto("/p/south-ayrshire/plan/pack/")
    assert "No pack has been made yet." in page.page.inner_text("main")
    page.assert_accessible()
    page.page.click("text=Make pack 1")
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/(jobs/\d+|plan/pack)/$"))
    page.assert_accessible()
    page.goto("/p/south-ayrshire/plan/pack/")
    assert page.page.locator("#packs tbody tr").count() == 1
    page.assert_accessible()


def test_the_for_you_page_with_an_overdue_request_is_accessible(page, demo):
    page.sign_in("contributor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.page.click("a[href='/for-you/']")
    page.page.wait_for_url(re.compile(r"/for-you/$"))
    assert "Overdue by 15 days" in page.page.locator("main").inner_text()
    page.assert_accessible()


def test_not_found_page_is_accessible(page, demo):
    page.sign_in("outsider", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/glenmorran/$"))
    response = page.page.goto(
        page.base_url + f"/p/south-ayrshire/inspections/{demo['inspection'].pk}/"
    )
    assert response.status == 404
    page.errors.clear()  # the browser reports the page's own 404 status
    page.assert_accessible()


def test_the_axe_check_fails_on_a_page_with_a_violation(page):
    page.page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="label"):
        page.assert_accessible()


def test_lead_uploads_a_file_checks_the_preview_and_imports_it(page, demo, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "area_code,period,data_element,value\nS12000028,2021-07-31,looked_after_residential,many\n"
    )
    good = tmp_path / "good.csv"
    good.write_text(  # both parts of the derived total, so the preview lists its change too
        "area_code,period,data_element,value\nS12000028,2021-07-31,looked_after_residential,31\n"
        "S12000028,2021-07-31,looked_after_community,280\n"
    )
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    for path, heading in ((bad, "Problems in the file"), (good, "Check what will change")):
        page.goto("/p/south-ayrshire/data/upload/")
        page.page.set_input_files("#id_file", str(path))
        page.page.fill("#id_release", "Local return, 2021")
        page.page.click("text=Check the file")
        page.page.wait_for_url(re.compile(r"/data/uploads/\d+/$"))
        assert page.page.locator("h1").inner_text() == heading
        page.assert_accessible()
    assert "Derived figures this import changes" in page.page.content()
    page.page.click("text=Import 2 figures")
    page.page.wait_for_url(re.compile(r"/indicators/$"))
    assert (
        "Imported 2 figures from good.csv."
        in page.page.locator(".govuk-notification-banner").inner_text()
    )
    page.assert_accessible()


def test_the_evidence_pages_are_accessible_and_a_sentence_can_be_coded_from_the_keyboard(
    page, demo
):
    from followup.evidence.models import Code, Coding, Source
    from followup.partnerships.models import Partnership

    partnership = Partnership.objects.get(slug="south-ayrshire")
    source = Source.objects.create(
        partnership=partnership,
        title="Illustrative staff survey",
        kind="survey",
        text="Managers listen to us. Caseloads are too high.",
        is_illustrative=True,
    )
    code = Code.objects.create(partnership=partnership, name="Workload")
    page.sign_in("contributor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    for path in (
        "/p/south-ayrshire/evidence/",
        "/p/south-ayrshire/evidence/codebook/",
        "/p/south-ayrshire/evidence/sources/new/",
    ):
        page.goto(path)
        page.assert_accessible()
    page.goto(f"/p/south-ayrshire/evidence/sources/{source.pk}/")
    page.assert_accessible()
    # Keyboard only: tick the second sentence and the code with the space bar, then apply.
    page.page.focus("#id_spans_1")
    page.page.keyboard.press("Space")
    page.page.focus(f"#id_codes_{code.pk}")
    page.page.keyboard.press("Space")
    page.page.focus("button[name=apply][value=sentences]")
    assert (
        page.page.evaluate("document.activeElement.textContent.trim()")
        == "Apply the codes to the ticked sentences"
    )
    with page.page.expect_navigation():
        page.page.keyboard.press("Enter")
    coding = Coding.objects.get(source=source)
    assert coding.source.text[coding.start : coding.end] == "Caseloads are too high."
    page.assert_accessible()
    from followup.evidence.models import Quote

    Quote.objects.create(coding=coding, redactions=[[0, 9, "topic"]])
    for path in (
        f"/p/south-ayrshire/evidence/codings/{coding.pk}/quote/",
        "/p/south-ayrshire/evidence/quotes/",
    ):
        page.goto(path)
        page.assert_accessible()


def test_the_survey_import_pages_are_accessible(page, demo, tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text(
        'respondent,group,What helps?\n1,Staff,Good supervision\n2,Staff,"Time to talk,\nand listen"\n',
        encoding="utf-8",
    )
    page.sign_in("editor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto("/p/south-ayrshire/evidence/surveys/new/")
    page.assert_accessible()
    page.page.fill("#id_title", "Illustrative staff survey")
    page.page.set_input_files("#id_file", str(survey))
    page.page.click("text=Continue")
    page.page.wait_for_url(re.compile(r"/evidence/surveys/\d+/$"))
    page.assert_accessible()
    page.page.click("text=Import the survey")
    page.page.wait_for_url(re.compile(r"/evidence/$"))
    assert (
        "Imported 2 respondents as sources."
        in page.page.locator(".govuk-notification-banner").inner_text()
    )
    page.assert_accessible()


def test_words_selected_with_the_mouse_are_coded_at_code_point_offsets(page, demo):
    from followup.evidence.models import Code, Coding, Source
    from followup.partnerships.models import Partnership

    partnership = Partnership.objects.get(slug="south-ayrshire")
    text = "Tha mi toilichte 😊 an-diugh.\nCaseloads are too high 📈 here."
    source = Source.objects.create(
        partnership=partnership,
        title="Illustrative note with emoji",
        kind="focus_group",
        text=text,
        is_illustrative=True,
    )
    code = Code.objects.create(partnership=partnership, name="Workload")
    page.sign_in("contributor", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"/p/south-ayrshire/evidence/sources/{source.pk}/")
    # Select "too high 📈" as a reader dragging the mouse would: a range in the text node.
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
    preview = page.page.locator("[data-selection-preview]")
    preview.filter(has_text="too high").wait_for()
    page.page.check(f"input[name=codes][value='{code.pk}']")
    page.assert_accessible()
    with page.page.expect_navigation():
        page.page.click("text=Code the selected words")
    coding = Coding.objects.get(source=source, code=code)
    assert (coding.start, coding.end) == (text.index("too high"), text.index("too high") + 10)
    assert coding.excerpt == "too high 📈"
    for path in (
        f"/p/south-ayrshire/evidence/codings/{coding.pk}/",
        f"/p/south-ayrshire/evidence/sources/{source.pk}/details/",
        "/p/south-ayrshire/evidence/cases/",
        "/p/south-ayrshire/evidence/cases/new/",
        "/p/south-ayrshire/evidence/analysis/",
        f"/p/south-ayrshire/evidence/excerpts/?code={code.pk}",
        "/p/south-ayrshire/evidence/exchange/",
    ):
        page.goto(path)
        page.assert_accessible()


def test_the_report_pages_the_check_page_and_the_published_report_are_accessible(
    page, demo, stand_in_documents
):
    review = demo["review"]
    page.sign_in("inspector", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto(f"/p/south-ayrshire/reviews/{review.pk}/report/")
    assert "DRAFT: not published" in page.page.inner_text("main")
    page.assert_accessible()
    page.goto(f"/p/south-ayrshire/inspections/{demo['inspection'].pk}/report/")
    page.assert_accessible()
    page.goto(f"/p/south-ayrshire/reviews/{review.pk}/report/")
    with page.page.expect_navigation():
        page.page.click("text=Check and publish")
    assert "This will be version 1" in page.page.inner_text("main")
    page.assert_accessible()
    with page.page.expect_navigation():
        page.page.click("text=Publish version 1")  # not confirmed: the page says so
    assert "Confirm that you have checked the report" in page.page.inner_text("main")
    page.assert_accessible()
    # A second tab on the same check page: its confirmation arrives after the first's.
    other = Page(page.page.context.new_page(), page.base_url)
    other.goto(f"/p/south-ayrshire/reviews/{review.pk}/publish/")
    page.page.check("#id_confirm")
    with page.page.expect_navigation():
        page.page.click("text=Publish version 1")
    assert "/public/south-ayrshire/" in page.page.url, page.page.inner_text("main")[:500]
    page.assert_accessible()
    other.page.check("#id_confirm")
    with other.page.expect_navigation():
        other.page.click("text=Publish version 1")
    assert "Version 1 is already published" in other.page.inner_text("main")
    other.assert_accessible()
    other.page.close()
    from followup.reports.models import Publication

    publication = Publication.objects.get()
    page.goto(f"/public/south-ayrshire/reports/{publication.pk}.html")
    assert "Version 1, published on" in page.page.inner_text("main")
    page.assert_accessible()
    # A refusal is a GOV.UK page that says who can: an inspector does not edit the plan.
    refused = page.page.goto(page.base_url + "/p/south-ayrshire/actions/new/")
    assert refused is not None and refused.status == 403
    assert "Only editors, lead officers and administrators can change the improvement plan." in (
        page.page.inner_text("main")
    )
    page.errors.remove(
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    )
    page.assert_accessible()


def test_the_django_admin_runs_under_its_content_security_policy(page, demo):
    """Every admin page a superuser opens works with the policy: the browser reports no
    script or style it refused (a refusal is a console error, which fails the test)."""

    f.superuser("superuser", PASSWORD)
    page.goto("/admin/login/")  # sent to Followup's own sign-in page, then a code
    page.page.fill("#id_login", "superuser")
    page.page.fill("#id_password", PASSWORD)
    with page.page.expect_navigation():
        page.page.click("main button[type=submit]")
    page.enter_code_if_asked()
    review = demo["review"]
    missing: list[str] = []
    page.page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in (
        "/admin/",
        "/admin/reviews/progressreview/",
        f"/admin/reviews/progressreview/{review.pk}/change/",
        "/admin/auth/user/add/",
    ):
        page.goto(path)
        page.page.wait_for_load_state("load")
        refused = [e for e in page.errors if "Content Security Policy" in e]
        assert refused == [], f"{path}: {refused}"
    # The admin has no favicon of its own; nothing else it asks for is missing.
    assert {url.rsplit("/", 1)[-1] for url in missing} <= {"favicon.ico"}, missing


def test_the_contrast_check_finds_new_text_too_pale_on_a_page_of_looks_already_checked(page):
    """Colour contrast is checked once a look (tests/browser/conftest.py ``_MARK_LOOKS``): a pale
    text of a look not met before is found on a page whose other text all passed before."""
    passing = (
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<p class="govuk-body">Readable</p>{}</main></body></html>'
    )
    page.page.set_content(passing.format(""))
    page.assert_accessible()
    page.page.set_content(passing.format('<p style="color: #d8d8d8">Too pale</p>'))
    with pytest.raises(AssertionError, match="color-contrast"):
        page.assert_accessible()
    # Nor is a look passed because a page with it failed.
    page.page.set_content(passing.format('<p style="color: #d8d8d8">Still too pale</p>'))
    with pytest.raises(AssertionError, match="color-contrast"):
        page.assert_accessible()
