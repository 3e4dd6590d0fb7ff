from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from followup.audit.log import history
from followup.inspections.queries import inspection_for, inspections_of
from followup.partnerships.access import Capability, capabilities, partnership_for, require
from followup.reviews import actions, queries
from followup.reviews.forms import ReviewForm
from followup.reviews.models import ProgressReview
from followup.web.pages import create_page, edit_page, posted


@login_required
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "reviews/review_list.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "reviews": queries.reviews_of(partnership),
            "inspections": inspections_of(partnership),
        },
    )


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
    initial = {"status": "draft", "title": f"Progress review: {inspection.title}"}
    return create_page(
        request,
        ReviewForm(posted(request), initial=initial),
        save=partial(actions.create_review, request.user, inspection),
        message="Progress review created.",
        then=lambda r: reverse("reviews:detail", args=[slug, r.pk]),
        title="New progress review",
        caption=inspection.title,
        back_url=reverse("inspections:detail", args=[slug, pk]),
        partnership=inspection.partnership,
    )


def _review_form(data: QueryDict | None, review: ProgressReview) -> ReviewForm:
    return ReviewForm(data, initial=ReviewForm.initial_for(review))


@login_required
def review_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = queries.review_for(request.user, slug, pk)
    partnership = review.inspection.partnership
    require(request.user, partnership, Capability.EDIT_REVIEW)
    return edit_page(
        request,
        review,
        reload=lambda: queries.review_for(request.user, slug, pk),
        fields=actions.REVIEW_FIELDS,
        form=_review_form,
        save=partial(actions.update_review, request.user, review),
        message="Progress review saved.",
        title="Edit progress review",
        caption=review.title,
        back_url=reverse("reviews:detail", args=[slug, pk]),
        partnership=partnership,
    )
