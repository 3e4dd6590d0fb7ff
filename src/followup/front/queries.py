"""Reads for the composed pages: a partnership's home page and the recommendation page, scoped
to what the user may see through ``partnerships.access``."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from followup.evidence.models import Quote, Source, SurveyUpload, redacted
from followup.evidence.queries import quotes_of
from followup.front import search
from followup.indicators.models import ImportUpload, Indicator
from followup.inspections.models import Inspection, Recommendation
from followup.inspections.queries import inspections_of
from followup.jobs.models import Job
from followup.lib import clock
from followup.lib.dates import day
from followup.lib.prepared import Prepared
from followup.partnerships.access import (
    AnyUser,
    Capability,
    can,
    capabilities,
    partnership_for,
    partnerships_where,
)
from followup.partnerships.models import Partnership
from followup.plans.cycle import OUTSTANDING
from followup.plans.health import PlanHealth, plan_health
from followup.plans.models import Action, ActionUpdate, UpdateDecision, UpdateRequest
from followup.plans.queries import PlanSummary, accepted_updates, plan_summary
from followup.reviews.models import ProgressReview, RecommendationProgress
from followup.reviews.queries import latest_review


@dataclass
class PartnershipHome:
    partnership: Partnership
    capabilities: frozenset[Capability]
    inspections: list[Inspection]
    plan: PlanSummary
    health: PlanHealth
    latest_review: ProgressReview | None
    # Whether the partnership has published a report (its public page exists).
    has_published: bool


def partnership_home(user: AnyUser, slug: str) -> PartnershipHome:
    partnership = partnership_for(user, slug)
    return PartnershipHome(
        partnership=partnership,
        capabilities=capabilities(user, partnership),
        inspections=list(inspections_of(partnership)),
        plan=plan_summary(partnership),
        health=plan_health(partnership),
        latest_review=latest_review(partnership),
        has_published=partnership.publications.exists(),
    )


def recommendations_by_inspection(partnership: Partnership) -> list[Inspection]:
    """The partnership's inspections, newest first, each with its recommendations in number order,
    their actions counted and their progress judgements (oldest review first); call only with a
    partnership from ``partnership_for``."""
    recommendations = (
        Recommendation.objects.annotate(action_count=Count("actions"))
        .prefetch_related(
            Prefetch(
                "progress_judgements",
                queryset=RecommendationProgress.objects.select_related("review").order_by(
                    "review__published_on", "review__fieldwork_start", "review_id"
                ),
            )
        )
        .order_by("number")
    )
    inspections = list(
        inspections_of(partnership).prefetch_related(
            Prefetch("recommendations", queryset=recommendations)
        )
    )
    for inspection in inspections:
        for recommendation in inspection.recommendations.all():
            judgements = list(recommendation.progress_judgements.all())
            latest = judgements[-1] if judgements else None
            recommendation.latest_judgement = latest  # type: ignore[attr-defined]  # for the page

    return inspections


def recommendation_page(user: AnyUser, slug: str, pk: int) -> Recommendation:
    """A recommendation with what its page shows: its quality indicators, its actions with their
    owners and accepted updates (newest first) and the progress judgements on it."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Recommendation.objects.select_related("inspection__partnership").prefetch_related(
            "quality_indicators",
            Prefetch("actions__updates", queryset=accepted_updates(), to_attr="accepted_updates"),
            "actions__owner_organisation",
            "progress_judgements__review",
        ),
        pk=pk,
        inspection__partnership=partnership,
    )


@dataclass
class Found:
    title: str
    url: str
    snippet: str
    note: str = ""


@dataclass
class FoundKind:
    kind: str
    key: str
    count: int
    items: list[Found]


SHOWN_PER_KIND = 20


def _kind(kind: str, key: str, query: QuerySet[Any], to_found: Callable[[Any], Found]) -> FoundKind:
    return FoundKind(kind, key, query.count(), [to_found(row) for row in query[:SHOWN_PER_KIND]])


def _plan_kinds(
    partnership: Partnership, words: list[str], at: Callable[..., str]
) -> list[FoundKind]:
    """The recommendations, actions and action updates that hold every word."""
    return [
        _kind(
            "Recommendations",
            "recommendations",
            search.matching(
                Recommendation.objects.filter(inspection__partnership=partnership).select_related(
                    "inspection"
                ),
                words,
            ),
            lambda r: Found(
                f"Recommendation {r.number}",
                at("front:recommendation", r.pk),
                search.snippet(f"{r.text} {r.detail}", words),
                r.inspection.title,
            ),
        ),
        _kind(
            "Actions",
            "actions",
            search.matching(Action.objects.filter(partnership=partnership), words),
            lambda a: Found(
                a.title,
                at("plans:detail", a.pk),
                search.snippet(a.description or a.title, words),
                a.get_status_display(),
            ),
        ),
        _kind(
            "Action updates",
            "updates",
            search.matching(
                ActionUpdate.objects.filter(action__partnership=partnership).select_related(
                    "action"
                ),
                words,
            ),
            lambda u: Found(
                u.action.title,
                at("plans:detail", u.action_id),
                search.snippet(u.note, words),
                f"Update of {date_format(u.on, 'j F Y')}",
            ),
        ),
    ]


def search_partnership(user: AnyUser, slug: str, text: str) -> tuple[Partnership, list[FoundKind]]:
    """What a person may see in the partnership that holds every word of ``text``: actions,
    updates, recommendations, indicators, quotes and (for those who read evidence) sources, each
    kind best match first. Quotes are matched on their published words, approved ones only for
    those who may see approved quotes only."""
    partnership = partnership_for(user, slug)
    words = search.words_of(text)
    if not words:
        return partnership, []
    reads_evidence = can(user, partnership, Capability.READ_EVIDENCE)
    p = partnership.slug

    def at(name: str, *args: Any) -> str:
        return reverse(name, args=[p, *args])

    kinds = [
        *_plan_kinds(partnership, words, at),
        _kind(
            "Indicators",
            "indicators",
            search.matching(Indicator.objects.filter(partnership=partnership), words),
            lambda i: Found(
                i.name,
                at("indicators:detail", i.pk),
                search.snippet(i.description or i.name, words),
            ),
        ),
        _quotes(partnership, words, reads_evidence, at("evidence:quotes")),
    ]
    if reads_evidence:
        kinds.append(
            _kind(
                "Sources",
                "sources",
                search.matching(Source.objects.filter(partnership=partnership), words),
                lambda s: Found(
                    s.title,
                    at("evidence:source", s.pk),
                    search.snippet(s.text, words),
                    s.get_kind_display(),
                ),
            )
        )
    return partnership, kinds


def _quotes(partnership: Partnership, words: list[str], originals: bool, url: str) -> FoundKind:
    """Quotes whose published words (and, for those who read evidence, original words) hold
    every word. A quote's published words are worked out on reading, so they are matched here,
    by the database's full-text search, rather than held in an index."""
    quotes = (
        quotes_of(partnership, approved_only=not originals)
        .annotate(
            words=Substr(
                "coding__source__text",
                F("coding__start") + 1,
                F("coding__end") - F("coding__start"),
            )
        )
        .defer("coding__source__text")
    )
    published: dict[int, tuple[Any, str]] = {}
    for quote in quotes:
        text = redacted(quote.words, quote.redactions)
        published[quote.pk] = (quote, f"{text} {quote.words}" if originals else text)
    found = search.texts_matching({pk: body for pk, (_, body) in published.items()}, words)
    rows = sorted((published[pk][0] for pk in found), key=lambda q: -q.pk)
    return FoundKind(
        "Quotes",
        "quotes",
        len(rows),
        [
            Found(
                f"Quote: {q.coding.code.name}",
                url,
                search.snippet(redacted(q.words, q.redactions), words),
                q.get_status_display(),
            )
            for q in rows[:SHOWN_PER_KIND]
        ],
    )


# "For you": what is waiting for the person signed in, in every partnership where they can deal
# with it. Each kind is one query scoped by ``partnerships_where`` (none where the person holds
# the capability nowhere), so that the page and the count in the header (``for_you_count``) are
# made of the same reads and always agree.


@dataclass(frozen=True)
class _Scope:
    """Whose "For you" it is, and where they may deal with each kind of thing: the ids of the
    partnerships where they hold each capability (``partnerships_where``, from the memberships
    read once a request), and the moment before which staged files no longer count."""

    user_id: int
    requests: list[int]  # may add updates
    accepts: list[int]  # accept updates
    quotes: list[int]  # approve quotes
    data: list[int]  # import data
    evidence: list[int]  # add evidence (surveys)
    since: datetime.datetime

    @classmethod
    def of(cls, user: AnyUser) -> _Scope:
        return cls(
            user_id=user.pk or 0,  # signed out: no partnership, so nothing is asked
            requests=partnerships_where(user, Capability.UPDATE_ACTION),
            accepts=partnerships_where(user, Capability.ACCEPT_UPDATES),
            quotes=partnerships_where(user, Capability.APPROVE_QUOTES),
            data=partnerships_where(user, Capability.MANAGE_DATA),
            evidence=partnerships_where(user, Capability.CODE_EVIDENCE),
            since=_staged_since(),
        )


def _requests_waiting(scope: _Scope) -> QuerySet[UpdateRequest]:
    """Update requests addressed to the person and still waiting for their update (none sent,
    or the one sent returned), where they may add updates."""
    if not scope.requests:
        return UpdateRequest.objects.none()
    return UpdateRequest.objects.filter(
        addressee_id=scope.user_id, state__in=OUTSTANDING, round__partnership_id__in=scope.requests
    )


def _updates_to_accept(scope: _Scope) -> QuerySet[ActionUpdate]:
    """Updates with no decision yet, where the person accepts updates."""
    if not scope.accepts:
        return ActionUpdate.objects.none()
    return ActionUpdate.objects.filter(
        decision__isnull=True, action__partnership_id__in=scope.accepts
    )


def _quotes_to_approve(scope: _Scope) -> QuerySet[Quote]:
    """Quotes proposed and not yet approved, where the person approves quotes."""
    if not scope.quotes:
        return Quote.objects.none()
    return Quote.objects.filter(
        status=Quote.Status.PROPOSED, coding__source__partnership_id__in=scope.quotes
    )


def _staged_since() -> datetime.datetime:
    """Files staged before this are purged, never imported (``FOLLOWUP_STAGED_UPLOAD_DAYS``)."""
    return clock.now() - datetime.timedelta(days=settings.STAGED_UPLOAD_DAYS)


def _uploads_to_import(scope: _Scope) -> QuerySet[ImportUpload]:
    """Data files the person uploaded, previewed and not yet imported (nor being imported by a
    job), where they may still import data."""
    if not scope.data:
        return ImportUpload.objects.none()
    return ImportUpload.objects.filter(
        Q(job__isnull=True) | Q(job__state=Job.State.FAILED),
        created_by_id=scope.user_id,
        applied_at__isnull=True,
        created_at__gte=scope.since,
        partnership_id__in=scope.data,
    )


def _surveys_to_import(scope: _Scope) -> QuerySet[SurveyUpload]:
    """Survey files the person uploaded and not yet imported, where they may still add
    evidence."""
    if not scope.evidence:
        return SurveyUpload.objects.none()
    return SurveyUpload.objects.filter(
        created_by_id=scope.user_id,
        imported_at__isnull=True,
        created_at__gte=scope.since,
        partnership_id__in=scope.evidence,
    )


_KINDS = (
    _requests_waiting,
    _updates_to_accept,
    _quotes_to_approve,
    _uploads_to_import,
    _surveys_to_import,
)


def _count_of(**values: Any) -> QuerySet[Any]:
    """The number of things waiting, in one query: each kind's count as a subquery, added up
    (kinds the person can deal with nowhere are left out)."""
    scope = _Scope(**values)
    counts = [
        Subquery(
            query.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        )
        for query in (kind(scope) for kind in _KINDS)
        if not query.query.is_empty()
    ]
    total = reduce(operator.add, counts[1:], counts[0])
    return (
        get_user_model()
        .objects.filter(pk=scope.user_id)
        .annotate(waiting=ExpressionWrapper(total, output_field=IntegerField()))
        .values_list("waiting")[:1]
    )


_COUNT = Prepared(_count_of)


def for_you_count(user: AnyUser) -> int:
    """How many things are waiting for the person (the "For you" page's items): the header shows
    it on every page, so it is one query of up to five counts, from the memberships the page
    has read already, compiled once for each shape of the person's partnerships
    (``lib.prepared``); none at all for someone who can deal with none of them, a viewer say."""
    if not user.is_authenticated or not user.is_active:
        return 0
    scope = _Scope.of(user)
    if not any((scope.requests, scope.accepts, scope.quotes, scope.data, scope.evidence)):
        return 0
    row = _COUNT.first_row(**vars(scope))
    return int(row[0] or 0) if row is not None else 0


@dataclass
class Waiting:
    """One thing waiting for the person, and the page where they deal with it."""

    title: str
    url: str
    detail: str = ""
    due_on: datetime.date | None = None
    overdue_days: int = 0  # days past its due date; 0 when not overdue


@dataclass
class ForYouGroup:
    partnership: Partnership
    requests: list[Waiting] = field(default_factory=list)
    acceptances: list[Waiting] = field(default_factory=list)
    quotes: list[Waiting] = field(default_factory=list)
    imports: list[Waiting] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.requests) + len(self.acceptances) + len(self.quotes) + len(self.imports)


@dataclass
class ForYou:
    groups: list[ForYouGroup]
    today: datetime.date

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)


def update_url(request: UpdateRequest, slug: str, revises: int | None = None) -> str:
    """Where the update a request asks for is added: the action's update form, which takes the
    request it answers (``?request=``) and, for a request whose update was returned, the
    returned update it revises (``&revises=``)."""
    url = reverse("plans:update_create", args=[slug, request.action_id])
    url += f"?request={request.pk}"
    return url + (f"&revises={revises}" if revises is not None else "")


def _returned_update() -> Subquery:
    """A request's returned update not yet revised: the one its author revises."""
    return Subquery(
        ActionUpdate.objects.filter(
            request=OuterRef("pk"),
            decision__outcome=UpdateDecision.Outcome.RETURNED,
            revisions__isnull=True,
        )
        .order_by("-on", "-id")
        .values("pk")[:1]
    )


def _request_item(request: UpdateRequest, today: datetime.date) -> Waiting:
    due = request.round.due_on
    returned = request.state == UpdateRequest.State.RETURNED
    revises = request.returned_update if returned else None  # type: ignore[attr-defined]  # annotated
    return Waiting(
        request.action.title,
        update_url(request, request.round.partnership.slug, revises),
        "Your update was returned: revise it" if returned else "Update asked for",
        due,
        max(0, (today - due).days),
    )


def _acceptance_item(update: ActionUpdate) -> Waiting:
    partnership = update.action.partnership
    return Waiting(
        update.action.title,
        reverse("plans:detail", args=[partnership.slug, update.action_id]) + f"#update-{update.pk}",
        f"Update of {day(update.on)} by {update.author_name or 'unknown'}",
    )


def _quote_items(scope: _Scope) -> list[tuple[Partnership, Waiting]]:
    quotes = (
        _quotes_to_approve(scope)
        .select_related("coding__code", "coding__source__partnership")
        .annotate(
            words=Substr(
                "coding__source__text",
                F("coding__start") + 1,
                F("coding__end") - F("coding__start"),
            )
        )
        .defer("coding__source__text")
        .order_by("pk")
    )
    items = []
    for quote in quotes:
        source = quote.coding.source
        text = redacted(quote.words, quote.redactions)
        items.append(
            (
                source.partnership,
                Waiting(
                    f"“{text[:100]}{'…' if len(text) > 100 else ''}”",
                    reverse("evidence:quotes", args=[source.partnership.slug])
                    + f"#quote-{quote.pk}",
                    f"Coded {quote.coding.code.name}, from {source.title}",
                ),
            )
        )
    return items


def _day(moment: datetime.datetime) -> str:
    return day(timezone.localdate(moment))


def _file_items(scope: _Scope) -> list[tuple[Partnership, Waiting]]:
    uploads = _uploads_to_import(scope).select_related("partnership").defer("data", "mapping")
    surveys = _surveys_to_import(scope).select_related("partnership").defer("data")
    items = [
        (
            upload.partnership,
            Waiting(
                upload.filename,
                reverse("indicators:upload_preview", args=[upload.partnership.slug, upload.pk]),
                f"Data for {upload.release}, uploaded {_day(upload.created_at)}",
            ),
        )
        for upload in uploads.order_by("created_at", "pk")
    ]
    items += [
        (
            survey.partnership,
            Waiting(
                survey.title,
                reverse("evidence:survey_preview", args=[survey.partnership.slug, survey.pk]),
                f"Survey {survey.filename}, uploaded {_day(survey.created_at)}",
            ),
        )
        for survey in surveys.order_by("created_at", "pk")
    ]
    return items


def for_you(user: AnyUser) -> ForYou:
    """What is waiting for the person, grouped by partnership (by name): update requests
    addressed to them (the most overdue first), updates for them to accept, quotes for them to
    approve, and files they uploaded that wait for them to import."""
    today = clock.today()
    groups: dict[int, ForYouGroup] = {}

    def group(partnership: Partnership) -> ForYouGroup:
        return groups.setdefault(partnership.pk, ForYouGroup(partnership))

    scope = _Scope.of(user)
    requests = (
        _requests_waiting(scope)
        .select_related("round__partnership", "action")
        .annotate(returned_update=_returned_update())
    )
    for request in requests.order_by("round__due_on", "action__title", "pk"):
        group(request.round.partnership).requests.append(_request_item(request, today))
    updates = _updates_to_accept(scope).select_related("action__partnership")
    for update in updates.order_by("on", "pk"):
        group(update.action.partnership).acceptances.append(_acceptance_item(update))
    for partnership, item in _quote_items(scope):
        group(partnership).quotes.append(item)
    for partnership, item in _file_items(scope):
        group(partnership).imports.append(item)
    ordered = sorted(groups.values(), key=lambda g: (g.partnership.name, g.partnership.pk))
    return ForYou(ordered, today)
