"""Every read of the records reading: the inspection team's only (``read_records``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from followup.inspections.models import Inspection
from followup.lib.sampling import margin_of_error
from followup.partnerships.access import AnyUser, Capability, partnership_for, require
from followup.records.models import (
    Agency,
    Cohort,
    FrameRecord,
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
