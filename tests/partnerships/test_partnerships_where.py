"""``access.partnerships_where`` decides for every partnership at once exactly what
``access.can`` decides for one: the "For you" page and its count rest on it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from followup.partnerships.access import (
    Capability,
    can,
    forget_memberships,
    members_holding,
    partnerships_where,
)
from followup.partnerships.models import Membership, Partnership

WHO = ("lead", "editor", "contributor", "viewer", "inspector", "admin", "outsider", "service_admin")


def members_agree() -> None:
    """``members_holding`` grants each capability to exactly the people ``can`` grants it to."""
    from django.contrib.auth.models import User

    for capability in Capability:
        found = set(members_holding(capability).values_list("user_id", "partnership_id"))
        assert found == {
            (user.pk, partnership.pk)
            for user in User.objects.all()
            for partnership in Partnership.objects.all()
            if can(user, partnership, capability)
        }, capability


def agrees(world, who: str) -> None:
    user = world.users[who]
    for capability in Capability:
        found = set(partnerships_where(user, capability))
        assert found == {p.pk for p in Partnership.objects.all() if can(user, p, capability)}, (
            who,
            capability,
        )


@pytest.mark.parametrize("who", WHO)
def test_partnerships_where_agrees_with_can_for_every_capability(world, who):
    agrees(world, who)


def test_members_holding_agrees_with_can_for_every_capability(world):
    members_agree()


def test_it_agrees_for_a_delegate_an_archived_partnership_and_memberships_out_of_their_period(
    world,
):
    home = world.home.partnership
    Membership.objects.filter(user=world.users["editor"], partnership=home).update(
        accepts_updates=True
    )
    Membership.objects.filter(user=world.users["viewer"]).update(accepts_updates=True)
    assert partnerships_where(world.users["editor"], Capability.ACCEPT_UPDATES) == [home.pk]
    assert not partnerships_where(world.users["viewer"], Capability.ACCEPT_UPDATES)
    today = timezone.localdate()
    Membership.objects.filter(user=world.users["inspector"]).update(
        ends_on=today - datetime.timedelta(days=1)
    )
    Membership.objects.filter(user=world.users["contributor"]).update(deactivated_at=timezone.now())
    world.away.partnership.archived_at = timezone.now()
    world.away.partnership.save()
    for who in WHO:
        forget_memberships(world.users[who])
        agrees(world, who)
    world.users["admin"].is_active = False
    world.users["admin"].save()
    members_agree()
    assert partnerships_where(world.users["outsider"], Capability.VIEW) == [
        world.away.partnership.pk
    ]
    assert not partnerships_where(world.users["outsider"], Capability.APPROVE_QUOTES)
