"""The one place where access is decided.

A user sees a partnership only through a membership of it. Anyone else is told the
partnership's objects do not exist (404), so that its existence is not disclosed. A member
whose role lacks a capability is refused (403).

| capability             | viewer | contributor | editor | lead | reader | inspector | admin |
|------------------------|:------:|:-----------:|:------:|:----:|:------:|:---------:|:-----:|
| view                   |   ✓    |      ✓      |   ✓    |  ✓   |   ✓    |     ✓     |   ✓   |
| update_action          |        |      ✓      |   ✓    |  ✓   |        |           |   ✓   |
| edit_plan              |        |             |   ✓    |  ✓   |        |           |   ✓   |
| edit_inspection        |        |             |        |      |        |     ✓     |   ✓   |
| edit_review            |        |             |        |      |        |     ✓     |   ✓   |
| view_history           |        |             |   ✓    |  ✓   |        |     ✓     |   ✓   |
| manage_data            |        |             |   ✓    |  ✓   |        |           |   ✓   |
| code_evidence          |        |      ✓      |   ✓    |  ✓   |        |           |   ✓   |
| approve_quotes         |        |             |        |  ✓   |        |     ✓     |   ✓   |
| publish_reports        |        |             |        |      |        |     ✓     |   ✓   |
| read_evidence          |        |      ✓      |   ✓    |  ✓   |        |     ✓     |   ✓   |
| manage_members         |        |             |        |  ✓   |        |           |   ✓   |
| accept_updates         |        |     (✓)     |  (✓)   |  ✓   |        |           |   ✓   |
| read_records           |        |             |        |      |        |     ✓     |   ✓   |
| read_assigned_records  |        |             |        |      |   ✓    |     ✓     |   ✓   |

``read_evidence`` is for those who code or approve evidence: the original words (sources, excerpts,
quotes before redaction), the cases and their attributes, and exact small counts. Viewers see
what a published report would: approved, redacted quotes and protected counts.

Inspectors read everything of the partnerships assigned to them, and write only
inspections and progress reviews; the partnership owns its improvement plan. The inspection
summary and the progress review report are the inspectorate's documents: only inspectors and
administrators publish them.

``accept_updates``: accept an action's update, or return it with a reason; only accepted updates
change an action's status and appear in reports. Lead officers and administrators hold it; a lead
officer may delegate it to a contributor or editor (``Membership.accepts_updates``, the "(✓)").

``read_records``: the reading of children's records at an inspection, which is the inspection
team's: the partnership's pre-inspection return (the sampling frame), the samples drawn from it
and, later, the readings. Inspectors assigned to the partnership and administrators hold it; the
partnership's own viewers, contributors, editors and lead officers do not, though the return is
theirs: they keep their own copy of it.

``read_assigned_records``: read the sampled records assigned to one's own reading pair, and one's
own reading queue, and nothing else of the records reading. Local readers (``reader``: the
partnership's own staff who take part in the reading, each paired with an inspector) hold it,
with ``view``, as a viewer does; inspectors and administrators hold it too. A record of a pair one
is not in is, for its holder, as if it did not exist (404): who reads what is the inspection
team's to see (``read_records``, counts only until both readings are submitted).

``manage_members``: the members page, invitations, roles and deactivation, and the setting that
requires a second factor of every member. A lead or administrator invites and gives the roles
viewer, contributor, editor, local reader and lead; only a service administrator gives the
administrator role, and inspectors are assigned only by a service administrator, for a period.

A membership counts only while it is active: not deactivated, and inside its period
(``starts_on`` to ``ends_on``, either open) if it has one. Outside it, it grants nothing.

An archived partnership is read-only: its members keep only the reading capabilities (``view``,
``view_history``, ``read_evidence``), and a page that writes refuses them (403) saying it is
archived.

Service administrators (``is_service_admin``: active superusers) run the service, not a
partnership. On the administration pages (``/manage/``) they create and edit partnerships, their
areas and organisations, assign inspectors and archive. They reach a partnership's members page
and its invitations, but no other page of a partnership they are not a member of: they see its
inspection data only as a member. Anyone else gets 404 from every administration page, so that
the pages' existence tells nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from followup.lib.prepared import Prepared
from followup.lib.types import AnyUser
from followup.partnerships.models import Membership, Partnership, Role

__all__ = [
    "AnyUser",
    "Capability",
    "Refused",
    "can",
    "capabilities",
    "memberships",
    "mfa_required",
    "must_set_up_second_factor",
    "partnership_for",
    "require",
    "who_can",
]


class Capability(StrEnum):
    VIEW = "view"
    UPDATE_ACTION = "update_action"
    EDIT_PLAN = "edit_plan"
    EDIT_INSPECTION = "edit_inspection"
    EDIT_REVIEW = "edit_review"
    VIEW_HISTORY = "view_history"
    MANAGE_DATA = "manage_data"
    CODE_EVIDENCE = "code_evidence"
    APPROVE_QUOTES = "approve_quotes"
    PUBLISH_REPORTS = "publish_reports"
    READ_EVIDENCE = "read_evidence"
    MANAGE_MEMBERS = "manage_members"
    ACCEPT_UPDATES = "accept_updates"
    READ_RECORDS = "read_records"
    READ_ASSIGNED_RECORDS = "read_assigned_records"


# Roles a lead officer may delegate the acceptance of updates to (``Membership.accepts_updates``).
DELEGABLE = frozenset({Role.CONTRIBUTOR, Role.EDITOR})

# What an archived partnership's members keep.
READING = frozenset({Capability.VIEW, Capability.VIEW_HISTORY, Capability.READ_EVIDENCE})


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.VIEWER: frozenset({Capability.VIEW}),
    Role.CONTRIBUTOR: frozenset(
        {
            Capability.VIEW,
            Capability.UPDATE_ACTION,
            Capability.CODE_EVIDENCE,
            Capability.READ_EVIDENCE,
        }
    ),
    Role.EDITOR: frozenset(
        {
            Capability.VIEW,
            Capability.UPDATE_ACTION,
            Capability.EDIT_PLAN,
            Capability.VIEW_HISTORY,
            Capability.MANAGE_DATA,
            Capability.CODE_EVIDENCE,
            Capability.READ_EVIDENCE,
        }
    ),
    Role.LEAD: frozenset(
        {
            Capability.VIEW,
            Capability.UPDATE_ACTION,
            Capability.EDIT_PLAN,
            Capability.VIEW_HISTORY,
            Capability.MANAGE_DATA,
            Capability.CODE_EVIDENCE,
            Capability.APPROVE_QUOTES,
            Capability.READ_EVIDENCE,
            Capability.MANAGE_MEMBERS,
            Capability.ACCEPT_UPDATES,
        }
    ),
    Role.READER: frozenset({Capability.VIEW, Capability.READ_ASSIGNED_RECORDS}),
    Role.INSPECTOR: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT_INSPECTION,
            Capability.EDIT_REVIEW,
            Capability.VIEW_HISTORY,
            Capability.APPROVE_QUOTES,
            Capability.PUBLISH_REPORTS,
            Capability.READ_EVIDENCE,
            Capability.READ_RECORDS,
            Capability.READ_ASSIGNED_RECORDS,
        }
    ),
    Role.ADMIN: frozenset(Capability),
}


# What each capability lets a member do, as a refusal says it ("Only ... can <this>.").
DOES: dict[Capability, str] = {
    Capability.VIEW: "see this partnership",
    Capability.UPDATE_ACTION: "add updates to the improvement plan's actions",
    Capability.EDIT_PLAN: "change the improvement plan",
    Capability.EDIT_INSPECTION: "record inspections, their evaluations and recommendations",
    Capability.EDIT_REVIEW: "record progress reviews and their judgements",
    Capability.VIEW_HISTORY: "see the history of changes",
    Capability.MANAGE_DATA: "define indicators and import the partnership's data",
    Capability.CODE_EVIDENCE: "add and code qualitative evidence",
    Capability.APPROVE_QUOTES: "approve quotes for publication",
    Capability.PUBLISH_REPORTS: "publish reports",
    Capability.READ_EVIDENCE: (
        "read the evidence itself: people's original words, cases and exact small counts"
    ),
    Capability.MANAGE_MEMBERS: "manage the partnership's members and invitations",
    Capability.ACCEPT_UPDATES: "accept or return the improvement plan's updates",
    Capability.READ_RECORDS: (
        "see and change the inspection's reading of children's records: the pre-inspection "
        "return and its samples"
    ),
    Capability.READ_ASSIGNED_RECORDS: "read the sampled records assigned to them",
}
# What a refused member can do about it. Roles are given by the partnership's administrators,
# except where the work belongs to someone else.
NEXT_STEP: dict[Capability, str] = {
    Capability.ACCEPT_UPDATES: (
        "A lead officer of this partnership accepts updates, or lets a member do it for them: "
        "ask them."
    ),
    Capability.PUBLISH_REPORTS: (
        "The inspection summary and the progress review report are the inspectorate's "
        "documents: the inspector assigned to this partnership publishes them. You can read the "
        "draft and download it."
    ),
    Capability.EDIT_INSPECTION: (
        "Inspections are the inspectorate's record: ask the inspector assigned to this "
        "partnership to change them."
    ),
    Capability.READ_RECORDS: (
        "The reading of children's records is the inspection team's: the inspector assigned to "
        "this partnership draws the sample and tells the partnership which records to supply."
    ),
    Capability.READ_ASSIGNED_RECORDS: (
        "Records are read by the pairs the inspection team sets up, each an inspector and a local "
        "reader: ask the inspector assigned to this partnership if you are to read."
    ),
    Capability.EDIT_REVIEW: (
        "Progress reviews are the inspectorate's record: ask the inspector assigned to this "
        "partnership to change them."
    ),
}
ASK_AN_ADMINISTRATOR = (
    "If your work needs it, ask an administrator of this partnership to change your role."
)
PLURAL = {
    Role.VIEWER: "viewers",
    Role.CONTRIBUTOR: "contributors",
    Role.EDITOR: "editors",
    Role.LEAD: "lead officers",
    Role.READER: "local readers",
    Role.INSPECTOR: "inspectors",
    Role.ADMIN: "administrators",
}


def who_can(capability: Capability) -> str:
    """The roles that hold a capability, as words: "inspectors and administrators"."""
    names = [PLURAL[Role(role)] for role, held in ROLE_CAPABILITIES.items() if capability in held]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Refused(PermissionDenied):
    """A member whose role lacks a capability: the 403 page says who can, and what to do."""

    def __init__(self, capability: Capability, message: str = "", next_step: str = "") -> None:
        self.capability = capability
        self.message = message or f"Only {who_can(capability)} can {DOES[capability]}."
        self.next_step = next_step or NEXT_STEP.get(capability, ASK_AN_ADMINISTRATOR)
        super().__init__(self.message)


def archived(capability: Capability) -> Refused:
    """The refusal of a write to an archived partnership."""
    return Refused(
        capability,
        "This partnership is archived: it is kept, read-only, and nothing in it can be changed.",
        "If it should be changed again, ask a service administrator to unarchive it.",
    )


def active(today: datetime.date | None = None) -> Q:
    """Memberships that count today: not deactivated, and inside their period if they have one."""
    today = today or timezone.localdate()
    return (
        Q(deactivated_at__isnull=True)
        & (Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )


# The memberships read during the request being answered, by user id: a page reads a person's
# memberships once however often it asks (``memberships``). Outside a request (a command, a task,
# a test calling an action), nothing is kept: every question reads them afresh.
_PER_REQUEST: ContextVar[dict[int, list[Membership]] | None] = ContextVar(
    "followup_memberships", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    """Keep each user's memberships, once read, until the request ends
    (``partnerships.middleware.MembershipsPerRequestMiddleware``)."""
    token = _PER_REQUEST.set({})
    try:
        yield
    finally:
        _PER_REQUEST.reset(token)


def forget_memberships(user: AnyUser) -> None:
    """Forget the memberships kept for ``user`` in this request, after they change."""
    kept = _PER_REQUEST.get()
    if kept is not None and user.pk is not None:
        kept.pop(user.pk, None)


def memberships(user: AnyUser) -> list[Membership]:
    """The user's memberships that count today (``active``), each with its partnership, in one
    query. Every per-request question about the user's partnerships (which one a page is of,
    the role in it, whether a second factor is required, whether there are several) is answered
    from this list, read once per request."""
    if not user.is_authenticated or not user.is_active:
        return []
    kept = _PER_REQUEST.get()
    if kept is not None and user.pk in kept:
        return kept[user.pk]
    found = _read_memberships(user.pk, timezone.localdate())
    if kept is not None:
        kept[user.pk] = found
    return found


def _memberships_query(user_id: int, today: datetime.date) -> QuerySet[Any]:
    """Each membership of the user that counts today, with its partnership's columns after its
    own, by partnership name."""
    return (
        Membership.objects.filter(active(today), user_id=user_id)
        .order_by("partnership__name", "partnership_id")
        .values_list(
            *_MEMBERSHIP_COLUMNS, *(f"partnership__{column}" for column in _PARTNERSHIP_COLUMNS)
        )
    )


_MEMBERSHIP_COLUMNS = [f.attname for f in Membership._meta.concrete_fields]
_PARTNERSHIP_COLUMNS = [f.attname for f in Partnership._meta.concrete_fields]
# Read on every request: compiled once (``lib.prepared``), about a tenth of the ORM's cost.
_MEMBERSHIPS = Prepared(_memberships_query)


def _read_memberships(user_id: int, today: datetime.date) -> list[Membership]:
    """The memberships, each with its partnership, made as the ORM makes them (``from_db``)."""
    found = []
    split = len(_MEMBERSHIP_COLUMNS)
    for row in _MEMBERSHIPS.rows(user_id=user_id, today=today):
        membership = Membership.from_db("default", _MEMBERSHIP_COLUMNS, row[:split])
        partnership = Partnership.from_db("default", _PARTNERSHIP_COLUMNS, row[split:])
        Membership.partnership.field.set_cached_value(membership, partnership)
        found.append(membership)
    return found


def membership_of(user: AnyUser, partnership: Partnership) -> Membership | None:
    """The user's membership of the partnership if it counts today (``active``), or None."""
    return next((m for m in memberships(user) if m.partnership_id == partnership.pk), None)


def capabilities(user: AnyUser, partnership: Partnership) -> frozenset[Capability]:
    membership = membership_of(user, partnership)
    if membership is None:
        return frozenset()
    return _held(membership, partnership)


def _held(membership: Membership, partnership: Partnership) -> frozenset[Capability]:
    """What a membership that counts grants in its partnership."""
    held = ROLE_CAPABILITIES.get(membership.role, frozenset())
    if membership.accepts_updates and membership.role in DELEGABLE:
        held = held | {Capability.ACCEPT_UPDATES}
    return held & READING if partnership.is_archived else held


def can(user: AnyUser, partnership: Partnership, capability: Capability) -> bool:
    return capability in capabilities(user, partnership)


def require(user: AnyUser, partnership: Partnership, capability: Capability) -> None:
    """Raise 404 for a non-member, 403 for a member without the capability."""
    held = capabilities(user, partnership)
    if not held:
        raise Http404("No such page.")
    if capability not in held:
        membership = membership_of(user, partnership)
        role_holds = membership is not None and capability in ROLE_CAPABILITIES[membership.role]
        raise archived(capability) if role_holds else Refused(capability)


def visible_partnerships(user: AnyUser) -> QuerySet[Partnership]:
    """Partnerships the user is a member of (assigned to, for an inspector) today."""
    if not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    counted = Membership.objects.filter(active(), user_id=user.pk).values("partnership_id")
    return Partnership.objects.filter(pk__in=counted)


def partnerships_where(user: AnyUser, capability: Capability) -> list[int]:
    """The ids of the partnerships where the user holds ``capability`` today, decided as
    ``capabilities`` decides it for each, from the memberships read once a request
    (``memberships``): the "For you" page and its count filter by them."""
    return [m.partnership_id for m in memberships(user) if capability in _held(m, m.partnership)]


def members_holding(capability: Capability) -> QuerySet[Membership]:
    """The memberships that grant ``capability`` today, of active accounts, in every
    partnership: what ``capabilities`` decides, as a query to narrow (to a partnership and a
    person, in a subquery, say)."""
    holding = Q(role__in=[role for role, held in ROLE_CAPABILITIES.items() if capability in held])
    if capability == Capability.ACCEPT_UPDATES:
        holding |= Q(role__in=DELEGABLE, accepts_updates=True)
    found = Membership.objects.filter(active(), holding, user__is_active=True)
    if capability not in READING:
        found = found.filter(partnership__archived_at__isnull=True)
    return found


def partnership_for(user: AnyUser, slug: str) -> Partnership:
    """The partnership with this slug if the user may see it; 404 otherwise."""
    for membership in memberships(user):
        if membership.partnership.slug == slug:
            return membership.partnership
    raise Http404("No such page.")


# Roles whose holders must use a second factor wherever they hold them (ASVS 5.0 6.3.3: privileged
# users): an inspector's judgements and publications, an administrator's powers.
MFA_ROLES = frozenset({Role.INSPECTOR, Role.ADMIN})


def mfa_required(user: AnyUser) -> bool:
    """Whether the user must enrol a second factor before reaching any other page: privileged
    users, and every member of a partnership that requires it of all its members."""
    if not user.is_authenticated or not user.is_active:
        return False
    by_role = settings.REQUIRE_MFA_FOR_PRIVILEGED  # off only for the demo (docs/configuration.md)
    if by_role and (user.is_superuser or user.is_staff):
        return True
    return any(
        m.partnership.require_mfa or (by_role and m.role in MFA_ROLES) for m in memberships(user)
    )


def mfa_required_by_role(user: AnyUser) -> bool:
    """Whether the user must use a second factor for a role they hold (not only because a
    partnership of theirs asks it of all its members)."""
    if not user.is_authenticated or not user.is_active or not settings.REQUIRE_MFA_FOR_PRIVILEGED:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(m.role in MFA_ROLES for m in memberships(user))


# The kinds of second factor that count as set up (allauth's): recovery codes only back up one of
# these, so they alone do not count.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: AnyUser) -> bool:
    return bool(Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists())


def must_set_up_second_factor(user: AnyUser) -> bool:
    """Whether the user must use a second factor (``mfa_required``) and has not set one up yet.
    Until they have, the pages send them to set one up (``accounts.middleware``), and they may
    neither be given an API token nor use one they have (``require_token_holder``): a token would
    otherwise reach with a password alone what the pages keep behind a second factor."""
    return mfa_required(user) and not has_second_factor(user)


NO_TOKEN_WITHOUT_SECOND_FACTOR = (
    "{name} must set up a second factor (an authenticator app or a security key) before they can "
    "have an API token: their role, or a partnership of theirs, requires one. They are asked to "
    "set it up when they next sign in to Followup."
)
TOKEN_WAITS_FOR_SECOND_FACTOR = (
    "This token's account must set up a second factor (an authenticator app or a security key) "
    "before its tokens can be used: its role, or a partnership of its, requires one. Sign in to "
    "Followup to set it up, and the token works again."
)


def token_refusal(user: AnyUser) -> str | None:
    """Why ``user`` may not be given an API token now, or None if they may: an account that must
    set up a second factor and has not (a deactivated account is refused by the token's own
    rules, ``accounts.tokens``)."""
    if must_set_up_second_factor(user):
        return NO_TOKEN_WITHOUT_SECOND_FACTOR.format(name=user.get_username())
    return None


def require_token_holder(user: AnyUser) -> None:
    """Refuse (403) a request made with the token of an account that must set up a second factor
    and has not: the token was made before it had to, or before the rule was in force. It works
    again once they have set one up."""
    if must_set_up_second_factor(user):
        raise PermissionDenied(TOKEN_WAITS_FOR_SECOND_FACTOR)


def is_service_admin(user: AnyUser) -> bool:
    """An administrator of the whole service (the inspectorate's): creates partnerships, assigns
    inspectors, resets a person's lost second factor. Django's superuser flag marks them."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def require_service_admin(user: AnyUser) -> None:
    """The administration pages exist only for service administrators: 404 for anyone else."""
    if not is_service_admin(user):
        raise Http404("No such page.")


def partnership_to_administer(user: AnyUser, slug: str) -> Partnership:
    """Any partnership, archived or not, for a service administrator; 404 for anyone else."""
    require_service_admin(user)
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise Http404("No such page.")
    return partnership


def members_partnership(user: AnyUser, slug: str, *, write: bool = False) -> Partnership:
    """The partnership whose members page this is: for those who may manage its members (404
    for a non-member, 403 for a member without ``manage_members``) and for service
    administrators. A write to an archived partnership is refused (403), whoever asks."""
    if is_service_admin(user):
        partnership = partnership_to_administer(user, slug)
        if write and partnership.is_archived:
            raise archived(Capability.MANAGE_MEMBERS)
        return partnership
    partnership = partnership_for(user, slug)
    if write:
        require(user, partnership, Capability.MANAGE_MEMBERS)  # says so if archived
        return partnership
    membership = membership_of(user, partnership)
    if membership is None or Capability.MANAGE_MEMBERS not in ROLE_CAPABILITIES[membership.role]:
        raise Refused(Capability.MANAGE_MEMBERS)
    return partnership


# The roles a lead or a partnership's administrator gives; a service administrator also gives
# the administrator role. Inspectors are assigned, never invited.
MEMBER_ROLES = (Role.VIEWER, Role.CONTRIBUTOR, Role.EDITOR, Role.READER, Role.LEAD)


def assignable_roles(user: AnyUser) -> tuple[Role, ...]:
    """The roles the user may invite people to, or give a member: a service administrator may
    also invite inspectors (whom they assign) and administrators."""
    if is_service_admin(user):
        return (*MEMBER_ROLES, Role.INSPECTOR, Role.ADMIN)
    return MEMBER_ROLES


def may_change_member(user: AnyUser, membership: Membership) -> bool:
    """Whether the user may change this member's role or deactivate them: a role they may give,
    never their own membership (another lead or a service administrator does that)."""
    if membership.user_id == user.pk:
        return False
    return membership.role in assignable_roles(user)


def require_change_member(user: AnyUser, membership: Membership) -> None:
    if not may_change_member(user, membership):
        raise Refused(
            Capability.MANAGE_MEMBERS,
            "You cannot change this membership: your own, an inspector's (assigned by a service "
            "administrator) or an administrator's.",
            "Ask a service administrator.",
        )
