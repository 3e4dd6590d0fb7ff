"""The inspector's judgement of progress on one recommendation, with the evidence in view: the
form of the progress review beside the recommendation's actions and their latest updates, its
indicators and what they show, its themes and approved quotes, and the progress scale."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from followup.evidence.disclosed import themes_shown
from followup.evidence.queries import approved_quotes_for
from followup.front import queries
from followup.front.cutoff import cutoff_of, nothing_by
from followup.indicators.disclosed import Shown, for_audience, steady, withheld_figures
from followup.indicators.queries import analyse
from followup.indicators.values import series
from followup.inspections.models import Recommendation
from followup.lib import disclosure
from followup.partnerships.access import Capability, capabilities, require
from followup.reviews import actions
from followup.reviews.forms import JudgementForm
from followup.reviews.models import ProgressReview, RecommendationProgress
from followup.reviews.queries import judgement_of, review_for
from followup.web.pages import edit_page


def _evidence(
    recommendation: Recommendation, review: ProgressReview, exact: bool
) -> dict[str, Any]:
    """What the judgement form shows beside its fields. The figures are those the review's
    report shows: published by its evidence cut-off, each finding measured from the inspection,
    withheld as the report withholds them from those who do not see exact figures."""
    linked = list(recommendation.indicators.select_related("area", "numerator"))
    cutoff = cutoff_of(review)
    inspected_on = recommendation.inspection.published_on
    partnership = recommendation.partnership

    def shown() -> list[Shown]:
        hidden = None if exact else withheld_figures(partnership, releases=cutoff.releases)
        measures = []
        for i in linked:
            points = series(i, releases=cutoff.releases)
            analysis = analyse(i, points=points, split_on=inspected_on, inspected_on=inspected_on)
            measure = for_audience(analysis, exact=exact, withheld=hidden)
            if not analysis.known:
                measure.finding = nothing_by(cutoff)  # as the report says it
            measures.append(measure)
        return measures

    return {
        "recommendation": recommendation,
        "review": review,
        "actions": recommendation.actions.all(),
        "indicators": steady(partnership, shown),
        "cutoff": cutoff.day,
        "themes": themes_shown(recommendation, exact=exact),
        "quotes": approved_quotes_for(recommendation),
        "exact_counts": exact,
        "disclosure_meaning": disclosure.meaning(),
        "scale": review.progress_scale,
        "scale_name": review.progress_scale_name,
    }


@login_required
def judgement_edit(
    request: HttpRequest, slug: str, pk: int, recommendation_pk: int
) -> HttpResponse:
    review = review_for(request.user, slug, pk)
    partnership = review.inspection.partnership
    require(request.user, partnership, Capability.EDIT_REVIEW)
    recommendation = queries.recommendation_page(request.user, slug, recommendation_pk)
    if recommendation.inspection_id != review.inspection_id:
        raise Http404("The recommendation is not from the inspection under review.")
    exact = Capability.READ_EVIDENCE in capabilities(request.user, partnership)

    def form(data: QueryDict | None, judgement: RecommendationProgress) -> JudgementForm:
        initial = {name: getattr(judgement, name) for name in actions.JUDGEMENT_FIELDS}
        return JudgementForm(data, review=review, initial=initial if judgement.pk else {})

    return edit_page(
        request,
        judgement_of(review, recommendation),
        reload=lambda: judgement_of(review, recommendation),
        fields=actions.JUDGEMENT_FIELDS,
        form=form,
        save=partial(actions.set_judgement, request.user, review, recommendation),
        message=f"Judgement on recommendation {recommendation.number} saved.",
        title=f"Progress on recommendation {recommendation.number}",
        caption=review.title,
        back_url=reverse("reviews:detail", args=[slug, pk]),
        partnership=partnership,
        template="front/judgement_form.html",
        context=_evidence(recommendation, review, exact),
    )
