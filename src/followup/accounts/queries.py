"""Reads of people's accounts, scoped to who asks."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.http import Http404

from followup.lib.types import AnyUser
from followup.partnerships import access


def person_for(actor: AnyUser, pk: int) -> User:
    """A person's account, for a service administrator; anyone else is told there is none."""
    if not access.is_service_admin(actor):
        raise Http404("No such page.")
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such page.")
    return person


def second_factors(person: User) -> list[Authenticator]:
    return list(Authenticator.objects.filter(user=person).order_by("type", "created_at"))
