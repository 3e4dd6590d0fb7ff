"""Only the command line's operator or an active superuser creates users and memberships outside
the admin; each creation is on the record, and a refusal writes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from followup.accounts.actions import create_user
from followup.audit.models import AuditEntry
from followup.lib.types import CommandLine
from followup.partnerships.actions import add_member
from followup.partnerships.models import Membership, Role
from tests import factories as f


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), AuditEntry.objects.count()


def test_a_lead_or_an_inactive_superuser_cannot_create_a_user_and_nothing_is_written(world):
    retired = f.UserFactory(username="retired", is_superuser=True, is_active=False)
    before = counts()
    for actor in (world.users["lead"], world.users["admin"], retired):
        with pytest.raises(PermissionDenied, match="Only an administrator can create users"):
            create_user(actor, username="newcomer", email="", password="a sound passphrase")
    assert counts() == before


def test_a_superuser_creates_a_superuser_on_the_record_without_the_password(world):
    boss = f.UserFactory(username="boss", is_superuser=True, is_staff=True)
    made = create_user(
        boss,
        username="deputy",
        email="deputy@example.org",
        password="a sound passphrase",
        superuser=True,
    )
    assert (made.is_superuser, made.is_staff, made.check_password("a sound passphrase")) == (
        True,
        True,
        True,
    )
    entry = AuditEntry.objects.get(verb="user.create", object_id=str(made.pk))
    assert entry.actor_name == "boss"
    assert "a sound passphrase" not in str(entry.changes)
    plain = create_user(CommandLine("ops"), username="plain", email="", password="another one here")
    assert (plain.is_superuser, plain.is_staff) == (False, False)


def test_no_role_inside_a_partnership_may_add_a_member_and_a_refusal_writes_nothing(world):
    newcomer = f.UserFactory(username="newcomer")
    before = counts()
    for name in ("lead", "admin", "inspector", "outsider"):
        with pytest.raises(PermissionDenied, match="Only an administrator can add members"):
            add_member(world.users[name], newcomer, world.home.partnership, Role.EDITOR)
    assert counts() == before
    boss = f.UserFactory(username="boss", is_superuser=True)
    membership = add_member(boss, newcomer, world.home.partnership, "editor")
    assert membership.role == Role.EDITOR
    entry = AuditEntry.objects.get(verb="membership.create", object_id=str(membership.pk))
    assert (entry.actor_name, entry.partnership_id) == ("boss", world.home.partnership.pk)
