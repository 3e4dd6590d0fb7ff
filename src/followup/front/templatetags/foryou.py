"""The count of the "For you" page in the header of every page for a signed-in person."""

from __future__ import annotations

from django import template

from followup.front.foryou import for_you_count as count_waiting
from followup.lib.types import AnyUser

register = template.Library()


@register.simple_tag
def for_you_count(user: AnyUser) -> int:
    """How many things wait for the person: one query (``front.foryou.for_you_count``)."""
    return count_waiting(user)
