"""Every write to memberships made outside Django's admin (which is audited in audit/adminbase.py)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from followup.audit.log import diff, record, snapshot
from followup.lib.types import Actor, CommandLine
from followup.partnerships.models import Membership, Partnership, Role


def add_member(actor: Actor, user: User, partnership: Partnership, role: Role | str) -> Membership:
    """Give a user a role in a partnership. Only the command line's operator or a superuser may:
    no role inside a partnership grants membership."""
    if not isinstance(actor, CommandLine) and not (
        isinstance(actor, User) and actor.is_active and actor.is_superuser
    ):
        raise PermissionDenied("Only an administrator can add members.")
    with transaction.atomic():
        membership = Membership(user=user, partnership=partnership, role=Role(role))
        membership.full_clean()
        membership.save()
        record(actor, "membership.create", membership, diff({}, snapshot(membership)), partnership)
    return membership
