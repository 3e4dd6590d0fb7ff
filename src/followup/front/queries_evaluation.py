"""The evaluation page: one quality indicator's grade, and the evidence beside it: the
recommendations made on it with their indicators, the approved quotes coded to it, and what the
reading of the children's records found for it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from followup.evidence.models import Quote
from followup.indicators.models import Indicator
from followup.inspections.models import Evaluation, Recommendation
from followup.inspections.queries import evaluation_for
from followup.partnerships.access import AnyUser
from followup.records.results import Results, results_for


@dataclass
class EvaluationPage:
    evaluation: Evaluation
    recommendations: list[Recommendation]
    indicators: list[Indicator]
    quotes: QuerySet[Quote]
    records: Results | None


def evaluation_page(user: AnyUser, slug: str, pk: int) -> EvaluationPage:
    """The evaluation of one of the partnership's inspections (404 for anyone who cannot see the
    partnership), with what ``user`` may see of the evidence for its quality indicator."""
    evaluation = evaluation_for(user, slug, pk)
    inspection = evaluation.inspection
    indicator_id = evaluation.quality_indicator_id
    recommendations = list(
        inspection.recommendations.filter(quality_indicators=indicator_id).order_by("number")
    )
    indicators = list(
        Indicator.objects.filter(
            partnership=inspection.partnership, recommendations__in=recommendations
        )
        .select_related("area")
        .distinct()
        .order_by("name", "pk")
    )
    quotes = Quote.objects.filter(
        quality_indicators=indicator_id,
        status=Quote.Status.APPROVED,
        coding__source__partnership=inspection.partnership,
    ).select_related("coding__source", "coding__code")
    records = results_for(user, inspection)
    return EvaluationPage(evaluation, recommendations, indicators, quotes, records)
