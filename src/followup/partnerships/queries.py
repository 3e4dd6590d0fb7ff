"""Reads for the administration and members pages, each scoped to what the caller may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from followup.partnerships import access
from followup.partnerships.access import AnyUser
from followup.partnerships.models import Area, Membership, Organisation, Partnership, Role


def all_partnerships(user: AnyUser) -> QuerySet[Partnership]:
    """Every partnership, archived ones too, with its area and counts: for service
    administrators only (404 for anyone else)."""
    access.require_service_admin(user)
    return Partnership.objects.select_related("area").annotate(
        member_count=Count("memberships", distinct=True),
        organisation_count=Count("organisations", distinct=True),
    )


def areas(user: AnyUser) -> QuerySet[Area]:
    access.require_service_admin(user)
    return Area.objects.all()


def organisation_for(user: AnyUser, slug: str, pk: int) -> Organisation:
    """One of the partnership's organisations, for a service administrator."""
    partnership = access.partnership_to_administer(user, slug)
    organisation = partnership.organisations.filter(pk=pk).first()
    if organisation is None:
        raise Http404("No such page.")
    return organisation


def inspectors_of(user: AnyUser, partnership: Partnership) -> QuerySet[Membership]:
    """The inspectors assigned to the partnership, in and out of their periods."""
    access.require_service_admin(user)
    return Membership.objects.filter(partnership=partnership, role=Role.INSPECTOR).select_related(
        "user"
    )


def members_of(user: AnyUser, slug: str) -> tuple[Partnership, QuerySet[Membership]]:
    """The partnership and all its memberships, deactivated ones too, for those who may
    manage its members."""
    partnership = access.members_partnership(user, slug)
    memberships = (
        Membership.objects.filter(partnership=partnership)
        .select_related("user", "organisation")
        .order_by("deactivated_at", "user__username")
    )
    return partnership, memberships


def membership_for(user: AnyUser, slug: str, pk: int) -> Membership:
    """One membership of the partnership, for those who may manage its members."""
    partnership = access.members_partnership(user, slug)
    membership = (
        Membership.objects.filter(partnership=partnership, pk=pk)
        .select_related("user", "partnership", "organisation")
        .first()
    )
    if membership is None:
        raise Http404("No such page.")
    return membership


def deactivation_ends_account(membership: Membership) -> bool:
    """Whether deactivating this membership also deactivates its member's account
    (``actions.deactivate_member``): it is their last membership not deactivated, and they are
    not a service administrator. They can then no longer sign in, and their API tokens are
    revoked."""
    user = membership.user
    others = Membership.objects.filter(user=user, deactivated_at__isnull=True).exclude(
        pk=membership.pk
    )
    return bool(user.is_active and not user.is_superuser and not others.exists())


def partnerships_of(user: AnyUser) -> QuerySet[Partnership]:
    """The partnerships the user is a member of today (``access.visible_partnerships``), with
    their areas, by name and then id: the home page's list, and the API's."""
    return access.visible_partnerships(user).select_related("area").order_by("name", "id")
