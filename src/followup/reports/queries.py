"""Reads of reports: drafts for members, publications for everyone."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from followup.inspections.models import Inspection
from followup.partnerships.access import AnyUser, partnership_for
from followup.partnerships.models import Partnership
from followup.reports.models import ProgressPack, Publication
from followup.reviews.models import ProgressReview


def report_review_for(user: AnyUser, slug: str, pk: int) -> ProgressReview:
    """A review to report on, if the user may see it: the review with its inspection,
    partnership and framework only, for the report reads the rest as at its own cut-off."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        ProgressReview.objects.select_related("inspection__partnership", "inspection__framework"),
        pk=pk,
        inspection__partnership=partnership,
    )


def report_inspection_for(user: AnyUser, slug: str, pk: int) -> Inspection:
    """An inspection to report on, if the user may see it: the inspection with its partnership
    and framework only, for the report reads the rest itself."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Inspection.objects.select_related("partnership", "framework"),
        pk=pk,
        partnership=partnership,
    )


def published(slug: str) -> tuple[Partnership, QuerySet[Publication]]:
    """A partnership's published reports, for anyone: 404 if it has published none."""
    partnership = get_object_or_404(Partnership, slug=slug)
    publications = Publication.objects.filter(partnership=partnership).defer("html", "pdf", "docx")
    if not publications.exists():
        raise Http404("No such page.")
    return partnership, publications.select_related("replaces", "review", "inspection")


@dataclass
class PublishingPartnership:
    """A partnership that has published, with the current version of each of its documents."""

    partnership: Partnership
    current: list[Publication]


def publishing_partnerships() -> list[PublishingPartnership]:
    """Every partnership that has published a report, for anyone, by name; each with the
    current version of each document it published (a version no later one replaces). Only
    publications are read: a draft is never one."""
    current = (
        Publication.objects.filter(replaced_by__isnull=True)
        .defer("html", "pdf", "docx")
        .select_related("partnership")
        .order_by("partnership__name", "partnership__pk", "-published_at")
    )
    found: dict[int, PublishingPartnership] = {}
    for publication in current:
        entry = found.setdefault(
            publication.partnership_id, PublishingPartnership(publication.partnership, [])
        )
        entry.current.append(publication)
    return list(found.values())


def publications_for(user: AnyUser, slug: str) -> QuerySet[Publication]:
    """Every version of every report the partnership published, the newest first (ties by
    id), for its members; without the files' contents."""
    partnership = partnership_for(user, slug)
    return (
        Publication.objects.filter(partnership=partnership)
        .defer("html", "pdf", "docx")
        .select_related("replaced_by")
        .order_by("-published_at", "-pk")
    )


def publication(slug: str, pk: int) -> Publication:
    return get_object_or_404(Publication, pk=pk, partnership__slug=slug)


def publications_of_review(review: ProgressReview) -> QuerySet[Publication]:
    return Publication.objects.filter(review=review).defer("html", "pdf", "docx")


def publications_of_inspection(inspection: Inspection) -> QuerySet[Publication]:
    return Publication.objects.filter(
        inspection=inspection, kind=Publication.Kind.INSPECTION
    ).defer("html", "pdf", "docx")


def latest_publication(inspection: Inspection, review: ProgressReview | None) -> Publication | None:
    """The latest published version of the review's report, or of the inspection's summary."""
    versions = (
        publications_of_review(review)
        if review is not None
        else publications_of_inspection(inspection)
    )
    return versions.select_related("published_by").order_by("-version").first()


def first_publication(inspection: Inspection, review: ProgressReview | None) -> Publication | None:
    """Version 1 of the review's report, or of the inspection's summary, if published."""
    versions = (
        publications_of_review(review)
        if review is not None
        else publications_of_inspection(inspection)
    )
    return versions.filter(version=1).first()


def packs_of(partnership: Partnership) -> QuerySet[ProgressPack]:
    """A partnership's progress packs, the latest first; call only with a partnership from
    ``partnership_for``."""
    return ProgressPack.objects.filter(partnership=partnership).order_by("-number")


def latest_pack(partnership: Partnership) -> ProgressPack | None:
    return packs_of(partnership).first()


def pack_for(user: AnyUser, slug: str, number: int) -> ProgressPack:
    """A progress pack of a partnership the user may see; 404 otherwise."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(packs_of(partnership).select_related("partnership"), number=number)
