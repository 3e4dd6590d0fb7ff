"""A sample whose moderated answers a test chooses: the records reading's findings are built from
them (``followup.records.results``). Written directly: tests/records reads through the actions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from followup.records.models import (
    Moderation,
    ReadingTemplate,
    Sample,
    SampledRecord,
    TemplateQuestion,
    TemplateSection,
)
from tests import factories as f


def results_template(inspection: Any) -> ReadingTemplate:
    """A template of three questions: a six-point one evidencing the inspection's first
    evaluation's quality indicator, a yes or no one, and a free text."""
    known = ReadingTemplate.objects.filter(key=f"results-{inspection.pk}").first()
    if known is not None:
        return known
    template = ReadingTemplate.objects.create(
        key=f"results-{inspection.pk}",
        version=1,
        name="Results test template",
        framework=inspection.framework,
        digest="0" * 64,
    )
    section = TemplateSection.objects.create(template=template, order=1, title="Assessment")
    quality_indicator = inspection.evaluations.first().quality_indicator
    grades = TemplateQuestion.objects.create(
        section=section,
        template=template,
        order=1,
        key="assessment",
        prompt="How good is the assessment of the child's needs and risks?",
        records=["social_work"],
        answer="six_point",
    )
    grades.indicators.add(quality_indicator)
    TemplateQuestion.objects.create(
        section=section,
        template=template,
        order=2,
        key="chronology",
        prompt="Is there a chronology of significant events?",
        records=["social_work"],
        answer="yes_no_na",
    )
    TemplateQuestion.objects.create(
        section=section,
        template=template,
        order=3,
        key="notes",
        prompt="Notes",
        records=[],
        answer="free_text",
    )
    return template


def moderated_sample(
    inspection: Any,
    grades: list[str],
    yes_no: list[str] | None = None,
    *,
    purposive: list[str] | None = None,
    unmoderated: int = 0,
    released: bool = True,
) -> Sample:
    """A sample of the inspection whose random records were moderated with ``grades`` (and
    ``yes_no``, "yes" for each by default), ``unmoderated`` random records not yet moderated,
    and purposive records moderated with the grades ``purposive``; the findings released to the
    partnership unless ``released`` is False."""
    template = results_template(inspection)
    answers = yes_no if yes_no is not None else ["yes"] * len(grades)
    purposive = purposive or []
    size = len(grades) + unmoderated + len(purposive)
    sample = f.records_sample(inspection, children=size + 2, drawn=size)
    sample.template = template
    sample.size = len(grades) + unmoderated
    sample.save(update_fields=["template", "size"])
    members = list(SampledRecord.objects.filter(sample=sample).order_by("pk"))
    questions = {q.key: q for q in TemplateQuestion.objects.filter(template=template)}
    made = []
    for member, grade, answer in zip(members, grades, answers, strict=False):
        made += [
            Moderation(member=member, question=questions["assessment"], value=grade),
            Moderation(member=member, question=questions["chronology"], value=answer),
            Moderation(member=member, question=questions["notes"], value="Seen and heard."),
        ]
    on_purpose = members[len(grades) + unmoderated :]
    for member, grade in zip(on_purpose, purposive, strict=True):
        member.purposive = True
        member.reason = "Known to the team"
        member.save(update_fields=["purposive", "reason"])
        made += [
            Moderation(member=member, question=questions["assessment"], value=grade),
            Moderation(member=member, question=questions["chronology"], value="no"),
        ]
    Moderation.objects.bulk_create(made)
    if released:
        sample.released_at = timezone.now()
        sample.save(update_fields=["released_at"])
    return sample
