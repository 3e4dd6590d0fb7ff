"""Every write of the paired, blind reading of a sample's records: setting up the pairs
(an inspector and a local reader), sharing the records among them, each reader's draft and
submitted reading, and the moderated answers. The pairs and the sharing are the inspection
team's (``read_records``); a reading is its reader's own (``read_assigned_records``, in the
record's pair); the moderation is the pair's inspector's, once both readings are submitted. Each view of a
record's readings is recorded too (``record_viewed``): read access is audited as writes are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from followup.audit import writes
from followup.audit.log import record
from followup.partnerships.access import AnyUser, Capability, Refused, capabilities, require
from followup.records import queries
from followup.records.models import (
    Answer,
    AnswerType,
    Assignment,
    Moderation,
    Reading,
    ReadingPair,
    Sample,
    SampledRecord,
    TemplateQuestion,
)
from followup.records.returns import identifier_in_text

MAX_TEXT = 1000
MAX_RATIONALE = 500
CHOICES: dict[str, tuple[str, ...]] = {
    AnswerType.SIX_POINT: ("1", "2", "3", "4", "5", "6", "na"),
    AnswerType.YES_NO_NA: ("yes", "no", "na"),
}
EXPECTED: dict[str, str] = {
    AnswerType.SIX_POINT: "a grade from 1 to 6, or not applicable",
    AnswerType.YES_NO_NA: "yes, no or not applicable",
}


def _no_template(sample: Sample) -> ValidationError:
    return ValidationError(
        f"Sample {sample.number} has no reading template, so its records cannot be read: draw a "
        "sample with a template to read it."
    )


def add_pair(user: AnyUser, sample: Sample, data: Mapping[str, Any]) -> ReadingPair:
    """Pair an inspector (who holds ``read_records``) with a local reader of the partnership, to
    read some of the sample's records."""
    partnership = sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_RECORDS)
    if sample.template_id is None:
        raise _no_template(sample)
    inspector, reader = data.get("inspector"), data.get("reader")
    if not isinstance(inspector, User) or Capability.READ_RECORDS not in capabilities(
        inspector, partnership
    ):
        raise ValidationError({"inspector": "Choose an inspector assigned to this partnership"})
    active_readers = queries.local_readers(partnership)
    if not isinstance(reader, User) or not active_readers.filter(pk=reader.pk).exists():
        raise ValidationError({"reader": "Choose a local reader of this partnership"})
    with transaction.atomic():
        writes.lock(sample)
        if ReadingPair.objects.filter(sample=sample, inspector=inspector, reader=reader).exists():
            raise ValidationError(
                {"reader": f"{reader} already reads with {inspector}: choose another reader"}
            )
        number = ReadingPair.objects.filter(sample=sample).count() + 1
        pair = ReadingPair(sample=sample, number=number, inspector=inspector, reader=reader)
        return writes.create(user, "reading_pair.create", pair, partnership)


def assign_records(user: AnyUser, sample: Sample) -> int:
    """Share the sample's records not yet assigned among its pairs, in turn, in row order;
    return how many were assigned. Records assigned before keep their pair."""
    partnership = sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_RECORDS)
    if sample.template_id is None:
        raise _no_template(sample)
    with transaction.atomic():
        writes.lock(sample)
        pairs = list(ReadingPair.objects.filter(sample=sample).order_by("number"))
        if not pairs:
            raise ValidationError("Set up a reading pair first: there is nobody to read them.")
        waiting = list(
            SampledRecord.objects.filter(sample=sample, assignment__isnull=True).order_by(
                "record__row"
            )
        )
        start = Assignment.objects.filter(member__sample=sample).count()
        for n, member in enumerate(waiting):
            pair = pairs[(start + n) % len(pairs)]
            writes.create(user, "record.assign", Assignment(member=member, pair=pair), partnership)
    return len(waiting)


def reassign(user: AnyUser, member: SampledRecord, pair: ReadingPair) -> Assignment:
    """Give a record to another pair of its sample, while nobody has saved a reading of it."""
    partnership = member.sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_RECORDS)
    if pair.sample_id != member.sample_id:
        raise ValidationError({"pair": "Choose a pair of this record's sample"})
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().filter(member=member).first()
        if Reading.objects.filter(member=member).exists():
            raise ValidationError(
                {"pair": "This record's reading has begun: it stays with the pair reading it"}
            )
        if assignment is None:
            return writes.create(
                user, "record.assign", Assignment(member=member, pair=pair), partnership
            )
        return writes.update(user, "record.reassign", assignment, partnership, {"pair": pair})


def in_pair(user: AnyUser, member: SampledRecord) -> ReadingPair:
    """The record's pair if the user is in it: 404 otherwise (a record of another pair is, for
    a reader, as if it did not exist), 403 for a member who reads no records."""
    partnership = member.sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_ASSIGNED_RECORDS)
    assignment = Assignment.objects.select_related("pair").filter(member=member).first()
    if assignment is None or not assignment.pair.has(user.pk):
        raise Http404("No such page.")
    return assignment.pair


# The pages that show a record's readings, as the audit entry of a view names them.
RECORD_PAGE = "the record's page"
MODERATION_PAGE = "the moderation page"


def record_viewed(user: AnyUser, member: SampledRecord, page: str) -> None:
    """Record that the user was shown the record's readings (``page``: ``RECORD_PAGE`` or
    ``MODERATION_PAGE``), as a write is recorded: who, in which partnership, which sampled
    record (by its row and reference, nothing of the child's) and which page. Call once the
    user is known to be of the record's pair, before the page is drawn."""
    partnership = member.sample.frame.inspection.partnership
    record(user, "record.view", member, {"page": [None, page]}, partnership)


def short(prompt: str, most: int = 70) -> str:
    """A question's prompt as an error message names it: whole up to ``most`` characters, cut
    at a word and marked with an ellipsis beyond."""
    words = " ".join(prompt.split()).rstrip(".?")
    if len(words) <= most:
        return words
    return words[:most].rsplit(" ", 1)[0] + "…"


def clean_answer(question: TemplateQuestion, raw: Any, *, required: bool) -> str:
    """An answer as stored, or a ValidationError naming the question's field and what it
    expects."""
    field = f"q-{question.key}"
    value = str(raw if raw is not None else "").strip()
    if question.answer in CHOICES:
        if value and value not in CHOICES[question.answer]:
            raise ValidationError({field: f"Choose {EXPECTED[question.answer]}"})
        if required and not value:
            raise ValidationError(
                {field: f"Answer “{short(question.prompt)}”: choose {EXPECTED[question.answer]}"}
            )
        return value
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"Write at most {MAX_TEXT} characters"})
    found = identifier_in_text(value)
    if found:
        raise ValidationError(
            {field: f"This holds what looks like {found}: write without identifying the child"}
        )
    return value


def clean_answers(
    questions: list[TemplateQuestion], data: Mapping[str, Any], *, required: bool
) -> dict[int, str]:
    """Every question's answer as stored (by question id), or one ValidationError naming every
    question at fault, so that a reader is told all that is missing at once. ``required``: a
    grade or yes-or-no answer is needed for every question that takes one."""
    values: dict[int, str] = {}
    problems: dict[str, list[str]] = {}
    for question in questions:
        try:
            values[question.pk] = clean_answer(
                question,
                data.get(f"q-{question.key}"),
                required=required and question.answer in CHOICES,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.setdefault(field, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    return values


def save_reading(
    user: AnyUser,
    member: SampledRecord,
    data: Mapping[str, Any],
    *,
    submit: bool = False,
    saved: str | None = None,
) -> Reading:
    """Save the user's reading of a record of their pair: a draft keeps what is answered so far;
    submitting needs every question with a grade or yes/no answered, and closes the reading
    for good. ``saved`` is when the reading was last saved as the page was opened ("" if it had
    not been): if it was saved again since, from another tab or window, nothing is saved, so
    that an older page never overwrites newer answers."""
    partnership = member.sample.frame.inspection.partnership
    pair = in_pair(user, member)
    me = pair.inspector_id if pair.inspector_id == user.pk else pair.reader_id
    template = member.sample.template
    if template is None:
        raise _no_template(member.sample)
    questions = queries.template_questions(template)
    values = clean_answers(questions, data, required=submit)
    with transaction.atomic():
        writes.lock(member)
        reading = Reading.objects.filter(member=member, reader_id=me).first()
        if reading is not None and reading.submitted:
            raise ValidationError(
                "You submitted this reading already: it is kept as it was submitted."
            )
        now_saved = reading.saved_at.isoformat() if reading is not None else ""
        if saved is not None and saved != now_saved:
            raise ValidationError(
                "You saved this reading again in another tab or window since you opened this "
                "page: nothing was saved here. Open the record again to see your latest answers."
            )
        if reading is None:
            reading = writes.create(
                user, "reading.start", Reading(member=member, reader_id=me), partnership
            )
        kept = {a.question_id: a for a in Answer.objects.filter(reading=reading)}
        changed = [q.key for q in questions if values[q.pk] != getattr(kept.get(q.pk), "value", "")]
        for question in questions:
            answer = kept.get(question.pk)
            if answer is None:
                Answer.objects.create(reading=reading, question=question, value=values[question.pk])
            elif answer.value != values[question.pk]:
                answer.value = values[question.pk]
                answer.save(update_fields=["value"])
        fields = ["saved_at"]
        if submit:
            reading.status = Reading.Status.SUBMITTED
            reading.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
        reading.save(update_fields=fields)
        # The answers themselves are kept in their rows, not in the log: which questions changed.
        record(
            user,
            "reading.submit" if submit else "reading.save",
            reading,
            {"answers changed": [None, ", ".join(changed) or "none"]}
            | ({"status": ["Draft", "Submitted"]} if submit else {}),
            partnership,
        )
    return reading


def may_moderate(user: AnyUser, pair: ReadingPair) -> None:
    """Refuse (403) the pair's reader: the pair's inspector records the moderated answers."""
    if pair.inspector_id != user.pk:
        raise Refused(
            Capability.READ_ASSIGNED_RECORDS,
            "Only the pair's inspector records the moderated answers.",
            "Agree the answers with your inspector: they record them.",
        )


def _reason_problem(rationale: str, needed: bool) -> str:
    """What is wrong with a moderation's reason, or "" if nothing."""
    if len(rationale) > MAX_RATIONALE:
        return f"Write the reason in at most {MAX_RATIONALE} characters"
    found = identifier_in_text(rationale)
    if found:
        return f"This holds what looks like {found}: write without identifying the child"
    if needed and not rationale:
        return "Say in a few words why this is the agreed answer"
    return ""


def _agreed(
    questions: list[TemplateQuestion],
    data: Mapping[str, Any],
    given: dict[int, tuple[str, ...]],
) -> list[tuple[TemplateQuestion, str, str]]:
    """Each question's agreed answer and reason, or one ValidationError naming every answer and
    reason at fault: an answer to every grade and yes-or-no question, and a reason wherever the
    readings differ or the agreed answer is neither's."""
    problems: dict[str, list[str]] = {}
    agreed = []
    for question in questions:
        rationale = str(data.get(f"why-{question.key}", "") or "").strip()
        first, second = given.get(question.pk, ("", ""))
        try:
            value = clean_answer(
                question, data.get(f"q-{question.key}"), required=question.answer in CHOICES
            )
        except ValidationError as error:
            problems.update(error.message_dict)
            value = None
        needed = (
            question.answer in CHOICES and value is not None and (first != second or value != first)
        )
        problem = _reason_problem(rationale, needed)
        if problem:
            problems[f"why-{question.key}"] = [problem]
        agreed.append((question, value or "", rationale))
    if problems:
        raise ValidationError(problems)
    return agreed


def moderate(user: AnyUser, member: SampledRecord, data: Mapping[str, Any]) -> list[Moderation]:
    """Record the pair's agreed answer to every question, once both readings are submitted:
    where the two differ, or the agreed answer is neither's, with the reason. The pair's
    inspector moderates; both readings are kept as they were submitted."""
    partnership = member.sample.frame.inspection.partnership
    pair = in_pair(user, member)
    may_moderate(user, pair)
    template = member.sample.template
    if template is None:
        raise _no_template(member.sample)
    questions = queries.template_questions(template)
    with transaction.atomic():
        writes.lock(member)
        readings = queries.pair_readings(member, pair)
        if len(readings) < 2 or not all(r.submitted for r in readings):
            raise ValidationError(
                "Both readings must be submitted before the answers are moderated."
            )
        if Moderation.objects.filter(member=member).exists():
            raise ValidationError("This record is moderated already: the answers are kept.")
        agreed = _agreed(questions, data, queries.answers_by_question(readings))
        made = []
        for question, value, rationale in agreed:
            moderation = Moderation(
                member=member,
                question=question,
                value=value,
                rationale=rationale,
                moderated_by=user if isinstance(user, User) else None,
            )
            made.append(writes.create(user, "record.moderate", moderation, partnership))
    return made
