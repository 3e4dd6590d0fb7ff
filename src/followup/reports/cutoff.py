"""A progress review's evidence cut-off: evidence dated after it stays out of the review's report.

What counts is the day the evidence belongs to, not the day it was typed in: a source's date
gathered, a data release's publication date, an action update's date. A source or release with
no such date stands at the day it was recorded in Followup, since it cannot belong to a later day.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from followup.evidence.models import Source
from followup.front.cutoff import Cutoff, cutoff_of, day_of
from followup.indicators.models import Indicator, Release
from followup.indicators.scope import visible_releases, visible_values
from followup.inspections.models import Recommendation
from followup.lib.dates import day
from followup.partnerships.models import Partnership
from followup.plans.queries import accepted_updates
from followup.reviews.models import ProgressReview

__all__ = ["Cutoff", "actions_by", "cutoff_of", "left_out", "published_cutoffs"]


def published_cutoffs(partnership: Partnership) -> list[QuerySet[Release]]:
    """The releases behind each published progress review report of the partnership: those
    dated on or before its cut-off (the day it was published, for a review with none)."""
    from followup.reports.models import Publication

    published = Publication.objects.filter(partnership=partnership, kind="review")
    days = {
        p.review.cutoff or timezone.localdate(p.published_at)
        for p in published.select_related("review")
        if p.review is not None
    }
    releases = visible_releases(partnership).alias(dated=day_of("published_on"))
    return [releases.filter(dated__lte=day) for day in sorted(days)]


def left_out(cutoff: Cutoff, review: ProgressReview, indicators: list[Indicator]) -> list[str]:
    """What the cut-off keeps out of the report, for the preview's list of gaps."""
    when = f"{cutoff.day:%-d %B %Y}"
    notes = []
    if review.cutoff is None:
        notes.append(
            "The review has no evidence cut-off, fieldwork end or publication date, so the report "
            f"takes evidence dated up to today ({when}). Set the cut-off on the review."
        )
    partnership = review.inspection.partnership
    later = Source.objects.filter(partnership=partnership).exclude(pk__in=cutoff.sources)
    undated = later.filter(collected_on__isnull=True).count()
    dated = later.count() - undated
    if dated:
        notes.append(f"{_plural(dated, 'source')} gathered after the cut-off ({when}) left out.")
    if undated:
        notes.append(
            f"{_plural(undated, 'source')} with no date gathered, recorded after the cut-off "
            f"({when}), left out: give each the date it was gathered if it belongs before it."
        )
    elements = {i.numerator_id for i in indicators} | {
        i.denominator_id for i in indicators if i.denominator_id
    }
    used = (
        visible_values(partnership)
        .filter(element_id__in=elements, area_id__in={i.area_id for i in indicators})
        .exclude(release__in=cutoff.releases)
    )
    releases = used.values("release_id").distinct().count()
    if releases:
        notes.append(
            f"Figures from {_plural(releases, 'data release')} published after the cut-off "
            f"({when}) left out."
        )
    updates = (
        accepted_updates()
        .filter(action__recommendations__inspection=review.inspection, on__gt=cutoff.day)
        .distinct()
    )
    if updates.exists():
        notes.append(
            f"{_plural(updates.count(), 'action update')} dated after the cut-off ({when}) left out."
        )
    return notes


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def actions_by(
    recommendation: Recommendation, cutoff: Cutoff | None
) -> list[tuple[str, str, str, str]]:
    """The recommendation's actions (title, status, owner, due). Under a cut-off: the actions
    begun by then, each with the status of its last accepted update by then."""
    actions = recommendation.actions.select_related("owner_organisation").order_by(
        "due_date", "title"
    )
    if cutoff is None:
        return [
            (
                a.title,
                a.get_status_display(),
                a.owner_organisation.name if a.owner_organisation else "",
                day(a.due_date),
            )
            for a in actions
        ]
    by_then = accepted_updates().filter(on__lte=cutoff.day)
    rows = []
    for action in actions.prefetch_related(Prefetch("updates", by_then, to_attr="by_cutoff")):
        last = action.by_cutoff[0] if action.by_cutoff else None
        begun = action.start_date or action.created_at.date()
        if last is None and begun > cutoff.day:
            continue
        rows.append(
            (
                action.title,
                last.get_status_display() if last else f"No update by {cutoff.day:%-d %B %Y}",
                action.owner_organisation.name if action.owner_organisation else "",
                day(action.due_date),
            )
        )
    return rows
