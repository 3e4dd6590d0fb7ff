"""Every write to partnerships, their areas, organisations and memberships made outside
Django's admin (which is audited in audit/adminbase.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from followup.audit import writes
from followup.audit.log import diff, record, snapshot
from followup.lib.types import Actor, CommandLine
from followup.partnerships import access, queries
from followup.partnerships.models import Area, Membership, Organisation, Partnership, Role


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


# Administration: service administrators ------------------------------------------------------

PARTNERSHIP_FIELDS = ("name", "slug", "area", "description")
ORGANISATION_FIELDS = ("name", "kind", "contact")


def _require_service_admin(actor: Actor) -> None:
    if not isinstance(actor, CommandLine) and not access.is_service_admin(actor):
        raise PermissionDenied("Only a service administrator can do this.")


def _area(actor: Actor, data: dict[str, Any]) -> Area | None:
    """The area chosen, or a new one made from the code, name and kind given."""
    if not data.get("new_area_code"):
        area: Area | None = data.get("area")
        return area
    area = Area(code=data["new_area_code"], name=data["new_area_name"], kind=data["new_area_kind"])
    try:
        area.full_clean()
    except ValidationError as error:
        raise ValidationError({f"new_area_{k}": v for k, v in error.message_dict.items()}) from None
    area.save()
    record(actor, "area.create", area, diff({}, snapshot(area)))
    return area


def create_partnership(actor: Actor, data: dict[str, Any]) -> Partnership:
    _require_service_admin(actor)
    with transaction.atomic():
        values = {k: data[k] for k in PARTNERSHIP_FIELDS if k != "area"}
        partnership = Partnership(area=_area(actor, data), **values)
        return writes.create(actor, "partnership.create", partnership, partnership)


def update_partnership(
    actor: Actor, partnership: Partnership, data: dict[str, Any], *, version: str | None = None
) -> Partnership:
    _require_service_admin(actor)
    with transaction.atomic():
        values = {k: data[k] for k in PARTNERSHIP_FIELDS if k != "area"}
        values["area"] = _area(actor, data)
        return writes.update(
            actor, "partnership.update", partnership, partnership, values, version=version
        )


def set_archived(actor: Actor, partnership: Partnership, archived: bool) -> Partnership:
    """Archive a partnership (kept, read-only for its members) or bring it back."""
    _require_service_admin(actor)
    when = timezone.now() if archived else None
    verb = "partnership.archive" if archived else "partnership.unarchive"
    with transaction.atomic():
        return writes.update(actor, verb, partnership, partnership, {"archived_at": when})


def _check_contact(partnership: Partnership, data: dict[str, Any]) -> None:
    """An organisation's contact is asked for updates: a member who may add them."""
    contact = data.get("contact")
    if contact is not None and not access.can(
        contact, partnership, access.Capability.UPDATE_ACTION
    ):
        raise ValidationError({"contact": "Choose a member of the partnership who can add updates"})


def add_organisation(actor: Actor, partnership: Partnership, data: dict[str, Any]) -> Organisation:
    _require_service_admin(actor)
    _check_contact(partnership, data)
    with transaction.atomic():
        organisation = Organisation(
            partnership=partnership,
            **{k: data[k] for k in ORGANISATION_FIELDS if k in data or k != "contact"},
        )
        return writes.create(actor, "organisation.create", organisation, partnership)


def update_organisation(
    actor: Actor, organisation: Organisation, data: dict[str, Any], *, version: str | None = None
) -> Organisation:
    """Rename an organisation, or change its kind or its contact for update requests."""
    _require_service_admin(actor)
    _check_contact(organisation.partnership, data)
    with transaction.atomic():
        values = {k: data[k] for k in ORGANISATION_FIELDS if k in data}
        return writes.update(
            actor,
            "organisation.update",
            organisation,
            organisation.partnership,
            values,
            version=version,
        )


def remove_organisation(actor: Actor, organisation: Organisation) -> None:
    """Remove an organisation. Actions and members that named it keep their history, and name
    no organisation from now on."""
    _require_service_admin(actor)
    with transaction.atomic():
        writes.delete(actor, "organisation.delete", organisation, organisation.partnership)


def assign_inspector(actor: Actor, partnership: Partnership, data: dict[str, Any]) -> Membership:
    """Assign an inspector (an existing account) to a partnership for a period; an inspector
    already assigned has their period changed."""
    _require_service_admin(actor)
    user: User = data["user"]
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "The end must be on or after the start."})
    other = (
        Membership.objects.filter(user=user, deactivated_at__isnull=True)
        .exclude(role=Role.INSPECTOR)
        .exclude(partnership=partnership)
        .select_related("partnership")
        .first()
    )
    if other is not None:
        # An inspector is the inspectorate's: someone who works for a partnership is not one.
        raise ValidationError(
            {
                "user": f"{user.get_username()} is a member of {other.partnership.name} as "
                f"{other.get_role_display()}, so cannot inspect. Choose an inspector, or invite "
                "one by email with the role Inspector."
            }
        )
    with transaction.atomic():
        existing = Membership.objects.filter(user=user, partnership=partnership).first()
        if existing is None:
            membership = Membership(
                user=user,
                partnership=partnership,
                role=Role.INSPECTOR,
                starts_on=starts_on,
                ends_on=ends_on,
            )
            return writes.create(actor, "membership.create", membership, partnership)
        if existing.role != Role.INSPECTOR:
            raise ValidationError(
                {
                    "user": f"{user.get_username()} is already a member, as {existing.get_role_display()}."
                }
            )
        period = {"starts_on": starts_on, "ends_on": ends_on, "deactivated_at": None}
        return writes.update(actor, "membership.update", existing, partnership, period)


# Members: leads, a partnership's administrators, service administrators -----------------------


def require_manage_members(actor: Actor, partnership: Partnership) -> None:
    """The command line's operator may; otherwise as ``access.members_partnership`` decides."""
    if isinstance(actor, CommandLine):
        return
    access.members_partnership(actor, partnership.slug, write=True)


def change_role(
    actor: Actor,
    membership: Membership,
    role: str,
    *,
    accepts_updates: bool | None = None,
    version: str | None = None,
) -> Membership:
    """Give a member another role and, for a contributor or editor, let them accept and return
    the plan's updates or stop them (``accepts_updates``; None keeps it as it is). Only those
    roles keep it: it is cleared for any other."""
    require_manage_members(actor, membership.partnership)
    if not isinstance(actor, CommandLine):
        access.require_change_member(actor, membership)
        if role not in access.assignable_roles(actor):
            raise ValidationError({"role": "Choose one of the roles you can give."})
    delegated = membership.accepts_updates if accepts_updates is None else accepts_updates
    with transaction.atomic():
        result = writes.update(
            actor,
            "membership.update",
            membership,
            membership.partnership,
            {"role": Role(role), "accepts_updates": delegated and role in access.DELEGABLE},
            version=version,
        )
    access.forget_memberships(membership.user)
    return result


# What else ends with an account when its last membership ends: its API tokens are revoked
# (``accounts.actions.revoke_all_tokens``, handed here by ``accounts.apps.AccountsConfig.ready``,
# since this layer cannot import accounts). Each is called inside the deactivation's transaction.
UserDeactivated = Callable[[Actor, User, Partnership], object]
_on_user_deactivated: list[UserDeactivated] = []


def when_user_deactivated(hook: UserDeactivated) -> None:
    """Call ``hook(actor, user, partnership)`` whenever ``deactivate_member`` deactivates an
    account."""
    if hook not in _on_user_deactivated:
        _on_user_deactivated.append(hook)


def deactivate_member(actor: Actor, membership: Membership) -> Membership:
    """End a membership, keeping it and everything its member did. Someone left with no active
    membership, and who is not a service administrator, can no longer sign in
    (``queries.deactivation_ends_account``). A membership already deactivated is left as it is:
    the form sent twice changes nothing and records nothing more."""
    require_manage_members(actor, membership.partnership)
    if not isinstance(actor, CommandLine):
        access.require_change_member(actor, membership)
    with transaction.atomic():
        if writes.lock(membership).deactivated_at is not None:
            return membership
        user = membership.user
        ends_account = queries.deactivation_ends_account(membership)
        writes.update(
            actor,
            "membership.deactivate",
            membership,
            membership.partnership,
            {"deactivated_at": timezone.now()},
        )
        if ends_account:
            writes.update(
                actor, "user.deactivate", user, membership.partnership, {"is_active": False}
            )
            for hook in _on_user_deactivated:
                hook(actor, user, membership.partnership)
    return membership


def reactivate_member(actor: Actor, membership: Membership) -> Membership:
    """Bring a deactivated member back; they can sign in again."""
    require_manage_members(actor, membership.partnership)
    if not isinstance(actor, CommandLine):
        access.require_change_member(actor, membership)
    with transaction.atomic():
        writes.update(
            actor,
            "membership.reactivate",
            membership,
            membership.partnership,
            {"deactivated_at": None},
        )
        if not membership.user.is_active:
            writes.update(
                actor,
                "user.reactivate",
                membership.user,
                membership.partnership,
                {"is_active": True},
            )
    return membership


def set_require_mfa(
    actor: Actor, partnership: Partnership, required: bool, *, version: str | None = None
) -> Partnership:
    """Require (or stop requiring) a second factor of every member of the partnership."""
    require_manage_members(actor, partnership)
    with transaction.atomic():
        return writes.update(
            actor,
            "partnership.update",
            partnership,
            partnership,
            {"require_mfa": required},
            version=version,
        )
