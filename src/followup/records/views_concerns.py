"""The pages of concerns: raising one from a record's page (either of its pair, or the
inspection team), and the inspection team's list of a sample's concerns and the page recording
whether each was passed to the partnership's named senior manager."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from followup.records import actions_concerns, queries, queries_concerns
from followup.records.forms_concerns import ConcernForm, PassingOnForm
from followup.records.models import Assignment
from followup.web.pages import create_page, form_page, posted, save_form

RAISED = (
    "Concern raised. It has gone to the inspection team, whose lead passes it on to the "
    "partnership's named senior manager."
)


@login_required
def raise_concern(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Raise a concern about a sampled record: its pair, or the inspection team."""
    member = queries.reading_member(request.user, slug, pk)
    actions_concerns.may_raise(request.user, member)
    assignment = Assignment.objects.select_related("pair").filter(member=member).first()
    back = (
        reverse("records:record", args=[slug, pk])
        if assignment is not None and assignment.pair.has(request.user.pk)
        else reverse("records:concerns", args=[slug, member.sample_id])
    )
    form = ConcernForm(posted(request), questions=queries_concerns.concern_questions(member.sample))
    return create_page(
        request,
        form,
        save=lambda data: actions_concerns.raise_concern(request.user, member, data),
        message=RAISED,
        title="Raise a concern",
        caption=f"Row {member.record.row} ({member.record.reference})",
        back_url=back,
        partnership=member.sample.frame.inspection.partnership,
        submit_label="Raise the concern",
    )


@require_safe
@login_required
def concerns(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every concern raised about the sample's records, those not yet passed on first."""
    sample = queries.sample_for(request.user, slug, pk)
    found = queries_concerns.sample_concerns(sample)
    return render(
        request,
        "records/concerns.html",
        {
            "sample": sample,
            "inspection": sample.frame.inspection,
            "partnership": sample.frame.inspection.partnership,
            "concerns": found,
            "waiting": sum(1 for concern in found if not concern.recorded),
        },
    )


@login_required
def pass_on(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record whether and when the concern was passed to the partnership's named senior
    manager: once; afterwards the page shows what was recorded."""
    concern = queries_concerns.concern_for(request.user, slug, pk)
    back = reverse("records:concerns", args=[slug, concern.member.sample_id])
    partnership = concern.member.sample.frame.inspection.partnership
    form = PassingOnForm(posted(request))
    done = save_form(
        request,
        form,
        lambda data: actions_concerns.record_passing_on(request.user, concern, data),
        message="Passing on recorded.",
        then=lambda _: back,
    )
    return done or form_page(
        request,
        form,
        title="Record passing on",
        caption=f"Row {concern.member.record.row} ({concern.member.record.reference})",
        back_url=back,
        partnership=partnership,
        submit_label="Record passing on",
        template="records/concern_pass_on.html",
        context={"concern": concern},
    )
