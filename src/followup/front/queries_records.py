"""The reads behind making a sample's moderated free-text notes a qualitative source: which notes
there are, question by question, which are left out, and the source already made of them.

The notes are read for the inspection team only: the caller has found the sample through
``records.queries.sample_for``, which requires ``read_records``."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings

from followup.front.models import NotesSource
from followup.records.models import (
    AnswerType,
    Assignment,
    Moderation,
    Reading,
    Sample,
    SampledRecord,
)
from followup.records.returns import identifier_in_text

TITLE_CHARS = 300  # Source.title's length


@dataclass(frozen=True)
class QuestionNotes:
    """One free-text question's agreed notes that go into the source, each with the label of
    its record ("Record 2"), and how many of its notes are left out."""

    prompt: str
    notes: list[tuple[str, str]]  # (label, note), by the records' numbers
    left_out: int


@dataclass(frozen=True)
class SampleNotes:
    questions: list[QuestionNotes]  # every free-text question with a note, kept or left out

    @property
    def kept(self) -> int:
        return sum(len(q.notes) for q in self.questions)

    @property
    def left_out(self) -> int:
        return sum(q.left_out for q in self.questions)

    @property
    def text(self) -> str:
        """The source's text: each question's prompt as a heading line, then each of its notes
        as a paragraph of its own, labelled with its record's number in the sample."""
        blocks = []
        for question in self.questions:
            if question.notes:
                blocks.append(question.prompt)
                blocks += [f"{label}: {note}" for label, note in question.notes]
        return "\n\n".join(blocks) + "\n"


def _one_paragraph(text: str) -> str:
    """A note with its blank lines and trailing spaces taken out, so it stays one paragraph."""
    lines = (line.strip() for line in text.strip().splitlines())
    return "\n".join(line for line in lines if line)


def _shuffled(member: int) -> bytes:
    """A record's place among the notes: a keyed hash of its id (HMAC-SHA256 with
    ``FOLLOWUP_RECORDS_KEY``), the same every time but unrelated to its row, so that the
    partnership, which knows the rows it supplied, cannot tell which child "Record 1" is."""
    return hmac.new(settings.RECORDS_KEY, f"notes:{member}".encode(), hashlib.sha256).digest()


def sample_notes(sample: Sample) -> SampleNotes:
    """The sample's moderated, non-empty free-text answers, by question in the template's order.
    A note that looks like it holds a child's identifier (``identifier_in_text``: a date, a
    postcode, a CHI number and so on) is left out and counted. The records keep no row or
    reference here: those with a note kept are numbered 1, 2, … in an order of their own
    (``_shuffled``), never the rows'."""
    order = sorted(
        SampledRecord.objects.filter(sample=sample).values_list("pk", flat=True), key=_shuffled
    )
    moderations = (
        Moderation.objects.filter(member__sample=sample, question__answer=AnswerType.FREE_TEXT)
        .select_related("question")
        .order_by("question__order", "question_id")
    )
    prompts: dict[int, str] = {}
    kept: dict[int, dict[int, str]] = {}  # question: {member: note}
    left_out: dict[int, int] = {}
    for moderation in moderations:
        note = _one_paragraph(moderation.value)
        if not note:
            continue
        question = moderation.question
        prompts[question.pk] = " ".join(question.prompt.split())
        kept.setdefault(question.pk, {})
        if identifier_in_text(note):
            left_out[question.pk] = left_out.get(question.pk, 0) + 1
        else:
            kept[question.pk][moderation.member_id] = note
    with_notes = {member for notes in kept.values() for member in notes}
    number = {member: n for n, member in enumerate((m for m in order if m in with_notes), 1)}
    return SampleNotes(
        [
            QuestionNotes(
                prompt,
                [
                    (f"Record {number[member]}", kept[question][member])
                    for member in sorted(kept[question], key=number.__getitem__)
                ],
                left_out.get(question, 0),
            )
            for question, prompt in prompts.items()
        ]
    )


@dataclass(frozen=True)
class Waiting:
    """The sample's records whose notes a source made now would not hold, as they are not
    moderated yet: ``records`` of its ``total``, and of those, ``unread`` not yet read by both
    readers of their pair (not assigned to a pair, or a reading not yet submitted)."""

    records: int
    unread: int
    total: int

    def sentence(self) -> str:
        """The warning's words, such as "3 of this sample's 12 records are not yet moderated, and
        2 of them have not yet been read by both readers of their pair."."""
        one = self.records == 1
        said = (
            f"{self.records} of this sample's {self.total} record{'' if self.total == 1 else 's'}"
            f" {'is' if one else 'are'} not yet moderated"
        )
        if self.unread:
            who = "it has" if one else f"{self.unread} of them have"
            said += (
                f", and {who} not yet been read by both readers of {'its' if one else 'their'} pair"
            )
        return said + "."


def not_yet_moderated(sample: Sample) -> Waiting:
    """How many of the sample's records have no moderated answers yet, and how many of those have
    not been read by both readers of their pair: counts only, for the page that makes the notes a
    source. A record is moderated all at once (``records.actions_reading.moderate``), and read by
    both once its pair's inspector and reader have each submitted a reading of it."""
    members = set(SampledRecord.objects.filter(sample=sample).values_list("pk", flat=True))
    moderated = set(
        Moderation.objects.filter(member__sample=sample).values_list("member_id", flat=True)
    )
    pairs = Assignment.objects.filter(member__sample=sample).values_list(
        "member_id", "pair__inspector_id", "pair__reader_id"
    )
    submitted = set(
        Reading.objects.filter(member__sample=sample, status=Reading.Status.SUBMITTED).values_list(
            "member_id", "reader_id"
        )
    )
    read = {
        member
        for member, inspector, reader in pairs
        if (member, inspector) in submitted and (member, reader) in submitted
    }
    waiting = members - moderated
    return Waiting(len(waiting), len(waiting - read), len(members))


def notes_title(sample: Sample) -> str:
    """The source's title: "Records reading notes: <inspection>, sample 2"."""
    title = re.sub(r"\s+", " ", sample.frame.inspection.title).strip()
    start, end = "Records reading notes: ", f", sample {sample.number}"
    room = TITLE_CHARS - len(start) - len(end)
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return f"{start}{title}{end}"


def notes_source_of(sample: Sample) -> NotesSource | None:
    """The link to the source the sample's notes were made into, if they were."""
    return NotesSource.objects.filter(sample=sample).select_related("source", "made_by").first()
