"""Handing one message to the mail server, and keeping what the server said.

Django's SMTP backend sends with ``smtplib.SMTP.sendmail``, which throws away the server's reply
to the message (``250 2.0.0 Ok: queued as 4F1B2C``, the line that lets a postmaster find it).
So with the SMTP backend, ``deliver`` opens the backend's connection (its host, port, TLS and
sign-in settings: ``FOLLOWUP_EMAIL_URL``) and speaks MAIL, RCPT and DATA itself, to keep that
reply. Any other backend (the console's, the tests' memory) sends as usual, and its name stands
for the reply.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address


def compose(subject: str, body: str, to_address: str) -> EmailMessage:
    """A plain-text email from the service's sender address. ``Auto-Submitted`` asks
    out-of-office replies not to answer it (RFC 3834)."""
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to_address],
        headers={"Auto-Submitted": "auto-generated"},
    )


def deliver(email: EmailMessage) -> str:
    """Send ``email`` and return what the mail server said to it (``250 ...``), or, with a
    backend that is not SMTP, the backend's name ("console"). Raises what the server or the
    network raised when the message was refused or could not be handed over."""
    backend = get_connection()
    if not isinstance(backend, SMTPBackend):
        backend.send_messages([email])
        return type(backend).__module__.rsplit(".", 1)[-1]
    backend.open()
    try:
        connection = backend.connection
        assert isinstance(connection, smtplib.SMTP)
        return _transact(connection, email)
    finally:
        backend.close()


def _transact(connection: smtplib.SMTP, email: EmailMessage) -> str:
    """MAIL, RCPT and DATA, as ``smtplib.SMTP.sendmail`` does them, keeping the reply to DATA."""
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(email.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in email.recipients()]
    content = email.message().as_bytes(linesep="\r\n")
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.mail(sender)
    if code != 250:
        connection.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        connection.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = connection.data(content)
    if code != 250:
        connection.rset()
        raise smtplib.SMTPDataError(code, reply)
    return f"{code} {reply.decode('utf-8', 'replace')}".strip()
