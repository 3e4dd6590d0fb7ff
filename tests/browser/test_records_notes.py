"""Making a sample's moderated notes a qualitative source, in Chromium (#18): the sample's page
leads to the page that says what the source will hold and warns how many records are not yet
moderated, whose button, pressed from the keyboard, makes it and shows it with a success banner;
the page opened again says it is done. Every page on the way passes axe."""

from __future__ import annotations

from django.urls import reverse

from followup.evidence.models import Source
from followup.front.queries_records import not_yet_moderated
from followup.records.models import AnswerType, Moderation, Sample
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with
NOTES = ["Says her worker listens to her.", "Seen at home on 04/03/2024.", "Likes the new school."]


def test_the_inspection_team_makes_the_notes_a_source_from_the_keyboard(demo_page: Page) -> None:
    sample = Sample.objects.get(frame__inspection__partnership__slug="south-ayrshire")
    moderations = Moderation.objects.filter(
        member__sample=sample, question__answer=AnswerType.FREE_TEXT
    ).order_by("member__record__row", "question__order")
    for moderation, note in zip(moderations, NOTES, strict=False):
        moderation.value = note
        moderation.save(update_fields=["value"])
    page = demo_page
    page.sign_in("inspector", PASSWORD)
    page.goto(reverse("records:sample", args=["south-ayrshire", sample.pk]))
    with page.page.expect_navigation():
        page.page.click("#notes-to-source")
    main = page.page.inner_text("main")
    assert "1 note will be left out" in main
    # Some of the demo sample's records are not yet moderated: the page warns how many, above
    # the button, and the warning passes axe with the rest of the page.
    waiting = not_yet_moderated(sample)
    assert waiting.records and waiting.unread
    warning = page.page.locator("#not-moderated.govuk-warning-text")
    assert warning.is_visible() and waiting.sentence() in warning.inner_text()
    page.assert_accessible()
    page.page.get_by_role("button", name="Make the notes a qualitative source").focus()
    with page.page.expect_navigation():
        page.page.keyboard.press("Enter")
    main = page.page.inner_text("main")
    assert "notes are now a qualitative source" in main and "Likes the new school." in main
    assert "04/03/2024" not in main
    page.assert_accessible()
    assert Source.objects.filter(kind=Source.Kind.RECORDS).count() == 1
    page.goto(reverse("front:notes_to_source", args=["south-ayrshire", sample.pk]))
    assert "The notes are a qualitative source already" in page.page.inner_text("h1")
    assert page.page.get_by_role("button", name="Make the notes a qualitative source").count() == 0
    page.assert_accessible()
