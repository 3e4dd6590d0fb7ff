"""A real SMTP server on 127.0.0.1 (aiosmtpd), for the flows that send email.

``smtp_server`` starts one on a free port for a test and points Django's SMTP backend at it; the
messages it received are parsed in ``messages``. Tests read invitation, reset and notice links
from them as a person would read them from their inbox.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def body(self, message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    def links(self, message: EmailMessage) -> list[str]:
        return re.findall(r"https?://\S+", self.body(message))


# aiosmtpd logs each connection at INFO from its own thread, which may outlive the test's captured
# output: a line logged after pytest closed that stream printed "I/O operation on closed file".
logging.getLogger("mail.log").setLevel(logging.WARNING)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(inbox: Inbox) -> Iterator[Inbox]:
    """A server on a free port answering with ``inbox``, and Django's SMTP backend pointed at it."""
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    with serving(Inbox()) as inbox:
        yield inbox
