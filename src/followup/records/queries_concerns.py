"""Every read of the concerns raised while reading records: the inspection team's only
(``read_records``). The pair's local reader raises a concern but never sees the list."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from followup.partnerships.access import AnyUser, Capability, partnership_for, require
from followup.records.models import Concern, Sample, TemplateQuestion, Urgency


def sample_concerns(sample: Sample) -> list[Concern]:
    """The sample's concerns: those not yet recorded as passed on first, the most urgent and
    then the newest first within each."""
    urgency = Case(
        *(When(urgency=value, then=Value(n)) for n, value in enumerate(Urgency.values)),
        default=Value(len(Urgency.values)),
        output_field=IntegerField(),
    )
    return list(
        Concern.objects.filter(member__sample=sample)
        .select_related("member__record", "question", "raised_by", "recorded_by")
        .annotate(done=Case(When(recorded_at__isnull=True, then=Value(0)), default=Value(1)))
        .annotate(order=urgency)
        .order_by("done", "order", "-raised_at", "-pk")
    )


def waiting_count(sample: Sample) -> int:
    """How many of the sample's concerns are not yet recorded as passed on."""
    return Concern.objects.filter(member__sample=sample, recorded_at__isnull=True).count()


def concern_for(user: AnyUser, slug: str, pk: int) -> Concern:
    """A concern about a record of one of the partnership's samples, for the inspection team
    (403 for other members, 404 for anyone else)."""
    partnership = partnership_for(user, slug)
    concern = get_object_or_404(
        Concern.objects.select_related(
            "member__record", "member__sample__frame__inspection__partnership", "question"
        ),
        member__sample__frame__inspection__partnership=partnership,
        pk=pk,
    )
    require(user, partnership, Capability.READ_RECORDS)
    return concern


def concern_questions(sample: Sample) -> QuerySet[TemplateQuestion]:
    """The questions a concern may have arisen from: those of the sample's template."""
    if sample.template_id is None:
        return TemplateQuestion.objects.none()
    return TemplateQuestion.objects.filter(template_id=sample.template_id).order_by(
        "section__order", "order"
    )
