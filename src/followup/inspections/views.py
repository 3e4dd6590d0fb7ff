from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from followup.audit.log import history
from followup.inspections import actions, queries
from followup.inspections.forms import EvaluationForm, InspectionForm, RecommendationForm
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.partnerships.access import Capability, capabilities, partnership_for, require
from followup.web.pages import create_page, edit_page, posted


@login_required
def inspection_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "inspections": queries.inspections_of(partnership).annotate(
                recommendation_count=Count("recommendations")
            ),
        },
    )


@login_required
def inspection_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.inspection_for(request.user, slug, pk)
    caps = capabilities(request.user, inspection.partnership)
    evaluations = list(inspection.evaluations.all())
    related = [inspection, *evaluations, *inspection.recommendations.all()]
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "partnership": inspection.partnership,
            "caps": caps,
            "evaluations": evaluations,
            "grade_counts": _grade_counts(inspection.scale, evaluations),
            "reviews": inspection.reviews.all(),
            "history": history(related)[:50] if Capability.VIEW_HISTORY in caps else None,
        },
    )


def _grade_counts(
    scale: list[dict[str, Any]], evaluations: list[Evaluation]
) -> list[tuple[str, int]]:
    return [
        (str(level["word"]).lower(), n)
        for level in scale
        if (n := sum(1 for e in evaluations if e.grade == level["value"]))
    ]


@login_required
def inspection_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.EDIT_INSPECTION)

    def save(data: dict[str, Any]) -> Inspection:
        return actions.create_inspection(request.user, partnership, data.pop("framework"), data)

    return create_page(
        request,
        InspectionForm(posted(request), initial={"status": "draft"}),
        save=save,
        message="Inspection created.",
        then=lambda i: reverse("inspections:detail", args=[slug, i.pk]),
        title="New inspection",
        back_url=reverse("front:partnership", args=[slug]),
        partnership=partnership,
    )


def _inspection_form(data: QueryDict | None, inspection: Inspection) -> InspectionForm:
    initial = {name: getattr(inspection, name) for name in actions.INSPECTION_FIELDS}
    return InspectionForm(data, initial=initial, editing=True)


@login_required
def inspection_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.inspection_for(request.user, slug, pk)
    require(request.user, inspection.partnership, Capability.EDIT_INSPECTION)
    return edit_page(
        request,
        inspection,
        reload=lambda: queries.inspection_for(request.user, slug, pk),
        fields=actions.INSPECTION_FIELDS,
        form=_inspection_form,
        save=partial(actions.update_inspection, request.user, inspection),
        message="Inspection saved.",
        title="Edit inspection",
        caption=inspection.title,
        back_url=reverse("inspections:detail", args=[slug, pk]),
        partnership=inspection.partnership,
    )


@login_required
def evaluation_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.inspection_for(request.user, slug, pk)
    require(request.user, inspection.partnership, Capability.EDIT_INSPECTION)

    def save(data: dict[str, Any]) -> Evaluation:
        return actions.create_evaluation(
            request.user, inspection, data.pop("quality_indicator"), data
        )

    return create_page(
        request,
        EvaluationForm(posted(request), inspection=inspection, initial={"basis": "stated"}),
        save=save,
        message="Evaluation added.",
        title="Add an evaluation",
        caption=inspection.title,
        back_url=reverse("inspections:detail", args=[slug, pk]),
        partnership=inspection.partnership,
    )


def _evaluation_form(data: QueryDict | None, evaluation: Evaluation) -> EvaluationForm:
    initial = {name: getattr(evaluation, name) for name in actions.EVALUATION_FIELDS}
    return EvaluationForm(
        data, inspection=evaluation.inspection, evaluation=evaluation, initial=initial
    )


@login_required
def evaluation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    evaluation = queries.evaluation_for(request.user, slug, pk)
    inspection = evaluation.inspection
    require(request.user, inspection.partnership, Capability.EDIT_INSPECTION)
    return edit_page(
        request,
        evaluation,
        reload=lambda: queries.evaluation_for(request.user, slug, pk),
        fields=actions.EVALUATION_FIELDS,
        form=_evaluation_form,
        save=partial(actions.update_evaluation, request.user, evaluation),
        message="Evaluation saved.",
        title=f"Evaluation: {evaluation.quality_indicator.name}",
        caption=inspection.title,
        back_url=reverse("inspections:detail", args=[slug, inspection.pk]),
        partnership=inspection.partnership,
    )


@login_required
def recommendation_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.inspection_for(request.user, slug, pk)
    require(request.user, inspection.partnership, Capability.EDIT_INSPECTION)
    next_number = max((r.number for r in inspection.recommendations.all()), default=0) + 1
    return create_page(
        request,
        RecommendationForm(posted(request), inspection=inspection, initial={"number": next_number}),
        save=partial(actions.create_recommendation, request.user, inspection),
        message="Recommendation added.",
        then=lambda r: reverse("front:recommendation", args=[slug, r.pk]),
        title="Add a recommendation",
        caption=inspection.title,
        back_url=reverse("inspections:detail", args=[slug, pk]),
        partnership=inspection.partnership,
    )


def _recommendation_form(
    data: QueryDict | None, recommendation: Recommendation
) -> RecommendationForm:
    initial = {name: getattr(recommendation, name) for name in actions.RECOMMENDATION_FIELDS}
    initial["quality_indicators"] = list(recommendation.quality_indicators.all())
    return RecommendationForm(
        data, inspection=recommendation.inspection, exclude_pk=recommendation.pk, initial=initial
    )


@login_required
def recommendation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    recommendation = queries.recommendation_for(request.user, slug, pk)
    inspection = recommendation.inspection
    require(request.user, inspection.partnership, Capability.EDIT_INSPECTION)
    return edit_page(
        request,
        recommendation,
        reload=lambda: queries.recommendation_for(request.user, slug, pk),
        fields=actions.RECOMMENDATION_EDITS,
        form=_recommendation_form,
        save=partial(actions.update_recommendation, request.user, recommendation),
        message="Recommendation saved.",
        title=f"Edit recommendation {recommendation.number}",
        caption=inspection.title,
        back_url=reverse("front:recommendation", args=[slug, pk]),
        partnership=inspection.partnership,
    )
