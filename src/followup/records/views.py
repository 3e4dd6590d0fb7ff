from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from followup.lib.dates import day
from followup.lib.sampling import margin_of_error, size_for_margin
from followup.records import actions, queries, queries_concerns, queries_retention
from followup.records.forms import PurposiveForm, ReturnForm, SampleForm
from followup.records.models import RecordsReturn
from followup.records.results import released_sample
from followup.web.pages import create_page, posted, posted_files
from followup.web.requestsize import takes_files

SUGGESTED_SIZE = 40


@require_safe
@login_required
def reading(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.records_inspection(request.user, slug, pk)
    frame = queries.current_frame(inspection)
    samples = queries.samples_of(frame) if frame else []
    deletion = queries_retention.records_deletion_of(inspection)
    return render(
        request,
        "records/reading.html",
        {
            "inspection": inspection,
            "partnership": inspection.partnership,
            "frame": frame,
            "summary": queries.frame_summary(frame) if frame else None,
            "samples": samples,
            "concerns_waiting": queries_concerns.waiting_count(samples[0]) if samples else 0,
            "templates": queries.reading_templates(),
            "deletion": deletion,
            "deleted_on": day(timezone.localdate(deletion.deleted_at)) if deletion else "",
            "published_on": day(deletion.published_on) if deletion else "",
        },
    )


@require_safe
@login_required
def template(request: HttpRequest, slug: str, pk: int, template: int) -> HttpResponse:
    """A reading template's sections and questions, for the inspection team."""
    inspection, shown = queries.reading_template_for(request.user, slug, pk, template)
    sections = queries.reading_template_sections(shown)
    questions = [question for section in sections for question in section.questions.all()]
    return render(
        request,
        "records/template.html",
        {
            "inspection": inspection,
            "partnership": inspection.partnership,
            "template": shown,
            "sections": sections,
            "questions": len(questions),
            "critical": sum(question.critical for question in questions),
            "unconfirmed": any(
                not qi.ref_id_confirmed
                for question in questions
                for qi in question.indicators.all()
            ),
            "in_use": shown.in_use(),
        },
    )


@takes_files
@login_required
def upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.records_inspection(request.user, slug, pk)

    def save(data: dict[str, Any]) -> RecordsReturn:
        file = data["file"]
        return actions.upload_return(
            request.user, inspection, filename=file.name, data=bytes(file.read())
        )

    back = reverse("records:reading", args=[slug, pk])
    return create_page(
        request,
        ReturnForm(posted(request), posted_files(request)),
        save=save,
        message="Pre-inspection return uploaded.",
        title="Upload the pre-inspection return",
        caption=inspection.title,
        back_url=back,
        partnership=inspection.partnership,
        submit_label="Upload",
        multipart=True,
    )


def size_hint(children: int) -> str:
    """What a sample of the suggested size gives, and the sizes for 10 and 5 points."""
    if children < 1:
        return "Upload the pre-inspection return first."
    size = min(SUGGESTED_SIZE, children)
    points = 100 * margin_of_error(size, children)
    return (
        f"The return lists {children:,} children. A random sample of {size} has a margin of "
        f"error of ±{points:.1f} percentage points (95% confidence, worst case); "
        f"{size_for_margin(0.10, children):,} give ±10 points and "
        f"{size_for_margin(0.05, children):,} give ±5 points. The sample is shared among the "
        "cohorts in proportion to their size."
    )


@login_required
def draw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.records_inspection(request.user, slug, pk)
    frame = queries.current_frame(inspection)
    children = frame.record_count if frame else 0
    default = queries.default_reading_template()
    in_use = next(iter(queries.samples_of(frame)), None) if frame else None
    hint = size_hint(children)
    if in_use is not None:
        drawn_on = day(timezone.localdate(in_use.drawn_at))
        hint += (
            f" Drawing replaces Sample {in_use.number} ({in_use.size} records, drawn on "
            f"{drawn_on}), which may already have gone to the partnership: tell it which list "
            "is the one to use."
        )
    form = SampleForm(
        posted(request),
        size_hint=hint,
        templates=queries.reading_templates(),
        initial={
            "size": min(SUGGESTED_SIZE, children) or None,
            "seed": secrets.randbelow(actions.MAX_SEED + 1),
            "template": default.pk if default else None,
            "replaces": in_use.pk if in_use else 0,
        },
    )
    return create_page(
        request,
        form,
        save=lambda data: actions.draw_sample(
            request.user,
            inspection,
            size=data["size"],
            seed=data["seed"],
            template=data.get("template"),
            replaces=data.get("replaces"),
        ),
        message="Sample drawn.",
        then=lambda sample: reverse("records:sample", args=[slug, sample.pk]),
        title="Draw a sample",
        caption=inspection.title,
        back_url=reverse("records:reading", args=[slug, pk]),
        partnership=inspection.partnership,
        submit_label="Draw the sample",
    )


@require_safe
@login_required
def sample(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    drawn = queries.sample_for(request.user, slug, pk)
    members = queries.sample_members(drawn)
    return render(
        request,
        "records/sample.html",
        {
            "sample": drawn,
            "inspection": drawn.frame.inspection,
            "partnership": drawn.frame.inspection.partnership,
            "members": members,
            "concerns_waiting": queries_concerns.waiting_count(drawn),
            "summary": queries.sample_summary(drawn, members),
            "is_current": queries.is_current(drawn),
            "released": released_sample(drawn.frame.inspection),
        },
    )


@login_required
def purposive(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    drawn = queries.sample_for(request.user, slug, pk)
    back = reverse("records:sample", args=[slug, pk])
    return create_page(
        request,
        PurposiveForm(posted(request)),
        save=partial(actions.add_purposive, request.user, drawn),
        message="Record added to the sample.",
        title="Add a record on purpose",
        caption=str(drawn),
        back_url=back,
        partnership=drawn.frame.inspection.partnership,
        submit_label="Add the record",
    )
