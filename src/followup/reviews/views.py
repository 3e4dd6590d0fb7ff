from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from followup.audit.log import history
from followup.inspections.queries import inspection_for
from followup.partnerships.access import Capability, capabilities, require
from followup.reviews import actions, queries
from followup.reviews.forms import JudgementForm, ReviewForm
from followup.reviews.models import RecommendationProgress
from followup.web.pages import edit_page, form_page, save_form


@login_required
def review_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = queries.review_for(request.user, slug, pk)
    partnership = review.inspection.partnership
    caps = capabilities(request.user, partnership)
    by_recommendation = {j.recommendation_id: j for j in review.judgements.all()}
    rows = [(r, by_recommendation.get(r.pk)) for r in review.inspection.recommendations.all()]
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "inspection": review.inspection,
            "partnership": partnership,
            "caps": caps,
            "rows": rows,
            "history": history([review, *review.judgements.all()])[:50]
            if Capability.VIEW_HISTORY in caps
            else None,
        },
    )


@login_required
def review_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request.user, slug, pk)
    require(request.user, inspection.partnership, Capability.EDIT_REVIEW)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"status": "draft", "title": f"Progress review: {inspection.title}"},
    )
    done = save_form(
        request,
        form,
        lambda data: actions.create_review(request.user, inspection, data),
        message="Progress review created.",
        then=lambda r: reverse("reviews:detail", args=[slug, r.pk]),
    )
    return done or form_page(
        request,
        form,
        title="New progress review",
        caption=inspection.title,
        back_url=reverse("inspections:detail", args=[slug, pk]),
        partnership=inspection.partnership,
    )


@login_required
def review_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = queries.review_for(request.user, slug, pk)
    partnership = review.inspection.partnership
    require(request.user, partnership, Capability.EDIT_REVIEW)
    back = reverse("reviews:detail", args=[slug, pk])
    return edit_page(
        request,
        review,
        reload=lambda: queries.review_for(request.user, slug, pk),
        fields=actions.REVIEW_FIELDS,
        form=lambda data, r: ReviewForm(data, initial=ReviewForm.initial_for(r)),
        save=lambda data, version: actions.update_review(
            request.user, review, data, version=version
        ),
        message="Progress review saved.",
        then=lambda _: back,
        title="Edit progress review",
        caption=review.title,
        back_url=back,
        partnership=partnership,
    )


@login_required
def judgement_edit(
    request: HttpRequest, slug: str, pk: int, recommendation_pk: int
) -> HttpResponse:
    review = queries.review_for(request.user, slug, pk)
    partnership = review.inspection.partnership
    require(request.user, partnership, Capability.EDIT_REVIEW)
    recommendation = get_object_or_404(review.inspection.recommendations, pk=recommendation_pk)
    back = reverse("reviews:detail", args=[slug, pk])

    def form(data: QueryDict | None, judgement: RecommendationProgress) -> JudgementForm:
        initial = {name: getattr(judgement, name) for name in actions.JUDGEMENT_FIELDS}
        return JudgementForm(data, review=review, initial=initial if judgement.pk else {})

    return edit_page(
        request,
        queries.judgement_of(review, recommendation),
        reload=lambda: queries.judgement_of(review, recommendation),
        fields=actions.JUDGEMENT_FIELDS,
        form=form,
        save=lambda data, version: actions.set_judgement(
            request.user, review, recommendation, data, version=version
        ),
        message=f"Judgement on recommendation {recommendation.number} saved.",
        then=lambda _: back,
        title=f"Progress on recommendation {recommendation.number}",
        caption=recommendation.text[:120],
        back_url=back,
        partnership=partnership,
    )
