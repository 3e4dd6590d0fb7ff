"""Reading a child's record from the keyboard alone, in Chromium, on pages that pass axe (#18):
the local reader opens the next record of their queue, answers every question with Tab, the
arrow keys and typing, and submits; their partner, still reading, is shown that they submitted
and none of their answers. The inspection team's progress, agreement and moderation pages, and
the return, sample, template and concern pages, pass axe too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from followup.records.models import Answer, Moderation, Reading, SampledRecord
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with
NOTE = "Read from the keyboard alone"
# The delay before a draft saves itself (DELAY in static/followup/autosave.js).
AUTOSAVE_MS = 3000


def _focused(page: Page) -> dict[str, Any]:
    return dict(
        page.page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName, "
            "type: e.type || '', name: e.name || '', text: (e.innerText || '').trim(), "
            "checked: !!e.checked}; }"
        )
    )


def _answer_every_question_from_the_keyboard(page: Page) -> int:
    """Tab through the reading form: in each group of radios choose one with the arrow keys, in
    each text box type a note, and press Enter on "Submit reading". Returns the answers given."""
    answered: set[str] = set()
    page.page.locator("#reading-form").focus()
    for _ in range(400):
        page.page.keyboard.press("Tab")
        here = _focused(page)
        if here["tag"] == "BUTTON" and here["text"] == "Submit reading":
            with page.page.expect_navigation():
                page.page.keyboard.press("Enter")
            return len(answered)
        if here["type"] == "radio" and here["name"] not in answered:
            page.page.keyboard.press("ArrowDown")  # moves to the next grade and chooses it
            answered.add(here["name"])
        elif here["tag"] == "TEXTAREA" and here["name"] not in answered:
            page.page.keyboard.type(NOTE)
            answered.add(here["name"])
    raise AssertionError("Tab never reached the Submit reading button")


def test_a_reader_reads_a_whole_record_from_the_keyboard_and_their_partner_sees_no_answer(
    demo_page: Page, browser: Any
) -> None:
    page = demo_page
    page.sign_in("reader", PASSWORD)
    page.goto("/p/south-ayrshire/reading-queue/")
    page.assert_accessible()
    with page.page.expect_navigation():
        page.page.click("#next-record")  # "Read the next record: row …"
    page.assert_accessible()
    member = SampledRecord.objects.get(pk=int(page.page.url.rstrip("/").rsplit("/", 1)[1]))
    questions = page.page.locator("#reading-form fieldset, #reading-form textarea").count()
    assert _answer_every_question_from_the_keyboard(page) == questions
    # Back to the queue, which says so; the record shows the reader's own answers.
    assert "Reading submitted." in page.page.inner_text("main")
    page.goto(reverse("records:record", args=["south-ayrshire", member.pk]))
    main = page.page.inner_text("main")
    assert "You submitted your reading" in main and NOTE in main
    page.assert_accessible()
    reading = Reading.objects.get(member=member, reader__username="reader")
    assert reading.status == Reading.Status.SUBMITTED

    # The partner, who has not read it yet, is told only that the reader submitted.
    partner = Page(browser.new_page(viewport={"width": 1280, "height": 900}), page.base_url)
    try:
        partner.sign_in("inspector", PASSWORD)
        partner.goto(reverse("records:record", args=["south-ayrshire", member.pk]))
        shown = partner.page.content()
        assert partner.page.inner_text("#partner-status") == "Submitted"
        assert NOTE not in shown
        partner.assert_accessible()
    finally:
        partner.page.close()


def test_the_progress_agreement_and_moderation_pages_pass_axe(demo_page: Page) -> None:
    page = demo_page
    page.sign_in("inspector", PASSWORD)
    read = SampledRecord.objects.filter(readings__isnull=False).first()
    assert read is not None
    waiting = next(
        m
        for m in SampledRecord.objects.filter(sample=read.sample).order_by("record__row")
        if Reading.objects.filter(member=m, status=Reading.Status.SUBMITTED).count() == 2
        and not Moderation.objects.filter(member=m).exists()
    )
    page.goto(reverse("records:progress", args=["south-ayrshire", read.sample_id]))
    page.assert_accessible()
    page.goto(reverse("records:agreement", args=["south-ayrshire", read.sample_id]))
    assert "were the same" in page.page.inner_text("#finding")
    page.assert_accessible()
    page.goto(reverse("records:moderate", args=["south-ayrshire", waiting.pk]))
    assert "Moderate" in page.page.inner_text("h1")
    page.assert_accessible()


def test_the_return_sample_template_and_concern_pages_pass_axe(demo_page: Page) -> None:
    from followup.records import actions_concerns
    from followup.records.models import Concern, RecordsReturn, Sample

    page = demo_page
    page.sign_in("inspector", PASSWORD)
    frame = RecordsReturn.objects.get(inspection__partnership__slug="south-ayrshire")
    sample = Sample.objects.get(frame=frame)
    member = SampledRecord.objects.filter(sample=sample).order_by("record__row").first()
    assert member is not None and sample.template is not None
    inspector = get_user_model().objects.get(username="inspector")
    actions_concerns.raise_concern(
        inspector,
        member,
        {"what": "Plan not reviewed after a new risk", "agency": "social_work", "urgency": "day"},
    )
    concern = Concern.objects.get()
    inspection = frame.inspection_id
    for name, args in [
        ("records:reading", [inspection]),
        ("records:upload", [inspection]),
        ("records:draw", [inspection]),
        ("records:sample", [sample.pk]),
        ("records:purposive", [sample.pk]),
        ("records:release", [sample.pk]),
        ("records:template", [inspection, sample.template.pk]),
        ("records:concerns", [sample.pk]),
        ("records:raise_concern", [member.pk]),
        ("records:pass_on", [concern.pk]),
    ]:
        page.goto(reverse(name, args=["south-ayrshire", *args]))
        page.assert_accessible()


def test_a_draft_saves_itself_a_few_seconds_after_an_answer_and_save_draft_still_works(
    demo_page: Page,
) -> None:
    page = demo_page
    page.sign_in("reader", PASSWORD)
    # The page's clock is Playwright's, moved on by the test: the draft's timer fires when the
    # test says its seconds have passed, not after seconds of the test's time spent waiting.
    page.page.clock.install()
    page.goto("/p/south-ayrshire/reading-queue/")
    with page.page.expect_navigation():
        page.page.click("#next-record")
    member = SampledRecord.objects.get(pk=int(page.page.url.rstrip("/").rsplit("/", 1)[1]))
    status = page.page.locator("#autosave-status")
    assert "saved as a draft a few seconds after you change them" in status.inner_text()
    first = page.page.locator("#reading-form input[type=radio]").first
    name = first.get_attribute("name")
    first.check()
    page.page.clock.run_for(AUTOSAVE_MS - 100)
    assert not status.inner_text().startswith("Draft saved at")  # not yet
    assert not Reading.objects.filter(member=member, reader__username="reader").exists()
    page.page.clock.run_for(100)
    page.page.wait_for_function(
        "() => document.querySelector('#autosave-status').innerText.startsWith('Draft saved at')"
    )
    reading = Reading.objects.get(member=member, reader__username="reader")
    assert reading.status == Reading.Status.DRAFT
    page.assert_accessible()
    # A note that looks like it holds a date is marked at its field, as GOV.UK marks an error,
    # and holds back nothing else: the grade changed with it is saved.
    note = page.page.locator("#reading-form textarea").first
    note_id = note.get_attribute("id")
    note.fill("Seen on 12/03/2024")
    grade = page.page.locator(f"#reading-form input[name='{name}']").nth(2)
    grade.check()
    page.page.clock.run_for(AUTOSAVE_MS)
    error = page.page.locator(f"#{note_id}-autosave-error")
    error.wait_for(state="visible")
    assert "looks like a date" in error.inner_text()
    assert error.inner_text().startswith("Error:")
    assert note.get_attribute("aria-invalid") == "true"
    assert f"{note_id}-autosave-error" in (note.get_attribute("aria-describedby") or "").split()
    group = page.page.locator(f".govuk-form-group:has(#{note_id})")
    assert "govuk-form-group--error" in (group.get_attribute("class") or "")
    assert "except one answer" in status.inner_text()
    assert "followup-autosave--problem" in (status.get_attribute("class") or "")
    kept = Answer.objects.get(reading=reading, question__key=name.removeprefix("q-"))
    assert kept.value == grade.get_attribute("value")
    note_key = note.get_attribute("name") or ""
    assert (
        Answer.objects.get(reading=reading, question__key=note_key.removeprefix("q-")).value == ""
    )
    page.assert_accessible()
    # Put right, the note saves and its mark goes.
    note.fill("Seen recently")
    page.page.clock.run_for(AUTOSAVE_MS)
    error.wait_for(state="detached")
    assert note.get_attribute("aria-invalid") is None
    assert f"{note_id}-autosave-error" not in (note.get_attribute("aria-describedby") or "")
    assert "govuk-form-group--error" not in (group.get_attribute("class") or "")
    assert "followup-autosave--problem" not in (status.get_attribute("class") or "")
    # The one status line is in view wherever the reader is in the long form: at its first
    # field and at its last, and it is still the page's live region.
    viewport = page.page.viewport_size
    assert viewport is not None
    fields = page.page.locator("#reading-form .govuk-form-group")
    for field in (fields.first, fields.last):
        field.scroll_into_view_if_needed()
        field.locator("input, textarea").first.focus()
        box = status.bounding_box()
        assert status.is_visible() and box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert status.get_attribute("role") == "status"
    assert page.page.locator("#autosave-status").count() == 1
    # Save draft afterwards is not taken for an older tab's: the page kept the new time.
    with page.page.expect_navigation():
        page.page.click("button[value=draft]")
    assert "Draft saved." in page.page.inner_text("main")
    assert page.page.locator(f"input[name='{name}']:checked").count() == 1


def test_the_evaluation_page_with_the_records_findings_and_for_you_pass_axe(
    demo_page: Page,
) -> None:
    from followup.inspections.models import Evaluation
    from followup.records.results import sample_results

    evaluation = next(
        e
        for e in Evaluation.objects.filter(
            inspection__partnership__slug="south-ayrshire",
            inspection__records_returns__isnull=False,
        )
        if (found := sample_results(e.inspection, exact=False))
        and found.for_indicators({e.quality_indicator_id})
    )
    url = reverse("front:evaluation", args=["south-ayrshire", evaluation.pk])
    page = demo_page
    for name in ("viewer", "inspector"):
        page.sign_in(name, PASSWORD)
        page.goto(url)
        assert "Children's records read" in page.page.inner_text("main")
        page.assert_accessible()
        page.goto(reverse("front:for_you"))
        page.assert_accessible()
        page.page.context.clear_cookies()
