"""Sending one message (#17): recorded before it goes, sent once per event, and what the mail
server said kept, through a real SMTP server on 127.0.0.1 (tests/mailserver.py)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail as django_mail
from django.test import override_settings

from followup.mail import sending
from followup.mail.actions import Outgoing, send_once
from followup.mail.models import Message
from tests import factories as f
from tests.mailserver import Inbox, serving


@pytest.fixture
def reader(db: Any) -> Any:
    return f.UserFactory(username="reader", email="reader@example.org")


def outgoing(user: Any, event: str = "digest:round-1:user-1", **changes: Any) -> Outgoing:
    values: dict[str, Any] = {
        "event": event,
        "kind": Message.Kind.DIGEST,
        "partnership": None,
        "to": user,
        "subject": "Updates due by 31 March 2026",
        "body": "Hello,\n\nPlease add your update.\n",
        **changes,
    }
    return Outgoing(**values)


def test_the_smtp_servers_answer_to_the_message_is_on_the_record(
    reader: Any, smtp_server: Inbox
) -> None:
    message = send_once(outgoing(reader))
    assert message is not None
    (received,) = smtp_server.to("reader@example.org")
    assert received["Subject"] == "Updates due by 31 March 2026"
    assert received["Auto-Submitted"] == "auto-generated"
    assert smtp_server.body(received).replace("\r\n", "\n") == "Hello,\n\nPlease add your update.\n"
    stored = Message.objects.get()
    assert (stored.state, stored.answer, stored.to_address) == (
        "sent",
        "250 Message accepted for delivery",
        "reader@example.org",
    )
    assert stored.sent_at is not None


def test_the_same_event_is_never_sent_twice(reader: Any, smtp_server: Inbox) -> None:
    assert send_once(outgoing(reader)) is not None
    assert send_once(outgoing(reader, subject="Something else")) is None
    assert len(smtp_server.messages) == 1
    assert Message.objects.get().subject == "Updates due by 31 March 2026"


class Refusing(Inbox):
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return "550 5.1.1 No such mailbox here"


@pytest.fixture
def refusing_server() -> Iterator[Inbox]:
    with serving(Refusing()) as inbox:
        yield inbox


def test_a_refused_message_is_recorded_as_failed_with_the_servers_words_and_not_retried(
    reader: Any, refusing_server: Inbox
) -> None:
    send_once(outgoing(reader))
    assert send_once(outgoing(reader)) is None
    stored = Message.objects.get()
    assert stored.state == "failed"
    assert stored.answer == (
        "SMTPRecipientsRefused: {'reader@example.org': (550, b'5.1.1 No such mailbox here')}"
    )
    assert refusing_server.messages == []


def test_a_mail_server_that_cannot_be_reached_is_recorded_as_failed(reader: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])  # nothing listens here once it is closed
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
    ):
        send_once(outgoing(reader))
    stored = Message.objects.get()
    assert stored.state == "failed"
    assert stored.answer.startswith("ConnectionRefusedError: ")


def test_the_console_backend_is_named_as_the_answer(reader: Any, capsys: Any) -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"):
        send_once(outgoing(reader))
    assert Message.objects.get().answer == "console"
    written = email.message_from_string(
        capsys.readouterr().out.split("\n-----", 1)[0], policy=email.policy.default
    )
    assert written["To"] == "reader@example.org"


def test_the_message_is_recorded_before_the_server_is_spoken_to(
    reader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []

    def deliver(message: Any) -> str:
        seen.extend(Message.objects.values_list("event", "state"))
        return "250 2.0.0 Ok: queued as 4F1B2C"

    monkeypatch.setattr(sending, "deliver", deliver)
    send_once(outgoing(reader))
    assert seen == [("digest:round-1:user-1", "sending")]
    assert Message.objects.get().answer == "250 2.0.0 Ok: queued as 4F1B2C"
    assert django_mail.outbox == []
