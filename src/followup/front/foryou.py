"""The "For you" page and the count in every page's header: what is waiting for the person
signed in, in every partnership where they can deal with it. Each kind is one query scoped by
``partnerships_where`` (none where the person holds the capability nowhere), so that the page
and the count (``for_you_count``) are made of the same reads and always agree."""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from followup.evidence.models import Quote, SurveyUpload, redacted
from followup.indicators.models import ImportUpload
from followup.jobs.models import Job
from followup.lib import clock
from followup.lib.dates import day
from followup.lib.prepared import Prepared
from followup.partnerships.access import AnyUser, Capability, partnerships_where
from followup.partnerships.models import Partnership
from followup.plans.cycle import OUTSTANDING
from followup.plans.models import ActionUpdate, UpdateDecision, UpdateRequest
from followup.records.models import Moderation, Reading, SampledRecord


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
    reads: list[int]  # read the records assigned to their reading pairs
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
            reads=partnerships_where(user, Capability.READ_ASSIGNED_RECORDS),
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


def _records_to_read(scope: _Scope) -> QuerySet[SampledRecord]:
    """Sampled records assigned to a reading pair the person is in, which they have not yet
    submitted a reading of (and nobody has moderated), where they may read."""
    if not scope.reads:
        return SampledRecord.objects.none()
    submitted = Reading.objects.filter(
        member=OuterRef("pk"), reader_id=scope.user_id, status=Reading.Status.SUBMITTED
    )
    return SampledRecord.objects.filter(
        Q(assignment__pair__inspector_id=scope.user_id)
        | Q(assignment__pair__reader_id=scope.user_id),
        ~Exists(submitted),
        ~Exists(Moderation.objects.filter(member=OuterRef("pk"))),
        sample__frame__inspection__partnership_id__in=scope.reads,
    )


def _records_to_moderate(scope: _Scope) -> QuerySet[SampledRecord]:
    """Sampled records of the person's pairs as their inspector, read and submitted by both and
    not yet moderated."""
    if not scope.reads:
        return SampledRecord.objects.none()
    return SampledRecord.objects.filter(
        Exists(
            Reading.objects.filter(
                member=OuterRef("pk"),
                reader_id=OuterRef("assignment__pair__reader_id"),
                status=Reading.Status.SUBMITTED,
            )
        ),
        Exists(
            Reading.objects.filter(
                member=OuterRef("pk"), reader_id=scope.user_id, status=Reading.Status.SUBMITTED
            )
        ),
        ~Exists(Moderation.objects.filter(member=OuterRef("pk"))),
        assignment__pair__inspector_id=scope.user_id,
        sample__frame__inspection__partnership_id__in=scope.reads,
    )


_KINDS = (
    _requests_waiting,
    _updates_to_accept,
    _quotes_to_approve,
    _uploads_to_import,
    _surveys_to_import,
    _records_to_read,
    _records_to_moderate,
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
    if not any(
        (scope.requests, scope.accepts, scope.quotes, scope.data, scope.evidence, scope.reads)
    ):
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
    records: list[Waiting] = field(default_factory=list)  # to read, then to moderate

    @property
    def count(self) -> int:
        return (
            len(self.requests)
            + len(self.acceptances)
            + len(self.quotes)
            + len(self.imports)
            + len(self.records)
        )


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


def _record_items(scope: _Scope) -> list[tuple[Partnership, Waiting]]:
    """Records for the person to read, then records for them to moderate, by sample and row:
    each by its row in the return and its sample, nothing of the child's."""
    items = []
    for query, action in (
        (_records_to_read(scope), "Read"),
        (_records_to_moderate(scope), "Moderate"),
    ):
        members = query.select_related("record", "sample__frame__inspection__partnership").order_by(
            "sample__frame__inspection_id", "sample__number", "record__row", "pk"
        )
        for member in members:
            inspection = member.sample.frame.inspection
            name = "records:record" if action == "Read" else "records:moderate"
            url = reverse(name, args=[inspection.partnership.slug, member.pk])
            items.append(
                (
                    inspection.partnership,
                    Waiting(
                        f"{action} the record at row {member.record.row}",
                        url,
                        f"{inspection.title}, sample {member.sample.number}",
                    ),
                )
            )
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
    for partnership, item in _record_items(scope):
        group(partnership).records.append(item)
    ordered = sorted(groups.values(), key=lambda g: (g.partnership.name, g.partnership.pk))
    return ForYou(ordered, today)
