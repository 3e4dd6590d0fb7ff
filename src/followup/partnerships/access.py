"""The one place where access is decided.

A user sees a partnership only through a membership of it. Anyone else is told the
partnership's objects do not exist (404), so that its existence is not disclosed. A member
whose role lacks a capability is refused (403).

| capability       | viewer | contributor | editor | lead | inspector | admin |
|------------------|:------:|:-----------:|:------:|:----:|:---------:|:-----:|
| view             |   ✓    |      ✓      |   ✓    |  ✓   |     ✓     |   ✓   |
| update_action    |        |      ✓      |   ✓    |  ✓   |           |   ✓   |
| edit_plan        |        |             |   ✓    |  ✓   |           |   ✓   |
| edit_inspection  |        |             |        |      |     ✓     |   ✓   |
| edit_review      |        |             |        |      |     ✓     |   ✓   |
| view_history     |        |             |   ✓    |  ✓   |     ✓     |   ✓   |
| manage_data      |        |             |   ✓    |  ✓   |           |   ✓   |
| code_evidence    |        |      ✓      |   ✓    |  ✓   |           |   ✓   |
| approve_quotes   |        |             |        |  ✓   |     ✓     |   ✓   |
| publish_reports  |        |             |        |      |     ✓     |   ✓   |
| read_evidence    |        |      ✓      |   ✓    |  ✓   |     ✓     |   ✓   |

``read_evidence`` is for those who code or approve evidence: the original words (sources, excerpts,
quotes before redaction), the cases and their attributes, and exact small counts. Viewers see
what a published report would: approved, redacted quotes and protected counts.

Inspectors read everything of the partnerships assigned to them, and write only
inspections and progress reviews; the partnership owns its improvement plan. The inspection
summary and the progress review report are the inspectorate's documents: only inspectors and
administrators publish them.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from followup.lib.types import AnyUser
from followup.partnerships.models import Membership, Partnership, Role

__all__ = [
    "AnyUser",
    "Capability",
    "Refused",
    "can",
    "capabilities",
    "mfa_required",
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
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT_INSPECTION,
            Capability.EDIT_REVIEW,
            Capability.VIEW_HISTORY,
            Capability.APPROVE_QUOTES,
            Capability.PUBLISH_REPORTS,
            Capability.READ_EVIDENCE,
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
}
# What a refused member can do about it. Roles are given by the partnership's administrators,
# except where the work belongs to someone else.
NEXT_STEP: dict[Capability, str] = {
    Capability.PUBLISH_REPORTS: (
        "The inspection summary and the progress review report are the inspectorate's "
        "documents: the inspector assigned to this partnership publishes them. You can read the "
        "draft and download it."
    ),
    Capability.EDIT_INSPECTION: (
        "Inspections are the inspectorate's record: ask the inspector assigned to this "
        "partnership to change them."
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
    Role.INSPECTOR: "inspectors",
    Role.ADMIN: "administrators",
}


def who_can(capability: Capability) -> str:
    """The roles that hold a capability, as words: "inspectors and administrators"."""
    names = [PLURAL[Role(role)] for role, held in ROLE_CAPABILITIES.items() if capability in held]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Refused(PermissionDenied):
    """A member whose role lacks a capability: the 403 page says who can, and what to do."""

    def __init__(self, capability: Capability) -> None:
        self.capability = capability
        self.message = f"Only {who_can(capability)} can {DOES[capability]}."
        self.next_step = NEXT_STEP.get(capability, ASK_AN_ADMINISTRATOR)
        super().__init__(self.message)


def forget_memberships(user: AnyUser) -> None:
    """Forget the memberships ``membership_of`` has cached on ``user``, after they change."""
    setattr(user, "_followup_memberships", {})  # noqa: B010 - the cache membership_of keeps


def membership_of(user: AnyUser, partnership: Partnership) -> Membership | None:
    """The user's membership of the partnership, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    cache: dict[int, Membership | None] = getattr(user, "_followup_memberships", {})
    if partnership.pk not in cache:
        cache[partnership.pk] = Membership.objects.filter(
            user_id=user.pk, partnership=partnership
        ).first()
        setattr(user, "_followup_memberships", cache)  # noqa: B010 - cached for this request
    return cache[partnership.pk]


def capabilities(user: AnyUser, partnership: Partnership) -> frozenset[Capability]:
    membership = membership_of(user, partnership)
    if membership is None:
        return frozenset()
    return ROLE_CAPABILITIES.get(membership.role, frozenset())


def can(user: AnyUser, partnership: Partnership, capability: Capability) -> bool:
    return capability in capabilities(user, partnership)


def require(user: AnyUser, partnership: Partnership, capability: Capability) -> None:
    """Raise 404 for a non-member, 403 for a member without the capability."""
    held = capabilities(user, partnership)
    if not held:
        raise Http404("No such page.")
    if capability not in held:
        raise Refused(capability)


def visible_partnerships(user: AnyUser) -> QuerySet[Partnership]:
    """Partnerships the user is a member of (assigned to, for an inspector)."""
    if not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    return Partnership.objects.filter(memberships__user_id=user.pk).distinct()


def partnership_for(user: AnyUser, slug: str) -> Partnership:
    """The partnership with this slug if the user may see it; 404 otherwise."""
    partnership = visible_partnerships(user).filter(slug=slug).first()
    if partnership is None:
        raise Http404("No such page.")
    return partnership


# Roles whose holders must use a second factor wherever they hold them (ASVS 5.0 6.3.3: privileged
# users): an inspector's judgements and publications, an administrator's powers.
MFA_ROLES = frozenset({Role.INSPECTOR, Role.ADMIN})


def mfa_required(user: AnyUser) -> bool:
    """Whether the user must enrol a second factor before reaching any other page."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user_id=user.pk, role__in=MFA_ROLES).exists()


def is_service_admin(user: AnyUser) -> bool:
    """An administrator of the whole service (the inspectorate's): creates partnerships, assigns
    inspectors, resets a person's lost second factor. Django's superuser flag marks them."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)
