"""Reads of invitations, scoped to those who may manage the partnership's members."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from followup.accounts.models import Invitation
from followup.partnerships.access import AnyUser, members_partnership
from followup.partnerships.models import Partnership


def invitations_of(user: AnyUser, partnership: Partnership) -> QuerySet[Invitation]:
    """The partnership's invitations not yet accepted or revoked, newest first."""
    members_partnership(user, partnership.slug)
    return Invitation.objects.filter(
        partnership=partnership, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by", "organisation")


def invitation_for(user: AnyUser, slug: str, pk: int) -> Invitation:
    partnership = members_partnership(user, slug)
    invitation = (
        Invitation.objects.filter(partnership=partnership, pk=pk)
        .select_related("partnership")
        .first()
    )
    if invitation is None:
        raise Http404("No such page.")
    return invitation
