"""Every write of the mail app: a message recorded, then sent, once; a person's choice of how
they are told."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from followup.audit.log import record
from followup.lib import clock
from followup.mail import queries, sending
from followup.mail.models import Message, Notifying
from followup.partnerships.models import Partnership

# What a message's answer says when the message was not handed to the mail server.
NO_ADDRESS = "Not sent: the account has no email address."
ASKED_FOR_NONE = "Not sent: they asked for no email (their notification settings)."
# What may go wrong in handing a message over: the server's refusal, the network, a bad address.
SEND_ERRORS = (smtplib.SMTPException, OSError, ValueError, UnicodeError)


@dataclass(frozen=True)
class Outgoing:
    """A message about to be recorded and sent: ``event`` names what it is about, and is never
    sent twice; ``optional`` mail (a reminder) is left out for those who asked for digests only."""

    event: str
    kind: str
    partnership: Partnership | None
    to: User
    subject: str
    body: str
    optional: bool = False


def send_once(email: Outgoing) -> Message | None:
    """Record the message, then send it: None, and nothing sent, when its event is on the record
    already (however often this is called, by however many processes at once). The row is
    written and committed before the mail server is spoken to, so a message is sent at most
    once: a send that fails is recorded as failed, with the error, and never tried again for
    the same event. Someone who asked for no email gets a row that says so, and no email;
    someone who asked for digests only gets no row for optional mail."""
    how = queries.notifying_choice(email.to)
    if email.optional and how == Notifying.How.DIGEST_ONLY:
        return None
    state, answer = Message.State.SENDING, ""
    if how == Notifying.How.NOTHING:
        state, answer = Message.State.NOT_SENT, ASKED_FOR_NONE
    elif not email.to.email:
        state, answer = Message.State.FAILED, NO_ADDRESS
    with transaction.atomic():
        message, made = Message.objects.get_or_create(
            event=email.event,
            defaults={
                "kind": email.kind,
                "partnership": email.partnership,
                "to_user": email.to,
                "to_address": email.to.email,
                "subject": email.subject[:300],
                "body": email.body,
                "state": state,
                "answer": answer,
            },
        )
    if not made:
        return None
    if message.state == Message.State.SENDING:
        _send(message)
    return message


def _send(message: Message) -> None:
    """Hand the recorded message to the mail server, and record what it said."""
    try:
        answer = sending.deliver(sending.compose(message.subject, message.body, message.to_address))
    except SEND_ERRORS as error:
        message.state, message.answer = Message.State.FAILED, f"{type(error).__name__}: {error}"
        message.save(update_fields=["state", "answer"])
        return
    message.state, message.answer, message.sent_at = Message.State.SENT, answer, clock.now()
    message.save(update_fields=["state", "answer", "sent_at"])


def set_notifying(user: User, how: str) -> Notifying:
    """Change how the signed-in person is told of update requests (their own choice only)."""
    if how not in Notifying.How.values:
        raise ValueError(f"Not a choice of how to be told: {how!r}.")
    with transaction.atomic():
        choice, _ = Notifying.objects.select_for_update().get_or_create(user=user)
        before = choice.how
        if before == how:
            return choice
        choice.how = how
        choice.save(update_fields=["how", "changed_at"])
        record(user, "notifying.update", choice, {"how": [before, how]})
    return choice
