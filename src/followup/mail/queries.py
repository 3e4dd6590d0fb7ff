"""Every read of the mail app, scoped to what the caller may see."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from followup.mail.models import Message, Notifying

# Messages shown on a person's own notifications page: the latest this many.
RECENT_MESSAGES = 30


def notifying_choice(user: User) -> str:
    """The person's own choice of how they are told (without a row, everything)."""
    how = Notifying.objects.filter(user=user).values_list("how", flat=True).first()
    return how or Notifying.How.EVERYTHING


def messages_to(user: User) -> QuerySet[Message]:
    """The latest messages the person was sent (or that were kept back at their choice): their
    own record, newest first."""
    return Message.objects.filter(to_user=user).select_related("partnership")[:RECENT_MESSAGES]
