"""What the account pages and the header say about the person signed in."""

from __future__ import annotations

from django import template
from django.conf import settings

from followup.lib.types import AnyUser
from followup.partnerships.access import is_service_admin, membership_of, memberships
from followup.partnerships.models import Partnership

register = template.Library()


@register.simple_tag
def reset_minutes() -> str:
    """How long a password reset link works (FOLLOWUP_PASSWORD_RESET_MINUTES)."""
    return str(int(settings.PASSWORD_RESET_TIMEOUT) // 60)


@register.simple_tag
def role_in(user: AnyUser, partnership: Partnership | None) -> str:
    """The person's role in the partnership on screen ("Lead officer"), or nothing."""
    if partnership is None or not isinstance(partnership, Partnership):
        return ""
    membership = membership_of(user, partnership)
    return membership.get_role_display() if membership is not None else ""


@register.simple_tag
def sees_many_partnerships(user: AnyUser) -> bool:
    """Whether the person has a list of partnerships to choose from: more than one, or the
    service's administration. With one, their home page is that partnership's."""
    return is_service_admin(user) or len(memberships(user)) > 1


@register.simple_tag
def session_time_outs() -> str:
    """When a signed-in person is signed out (FOLLOWUP_SESSION_IDLE_MINUTES and
    FOLLOWUP_SESSION_ABSOLUTE_HOURS), as the sign-in page says it."""
    idle = settings.SESSION_IDLE_SECONDS // 60
    absolute = settings.SESSION_ABSOLUTE_SECONDS // 3600
    return (
        f"For your security, you are signed out after {idle} minutes without using Followup, "
        f"and {absolute} hours after signing in."
    )
