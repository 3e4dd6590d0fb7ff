"""Every read of the records reading: the inspection team's only (``read_records``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from followup.inspections.models import Inspection
from followup.lib.sampling import margin_of_error
from followup.partnerships.access import (
    AnyUser,
    Capability,
    active,
    partnership_for,
    require,
)
from followup.partnerships.models import Partnership, Role
from followup.records.models import (
    Agency,
    Answer,
    Assignment,
    Cohort,
    FrameRecord,
    Moderation,
    Reading,
    ReadingPair,
    ReadingTemplate,
    RecordsReturn,
    Sample,
    SampledRecord,
    TemplateQuestion,
    TemplateSection,
)
from followup.records.template_files import DEFAULT_TEMPLATE_KEY


def records_inspection(user: AnyUser, slug: str, pk: int) -> Inspection:
    """The inspection whose records reading this is: 404 for another partnership's, 403 for a
    member who is not of the inspection team."""
    partnership = partnership_for(user, slug)
    inspection = get_object_or_404(
        Inspection.objects.select_related("partnership"), partnership=partnership, pk=pk
    )
    require(user, partnership, Capability.READ_RECORDS)
    return inspection


def sample_for(user: AnyUser, slug: str, pk: int) -> Sample:
    """A sample of one of the partnership's returns, for the inspection team."""
    partnership = partnership_for(user, slug)
    sample = get_object_or_404(
        Sample.objects.select_related("frame__inspection__partnership", "replaces", "template"),
        frame__inspection__partnership=partnership,
        pk=pk,
    )
    require(user, partnership, Capability.READ_RECORDS)
    return sample


def reading_template_for(
    user: AnyUser, slug: str, pk: int, template: int
) -> tuple[Inspection, ReadingTemplate]:
    """A template of the library, shown from an inspection's records reading (``read_records``):
    the templates are shared, but only the inspection team reads them here."""
    inspection = records_inspection(user, slug, pk)
    found = get_object_or_404(ReadingTemplate.objects.select_related("framework"), pk=template)
    return inspection, found


def reading_templates() -> QuerySet[ReadingTemplate]:
    """Every loaded version of every template: a sample may read with any."""
    return ReadingTemplate.objects.select_related("framework").order_by("name", "-version")


def default_reading_template() -> ReadingTemplate | None:
    """The newest version of Followup's own default template, if it is loaded."""
    return ReadingTemplate.objects.filter(key=DEFAULT_TEMPLATE_KEY).order_by("-version").first()


def reading_template_sections(template: ReadingTemplate) -> list[TemplateSection]:
    """The template's sections in order, each with its questions and their indicators."""
    questions = TemplateQuestion.objects.order_by("order").prefetch_related("indicators")
    return list(
        TemplateSection.objects.filter(template=template)
        .order_by("order")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )


def current_frame(inspection: Inspection) -> RecordsReturn | None:
    """The inspection's newest return: the frame samples are drawn from now."""
    return (
        RecordsReturn.objects.filter(inspection=inspection).order_by("-uploaded_at", "-id").first()
    )


def frame_records(frame: RecordsReturn) -> list[FrameRecord]:
    return list(FrameRecord.objects.filter(frame=frame).order_by("row"))


def samples_of(frame: RecordsReturn) -> list[Sample]:
    """The frame's samples, newest first: the first is the one in use."""
    return list(Sample.objects.filter(frame=frame).select_related("template").order_by("-number"))


def is_current(sample: Sample) -> bool:
    """Whether the sample is the newest of the inspection's newest return."""
    frame = current_frame(sample.frame.inspection)
    return (
        frame is not None
        and frame.pk == sample.frame_id
        and not Sample.objects.filter(frame=frame, number__gt=sample.number).exists()
    )


def sample_members(sample: Sample) -> list[SampledRecord]:
    return list(
        SampledRecord.objects.filter(sample=sample)
        .select_related("record")
        .order_by("purposive", "record__row")
    )


def _percent(share: float) -> str:
    """A share as a percentage with one decimal place: "12.5%"."""
    return f"{100 * share:.1f}%"


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    share: float  # of the whole: 0.25 is a quarter

    @property
    def percent(self) -> str:
        return _percent(self.share)


def _counts(labels: list[tuple[str, int]], total: int) -> list[Count]:
    return [Count(label, n, n / total if total else 0.0) for label, n in labels]


@dataclass(frozen=True)
class FrameSummary:
    total: int
    strata: list[Count]  # each child once, in the first of their cohorts
    cohorts: list[Count]  # a child in several cohorts counted in each
    agencies: list[Count]
    age_bands: list[Count]
    teams: int


def frame_summary(frame: RecordsReturn) -> FrameSummary:
    records = frame_records(frame)
    total = len(records)
    strata = Counter(r.stratum for r in records)
    bands = Counter(r.age_band for r in records)
    return FrameSummary(
        total=total,
        strata=_counts([(str(c.label), strata[c.value]) for c in Cohort], total),
        cohorts=_counts(
            [(str(c.label), sum(getattr(r, c.value) for r in records)) for c in Cohort], total
        ),
        agencies=_counts(
            [(str(a.label), sum(getattr(r, a.value) for r in records)) for a in Agency], total
        ),
        age_bands=_counts(sorted(bands.items(), key=lambda item: _band_order(item[0])), total),
        teams=len({r.team for r in records if r.team}),
    )


def _band_order(band: str) -> tuple[int, str]:
    digits = "".join(ch if ch.isdigit() else " " for ch in band).split()
    return (int(digits[0]) if digits else -1, band)


@dataclass(frozen=True)
class Stratum:
    label: str
    in_frame: int
    frame_share: float
    drawn: int
    drawn_share: float  # of the random sample only
    purposive: int

    @property
    def frame_percent(self) -> str:
        return _percent(self.frame_share)

    @property
    def drawn_percent(self) -> str:
        return _percent(self.drawn_share)


@dataclass(frozen=True)
class SampleSummary:
    population: int
    drawn: int
    purposive: int
    margin: float | None  # of the random sample, at 95%; None if it is empty
    strata: list[Stratum]

    @property
    def margin_points(self) -> str:
        """The margin of error in percentage points: "±14.4"."""
        return "" if self.margin is None else f"±{100 * self.margin:.1f}"


def sample_summary(sample: Sample, members: list[SampledRecord]) -> SampleSummary:
    """Strata in the frame and in the random sample (purposive additions apart), and the random
    sample's margin of error."""
    frame = Counter(
        FrameRecord.objects.filter(frame_id=sample.frame_id).values_list("stratum", flat=True)
    )
    population = sum(frame.values())
    drawn = Counter(m.record.stratum for m in members if not m.purposive)
    added = Counter(m.record.stratum for m in members if m.purposive)
    size = sum(drawn.values())
    strata = [
        Stratum(
            str(c.label),
            frame[c.value],
            frame[c.value] / population if population else 0.0,
            drawn[c.value],
            drawn[c.value] / size if size else 0.0,
            added[c.value],
        )
        for c in Cohort
    ]
    margin = margin_of_error(size, population) if size and population else None
    return SampleSummary(population, size, sum(added.values()), margin, strata)


# The paired, blind reading. A reading's answers reach a page only through ``record_view``, which
# shows a reader their partner's answers once both readings are submitted, and never before.


def local_readers(partnership: Partnership) -> QuerySet[User]:
    """The partnership's local readers whose membership counts today: those a pair may take."""
    return User.objects.filter(
        Q(memberships__in=partnership.memberships.filter(active(), role=Role.READER)),
        is_active=True,
    ).order_by("username")


def pair_inspectors(partnership: Partnership) -> QuerySet[User]:
    """The partnership's inspectors whose assignment counts today."""
    return User.objects.filter(
        Q(memberships__in=partnership.memberships.filter(active(), role=Role.INSPECTOR)),
        is_active=True,
    ).order_by("username")


def template_questions(template: ReadingTemplate) -> list[TemplateQuestion]:
    return list(TemplateQuestion.objects.filter(template=template).order_by("order"))


def sample_pairs(sample: Sample) -> list[ReadingPair]:
    return list(
        ReadingPair.objects.filter(sample=sample)
        .select_related("inspector", "reader")
        .order_by("number")
    )


def reading_member(user: AnyUser, slug: str, pk: int) -> SampledRecord:
    """A sampled record of one of the partnership's samples, for the members who read records
    (``read_assigned_records``; 403 for other members, 404 for anyone else). Whether the user is
    in its pair is the caller's to ask (``actions_reading.in_pair``): 404 if not."""
    partnership = partnership_for(user, slug)
    member = get_object_or_404(
        SampledRecord.objects.select_related(
            "record", "sample__template", "sample__frame__inspection__partnership"
        ),
        sample__frame__inspection__partnership=partnership,
        pk=pk,
    )
    require(user, partnership, Capability.READ_ASSIGNED_RECORDS)
    return member


def sampled_record_for(user: AnyUser, slug: str, pk: int) -> SampledRecord:
    """A sampled record of one of the partnership's samples, for the inspection team."""
    partnership = partnership_for(user, slug)
    member = get_object_or_404(
        SampledRecord.objects.select_related(
            "record", "sample__frame__inspection__partnership", "assignment__pair"
        ),
        sample__frame__inspection__partnership=partnership,
        pk=pk,
    )
    require(user, partnership, Capability.READ_RECORDS)
    return member


@dataclass(frozen=True)
class Shared:
    """A record of a sample, the pair it is assigned to, and whether its reading has begun."""

    member: SampledRecord
    pair: int | None
    begun: bool


def shared_records(sample: Sample) -> list[Shared]:
    members = sample_members(sample)
    pairs = dict(
        Assignment.objects.filter(member__sample=sample).values_list("member_id", "pair__number")
    )
    begun = set(Reading.objects.filter(member__sample=sample).values_list("member_id", flat=True))
    return [Shared(m, pairs.get(m.pk), m.pk in begun) for m in members]


def pair_readings(member: SampledRecord, pair: ReadingPair) -> list[Reading]:
    """The pair's readings of the record: the inspector's first, then the reader's."""
    found = {
        r.reader_id: r
        for r in Reading.objects.filter(
            member=member, reader_id__in=[pair.inspector_id, pair.reader_id]
        )
    }
    return [found[i] for i in (pair.inspector_id, pair.reader_id) if i in found]


def answers_by_question(readings: list[Reading]) -> dict[int, tuple[str, ...]]:
    """Each question's answers in the readings' order (the inspector's, then the reader's)."""
    values: dict[int, list[str]] = {}
    by_reading = {r.pk: n for n, r in enumerate(readings)}
    for answer in Answer.objects.filter(reading__in=readings):
        slot = values.setdefault(answer.question_id, [""] * len(readings))
        slot[by_reading[answer.reading_id]] = answer.value
    return {question: tuple(given) for question, given in values.items()}


@dataclass(frozen=True)
class Line:
    """One question of a record's page, as the user may see it."""

    question: TemplateQuestion
    mine: str
    theirs: str | None  # None until both readings are submitted
    moderated: Moderation | None

    @property
    def agreed(self) -> bool:
        return self.theirs is not None and self.mine == self.theirs


@dataclass(frozen=True)
class RecordView:
    member: SampledRecord
    pair: ReadingPair
    mine: Reading | None
    partner_submitted: bool
    both_submitted: bool
    sections: list[tuple[TemplateSection, list[Line]]]
    moderated: bool


def record_view(user: AnyUser, member: SampledRecord, pair: ReadingPair) -> RecordView:
    """What the user, one of the record's pair, sees of its readings: their own answers; their
    partner's only once both are submitted (whether the partner has submitted, not what); and
    the moderated answers."""
    readings = pair_readings(member, pair)
    mine = next((r for r in readings if r.reader_id == user.pk), None)
    partner = next((r for r in readings if r.reader_id != user.pk), None)
    both = mine is not None and partner is not None and mine.submitted and partner.submitted
    shown = [r for r in (mine, partner) if r is not None and (r is mine or both)]
    given = answers_by_question(shown)
    moderations = {m.question_id: m for m in Moderation.objects.filter(member=member)}
    sections = []
    template = member.sample.template
    for section in reading_template_sections(template) if template else []:
        lines = []
        for question in section.questions.all():
            values = given.get(question.pk, ("",) * len(shown))
            lines.append(
                Line(
                    question,
                    values[0] if mine is not None else "",
                    values[1] if both else None,
                    moderations.get(question.pk),
                )
            )
        sections.append((section, lines))
    return RecordView(
        member,
        pair,
        mine,
        partner is not None and partner.submitted,
        both,
        sections,
        bool(moderations),
    )


@dataclass(frozen=True)
class Queued:
    member: SampledRecord
    pair: ReadingPair
    status: str  # "Not started", "Draft", "Submitted", "Moderated"


def reading_queue(user: AnyUser, slug: str) -> tuple[Partnership, list[Queued]]:
    """The records assigned to the user's pairs in the partnership, in the newest samples first,
    by row, each with the user's own status (never the partner's answers)."""
    partnership = partnership_for(user, slug)
    require(user, partnership, Capability.READ_ASSIGNED_RECORDS)
    assignments = (
        Assignment.objects.filter(
            Q(pair__inspector_id=user.pk) | Q(pair__reader_id=user.pk),
            member__sample__frame__inspection__partnership=partnership,
        )
        .select_related("member__record", "member__sample", "pair")
        .order_by("-member__sample__drawn_at", "member__record__row")
    )
    members = [a.member_id for a in assignments]
    status = dict(
        Reading.objects.filter(member_id__in=members, reader_id=user.pk).values_list(
            "member_id", "status"
        )
    )
    moderated = set(
        Moderation.objects.filter(member_id__in=members).values_list("member_id", flat=True)
    )
    queued = []
    for a in assignments:
        label = "Not started"
        if a.member_id in moderated:
            label = "Moderated"
        elif a.member_id in status:
            label = Reading.Status(status[a.member_id]).label
        queued.append(Queued(a.member, a.pair, str(label)))
    return partnership, queued


@dataclass(frozen=True)
class Progress:
    label: str
    assigned: int
    drafts: int
    submitted: int  # readings, two a record
    both: int  # records with both readings submitted
    moderated: int


def reading_progress(sample: Sample) -> tuple[list[Progress], Progress, int]:
    """Counts only, per pair and overall, and the records not yet assigned: nobody's answers."""
    pairs = sample_pairs(sample)
    assigned = dict(
        Assignment.objects.filter(member__sample=sample).values_list("member_id", "pair_id")
    )
    readings = list(
        Reading.objects.filter(member__sample=sample).values_list(
            "member_id", "reader_id", "status"
        )
    )
    moderated = set(
        Moderation.objects.filter(member__sample=sample).values_list("member_id", flat=True)
    )
    rows = []
    for pair in pairs:
        mine = {m for m, p in assigned.items() if p == pair.pk}
        own = [(m, s) for m, r, s in readings if m in mine and pair.has(r)]
        done = Counter(m for m, s in own if s == Reading.Status.SUBMITTED)
        rows.append(
            Progress(
                f"Pair {pair.number}: {pair.inspector} and {pair.reader}",
                len(mine),
                sum(s == Reading.Status.DRAFT for _, s in own),
                sum(done.values()),
                sum(n == 2 for n in done.values()),
                len(mine & moderated),
            )
        )
    total = Progress(
        "All pairs",
        sum(row.assigned for row in rows),
        sum(row.drafts for row in rows),
        sum(row.submitted for row in rows),
        sum(row.both for row in rows),
        sum(row.moderated for row in rows),
    )
    unassigned = SampledRecord.objects.filter(sample=sample).count() - len(assigned)
    return rows, total, unassigned


def my_answers(member: SampledRecord, reader_id: int | None) -> dict[str, str]:
    """The reader's own answers to the record as stored, by their field's name (``q-<key>``):
    none before they first save."""
    return {
        f"q-{key}": value
        for key, value in Answer.objects.filter(
            reading__member=member, reading__reader_id=reader_id
        ).values_list("question__key", "value")
    }
