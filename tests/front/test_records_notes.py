"""A sample's moderated free-text notes made one qualitative source of the partnership's evidence:
each question's words, then each record's agreed note labelled Record 1, Record 2 and so on, and
nothing that identifies a child or says who read the record; once a sample, for the inspection
team only."""

from __future__ import annotations

from collections.abc import Sequence
from html import unescape
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.evidence.models import Source
from followup.front.actions_records import notes_to_source
from followup.front.models import NotesSource
from followup.front.queries_records import Waiting, _shuffled, not_yet_moderated
from followup.partnerships.access import Refused
from followup.records.models import (
    AnswerType,
    Assignment,
    Moderation,
    Reading,
    ReadingPair,
    ReadingTemplate,
    Sample,
    SampledRecord,
    TemplateQuestion,
    TemplateSection,
)
from tests import factories as f
from tests.audit.ledger import Ledger, assert_recorded
from tests.browserlike import page_form, submit
from tests.conftest import World
from tests.submissions import key

VIEWS = "What does the record say the child thinks of the help they are given?"
GRADE = "How well are the child's views sought and recorded?"
BUTTON = "Make the notes a qualitative source</button>"


def notes_template() -> ReadingTemplate:
    """A template of one section: a six-point question, then a free-text one."""
    template = ReadingTemplate.objects.create(
        key="notes-test",
        version=1,
        name="Notes test",
        framework=f.framework_2012(),
        digest="0" * 64,
    )
    section = TemplateSection.objects.create(template=template, order=1, title="Views")
    for order, (key_, prompt, answer) in enumerate(
        [
            ("views-grade", GRADE, AnswerType.SIX_POINT),
            ("views-words", VIEWS, AnswerType.FREE_TEXT),
        ],
        1,
    ):
        TemplateQuestion.objects.create(
            section=section, template=template, order=order, key=key_, prompt=prompt, answer=answer
        )
    return template


def moderated(world: World, notes: Sequence[str], *, illustrative: bool = False) -> Sample:
    """A sample of home's inspection whose records (one a note) were read by a pair of the
    inspector and a local reader, both readings submitted, and moderated: a grade of 4 and the
    note as the agreed answer to the free-text question."""
    sample = f.records_sample(world.home.inspection, children=len(notes) + 2, drawn=len(notes))
    sample.template = notes_template()
    sample.save(update_fields=["template"])
    if illustrative:
        sample.frame.is_illustrative = True
        sample.frame.save(update_fields=["is_illustrative"])
    reader: Any = f.UserFactory(username="ailsa-reader")
    f.MembershipFactory(user=reader, partnership=world.home.partnership, role="reader")
    inspector = world.users["inspector"]
    pair = ReadingPair.objects.create(sample=sample, number=1, inspector=inspector, reader=reader)
    grade, words = TemplateQuestion.objects.filter(template=sample.template).order_by("order")
    members = SampledRecord.objects.filter(sample=sample).order_by("purposive", "record__row")
    for member, note in zip(members, notes, strict=True):
        Assignment.objects.create(member=member, pair=pair)
        for who in (inspector, reader):
            Reading.objects.create(member=member, reader=who, status=Reading.Status.SUBMITTED)
        Moderation.objects.create(member=member, question=grade, value="4")
        Moderation.objects.create(member=member, question=words, value=note)
    return sample


def waiting(world: World, sample: Sample, readings: Sequence[tuple[str, ...] | None]) -> None:
    """Records added to the sample on purpose, not moderated: one for each of ``readings``,
    unassigned if None, else assigned to the sample's pair with the statuses of its readings,
    the inspector's then the reader's ("" for no reading)."""
    pair = ReadingPair.objects.get(sample=sample)
    for statuses in readings:
        record: Any = f.FrameRecordFactory(frame=sample.frame)
        member = SampledRecord.objects.create(
            sample=sample, record=record, purposive=True, reason="Known to the team."
        )
        if statuses is None:
            continue
        Assignment.objects.create(member=member, pair=pair)
        for who, status in zip((pair.inspector, pair.reader), statuses, strict=True):
            if status:
                Reading.objects.create(member=member, reader=who, status=status)


def url(sample: Sample) -> str:
    return reverse("front:notes_to_source", args=["home", sample.pk])


def shown(world: World, sample: Sample) -> str:
    """The page's HTML as the inspector gets it, with its entities read."""
    return unescape(world.client_for("inspector").get(url(sample)).content.decode())


DRAFT, SUBMITTED = Reading.Status.DRAFT, Reading.Status.SUBMITTED
# Six records not yet moderated: one read by both and waiting for its pair's inspector, then five
# not read by both: one with a reading in draft, one read by the inspector only, one by the
# reader only, one assigned but not started, and one not assigned to a pair at all.
SIX_WAITING = [
    (SUBMITTED, SUBMITTED),
    (SUBMITTED, DRAFT),
    (SUBMITTED, ""),
    ("", SUBMITTED),
    ("", ""),
    None,
]


def test_the_source_holds_each_question_then_each_records_note_and_nothing_that_identifies(
    world: World,
) -> None:
    sample = moderated(
        world,
        ["Says her worker listens to her.", "Wants to see his brother more often.\n\nAnd soon."],
    )
    source = notes_to_source(world.users["inspector"], sample, {})
    first, second = (
        "Says her worker listens to her.",
        "Wants to see his brother more often.\nAnd soon.",
    )
    rows = SampledRecord.objects.filter(sample=sample).order_by("record__row")
    if _shuffled(rows[0].pk) > _shuffled(rows[1].pk):  # numbered in an order of their own
        first, second = second, first
    assert source.text == f"{VIEWS}\n\nRecord 1: {first}\n\nRecord 2: {second}\n"
    assert source.title == f"Records reading notes: {world.home.inspection.title}, sample 1"
    assert source.kind == Source.Kind.RECORDS
    assert source.get_kind_display() == "Records reading notes"
    assert source.partnership == world.home.partnership and not source.is_illustrative
    for member in SampledRecord.objects.filter(sample=sample).select_related("record"):
        assert member.record.reference not in source.text
        assert f"Row {member.record.row}" not in source.text
    assert "ailsa" not in source.text and "inspector" not in source.text
    link = NotesSource.objects.get(sample=sample)
    assert (link.source, link.notes, link.left_out) == (source, 2, 0)


def test_a_note_with_a_date_or_a_postcode_is_left_out_and_counted(world: World) -> None:
    sample = moderated(
        world,
        ["Seen at home on 04/03/2024 with mum.", "Moved to KA7 1AB last spring.", "Feels safe."],
    )
    page = world.client_for("inspector").get(url(sample)).content.decode()
    assert "2 notes will be left out" in page
    assert (
        f'<th scope="row" class="govuk-table__header">{VIEWS}</th>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in page
    )
    source = notes_to_source(world.users["inspector"], sample, {})
    assert source.text == f"{VIEWS}\n\nRecord 1: Feels safe.\n"
    assert NotesSource.objects.get(sample=sample).left_out == 2


def test_a_sample_whose_every_note_looks_identifying_is_refused_saying_so(world: World) -> None:
    sample = moderated(world, ["Born 12/05/2014.", ""])
    with pytest.raises(ValidationError, match="Every one of Sample 1's 1 moderated notes"):
        notes_to_source(world.users["inspector"], sample, {})
    assert not Source.objects.filter(kind=Source.Kind.RECORDS).exists()


def test_a_sample_without_moderated_notes_is_refused_and_its_page_offers_no_button(
    world: World,
) -> None:
    sample = moderated(world, ["", "   "])
    with pytest.raises(ValidationError, match="has no moderated free-text notes yet"):
        notes_to_source(world.users["inspector"], sample, {})
    page = world.client_for("inspector").get(url(sample)).content.decode()
    assert "This sample has no moderated free-text notes yet" in page and BUTTON not in page


def test_a_second_press_is_refused_and_makes_no_second_source(world: World) -> None:
    sample = moderated(world, ["Feels listened to."])
    first = notes_to_source(world.users["inspector"], sample, {})
    with pytest.raises(ValidationError, match="were made a qualitative source already"):
        notes_to_source(world.users["admin"], sample, {})
    assert list(Source.objects.filter(kind=Source.Kind.RECORDS)) == [first]
    # A page opened afresh says where the notes went, and posting to it anyway makes nothing.
    client = world.client_for("inspector")
    page = client.get(url(sample)).content.decode()
    assert "notes were made a qualitative source already, on" in page and BUTTON not in page
    refused = client.post(url(sample), key(client))
    assert refused.status_code == 200
    assert "were made a qualitative source already" in refused.content.decode()
    assert Source.objects.filter(kind=Source.Kind.RECORDS).count() == 1


def test_the_form_submitted_as_rendered_makes_the_source_once_and_shows_it(world: World) -> None:
    sample = moderated(world, ["Feels listened to.", "Likes the new school."])
    client = world.client_for("inspector")
    sample_page = client.get(reverse("records:sample", args=["home", sample.pk])).content.decode()
    assert f'href="{url(sample)}"' in sample_page
    page = client.get(url(sample)).content.decode()
    assert "The source is the partnership's evidence" in page and "can code it" in page
    form = page_form(page)
    made = submit(client, url(sample), form)
    source = Source.objects.get(kind=Source.Kind.RECORDS)
    assert made.status_code == 302
    assert made["Location"] == reverse("evidence:source", args=["home", source.pk])
    shown = client.get(made["Location"]).content.decode()
    assert "Sample 1&#x27;s notes are now a qualitative source" in shown
    assert "Likes the new school." in shown and "Record 2: " in shown
    # The same form sent again (a double click) makes nothing more and goes to the same source.
    again = submit(client, url(sample), form)
    assert (again.status_code, again["Location"]) == (302, made["Location"])
    assert Source.objects.filter(kind=Source.Kind.RECORDS).count() == 1
    verbs = AuditEntry.objects.filter(verb__in=["source.create", "records.notes_to_source"])
    assert sorted(verbs.values_list("verb", flat=True)) == [
        "records.notes_to_source",
        "source.create",
    ]


def test_every_row_written_is_in_the_audit_log(world: World) -> None:
    sample = moderated(world, ["Feels listened to."])
    ledger = Ledger()
    notes_to_source(world.users["inspector"], sample, {})
    entries = assert_recorded(ledger, "inspector", "notes to source")
    assert {e.verb for e in entries} == {"source.create", "records.notes_to_source"}


def test_the_source_of_an_illustrative_return_is_illustrative(world: World) -> None:
    sample = moderated(world, ["Feels listened to."], illustrative=True)
    assert notes_to_source(world.users["inspector"], sample, {}).is_illustrative


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("lead", 403), ("viewer", 403)])
def test_only_the_inspection_team_may_make_the_notes_a_source(
    world: World, who: str, status: int
) -> None:
    sample = moderated(world, ["Feels listened to."])
    client: Client = world.client_for(who)
    assert client.get(url(sample)).status_code == status
    assert client.post(url(sample), key(world.users[who])).status_code == status
    assert not Source.objects.filter(kind=Source.Kind.RECORDS).exists()


def test_the_action_refuses_a_lead(world: World) -> None:
    sample = moderated(world, ["Feels listened to."])
    with pytest.raises(Refused):
        notes_to_source(world.users["lead"], sample, {})


def test_the_records_are_numbered_in_an_order_the_partnership_cannot_match_to_its_rows(
    world: World,
) -> None:
    sample = moderated(world, [f"Note {n} of the sample." for n in range(1, 13)])
    source = notes_to_source(world.users["inspector"], sample, {})
    labelled = [line.split(": ", 1)[1].strip() for line in source.text.split("\n\n")[1:]]
    by_row = [f"Note {n} of the sample." for n in range(1, 13)]
    assert sorted(labelled) == sorted(by_row)
    assert labelled != by_row


def test_the_page_warns_how_many_records_are_not_yet_moderated_and_how_many_not_read_by_both(
    world: World,
) -> None:
    sample = moderated(world, ["Feels listened to.", "Likes the new school.", ""])
    waiting(world, sample, SIX_WAITING)
    assert not_yet_moderated(sample) == Waiting(records=6, unread=5, total=9)
    page = shown(world, sample)
    start = page.index('<div class="govuk-warning-text" id="not-moderated">')
    warning = page[start : page.index("</div>", start)]
    assert start < page.index(BUTTON)  # above the button
    assert (
        "6 of this sample's 9 records are not yet moderated, and 5 of them have not yet been "
        "read by both readers of their pair." in warning
    )
    assert "notes moderated after it is made will never reach it" in warning
    # It warns, and does not refuse: the team may go ahead, and the source holds the two notes.
    assert BUTTON in page
    source = notes_to_source(world.users["inspector"], sample, {})
    assert NotesSource.objects.get(sample=sample).notes == 2 and "Record 2: " in source.text


def test_one_record_not_yet_moderated_is_warned_of_in_the_singular(world: World) -> None:
    sample = moderated(world, ["Feels listened to."])
    waiting(world, sample, [(SUBMITTED, DRAFT)])
    page = shown(world, sample)
    assert (
        "1 of this sample's 2 records is not yet moderated, and it has not yet been read by both "
        "readers of its pair." in page
    )


def test_records_read_by_both_but_not_moderated_are_warned_of_without_a_count_unread(
    world: World,
) -> None:
    sample = moderated(world, ["Feels listened to."])
    waiting(world, sample, [(SUBMITTED, SUBMITTED), (SUBMITTED, SUBMITTED)])
    page = shown(world, sample)
    assert "2 of this sample's 3 records are not yet moderated." in page
    assert "read by both" not in page


def test_the_page_gives_no_warning_when_every_record_is_moderated(world: World) -> None:
    # One record's agreed note is empty: it is moderated all the same.
    sample = moderated(world, ["Feels listened to.", "Likes the new school.", ""])
    assert not_yet_moderated(sample) == Waiting(records=0, unread=0, total=3)
    page = shown(world, sample)
    assert BUTTON in page
    assert 'id="not-moderated"' not in page and "not yet moderated" not in page


def test_the_refusal_of_a_sample_without_notes_says_how_many_records_are_not_yet_moderated(
    world: World,
) -> None:
    sample = moderated(world, [""])
    waiting(world, sample, SIX_WAITING[:3])
    with pytest.raises(ValidationError) as refused:
        notes_to_source(world.users["inspector"], sample, {})
    assert refused.value.messages == [
        "Sample 1 has no moderated free-text notes yet: a record's notes can be made a source "
        "once its pair's inspector has recorded the agreed answers. 3 of this sample's 4 records "
        "are not yet moderated, and 2 of them have not yet been read by both readers of their "
        "pair."
    ]
    page = shown(world, sample)
    assert "3 of this sample's 4 records are not yet moderated" in page and BUTTON not in page


def test_the_page_says_the_records_are_numbered_in_an_order_of_their_own_not_the_rows(
    world: World,
) -> None:
    page = shown(world, moderated(world, ["Feels listened to.", "Likes the new school."]))
    assert (
        "Record 1, Record 2 and so on, in an order of their own that has nothing to do with the "
        "rows, so that the partnership, which knows the rows, cannot tell which child a note is "
        "about" in page
    )
    assert "sample's order" not in page


def test_the_page_of_a_sample_whose_notes_are_a_source_says_so_links_to_it_and_has_no_button(
    world: World,
) -> None:
    sample = moderated(world, ["Feels listened to."])
    waiting(world, sample, [None])
    source = notes_to_source(world.users["inspector"], sample, {})
    page = shown(world, sample)
    assert '<h1 class="govuk-heading-l">The notes are a qualitative source already</h1>' in page
    assert "Sample 1's notes were made a qualitative source already, on " in page
    assert (
        f'<a class="govuk-link" href="{reverse("evidence:source", args=["home", source.pk])}">'
        f"{source.title}</a>" in page
    )
    assert "notes moderated after it was made are not in it" in page
    assert BUTTON not in page and "<form" not in page.split("<main", 1)[1]
    assert 'id="not-moderated"' not in page
