"""A progress review's evidence cut-off: evidence dated after it stays out of the review's report
and out of the judgement form's view of the evidence.

What counts is the day the evidence belongs to, not the day it was typed in: a source's date
gathered, a data release's publication date. A source or release with no such date stands at the
day it was recorded in Followup, since it cannot belong to a later day. (The report's own uses of
the cut-off, such as action updates by it, are in ``reports.cutoff``.)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from followup.evidence.models import Source
from followup.indicators.models import Release
from followup.indicators.scope import visible_releases
from followup.reviews.models import ProgressReview


@dataclass
class Cutoff:
    """The review's evidence cut-off, and the sources and releases dated on or before it."""

    day: datetime.date
    sources: QuerySet[Source]
    releases: QuerySet[Release]


def day_of(date_field: str) -> Coalesce:
    return Coalesce(date_field, TruncDate("created_at"))


def cutoff_of(review: ProgressReview) -> Cutoff:
    """The review's cut-off (today's date when the review has no cut-off, fieldwork end or
    publication date), with what falls inside it."""
    day = review.cutoff or timezone.localdate()
    partnership = review.inspection.partnership
    sources = Source.objects.filter(partnership=partnership).alias(dated=day_of("collected_on"))
    releases = visible_releases(partnership).alias(dated=day_of("published_on"))
    return Cutoff(
        day=day,
        sources=sources.filter(dated__lte=day),
        releases=releases.filter(dated__lte=day),
    )


def nothing_by(cutoff: Cutoff) -> str:
    """What is said of a measure with no figure published by the cut-off."""
    return (
        "No figures for this measure were published by the evidence cut-off, "
        f"{cutoff.day:%-d %B %Y}."
    )
