"""The composed pages: the partnerships a person can see, a partnership's home page, and a
recommendation with its actions, figures, quotes and judgements."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from followup.audit.log import history
from followup.evidence.disclosed import themes_shown
from followup.evidence.queries import approved_quotes_for
from followup.front import foryou, queries
from followup.front.glossary import terms as glossary_terms
from followup.front.queries_evaluation import evaluation_page
from followup.indicators.disclosed import Shown, Withheld, as_shown, for_audience
from followup.indicators.queries import ASSURANCE_TEXT, VARIATION_TEXT, analyse
from followup.indicators.values import many_series
from followup.lib import disclosure
from followup.partnerships.access import (
    Capability,
    capabilities,
    is_service_admin,
    partnership_for,
    visible_partnerships,
)
from followup.records.results import results_for, shown_on_page


def glossary(request: HttpRequest) -> HttpResponse:
    """The statistical terms the pages use, in plain English (open to everyone: the published
    reports use the same words)."""
    return render(request, "front/glossary.html", {"terms": glossary_terms(disclosure.threshold())})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    partnerships = list(visible_partnerships(request.user))
    service_admin = is_service_admin(request.user)
    if len(partnerships) == 1 and not service_admin:
        return redirect("front:partnership", partnerships[0].slug)
    return render(
        request,
        "front/home.html",
        {"partnerships": partnerships, "service_admin": service_admin},
    )


@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    """What is waiting for the person, in every partnership where they can deal with it."""
    return render(request, "front/for_you.html", {"page": foryou.for_you(request.user)})


@login_required
def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    page = queries.partnership_home(request.user, slug)
    return render(
        request,
        "front/partnership.html",
        {"page": page, "partnership": page.partnership, "caps": page.capabilities},
    )


@login_required
def recommendations(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "front/recommendations.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "inspections": queries.recommendations_by_inspection(partnership),
        },
    )


@login_required
def recommendation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    recommendation = queries.recommendation_page(request.user, slug, pk)
    caps = capabilities(request.user, recommendation.partnership)
    exact = Capability.READ_EVIDENCE in caps
    judgements = sorted(
        recommendation.progress_judgements.all(),
        key=lambda j: (
            j.review.published_on or j.review.fieldwork_start or j.review.created_at.date()
        ),
    )
    linked = list(recommendation.indicators.select_related("area", "numerator"))

    inspected_on = recommendation.inspection.published_on

    def shown(withheld: Withheld | None) -> list[Shown]:
        points = many_series(linked)  # the figures of all of them in one read
        return [
            for_audience(
                analyse(i, points=points[i.pk], inspected_on=inspected_on),
                exact=exact,
                withheld=withheld,
            )
            for i in linked
        ]

    return render(
        request,
        "front/recommendation.html",
        {
            "recommendation": recommendation,
            "inspection": recommendation.inspection,
            "partnership": recommendation.partnership,
            "caps": caps,
            "actions": recommendation.actions.all(),
            "judgements": judgements,
            "indicators": as_shown(recommendation.partnership, shown, exact=exact),
            "quotes": approved_quotes_for(recommendation),
            "themes": themes_shown(recommendation, exact=Capability.READ_EVIDENCE in caps),
            "exact_counts": Capability.READ_EVIDENCE in caps,
            "disclosure_meaning": disclosure.meaning(),
            "variation_text": VARIATION_TEXT,
            "assurance_text": ASSURANCE_TEXT,
            "history": history([recommendation])[:50] if Capability.VIEW_HISTORY in caps else None,
            **shown_on_page(
                results_for(request.user, recommendation.inspection),
                {qi.pk for qi in recommendation.quality_indicators.all()},
                "this recommendation's quality indicators",
            ),
        },
    )


@login_required
def evaluation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One quality indicator's evaluation, with the evidence for it beside the grade."""
    page = evaluation_page(request.user, slug, pk)
    inspection = page.evaluation.inspection
    caps = capabilities(request.user, inspection.partnership)
    return render(
        request,
        "front/evaluation.html",
        {
            "page": page,
            "evaluation": page.evaluation,
            "inspection": inspection,
            "partnership": inspection.partnership,
            "caps": caps,
            "disclosure_meaning": disclosure.meaning(),
            **shown_on_page(
                page.records, {page.evaluation.quality_indicator_id}, "this quality indicator"
            ),
        },
    )


@login_required
def search(request: HttpRequest, slug: str) -> HttpResponse:
    text = request.GET.get("q", "")[:200]
    partnership, kinds = queries.search_partnership(request.user, slug, text)
    return render(
        request,
        "front/search.html",
        {
            "partnership": partnership,
            "q": text,
            "searched": bool(text.strip()),
            "kinds": kinds,
            "total": sum(k.count for k in kinds),
        },
    )
