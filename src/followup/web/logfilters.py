"""Filters for Followup's log (settings.LOGGING). Imported while the settings load: no models."""

from __future__ import annotations

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404


def printable(text: str) -> str:
    """The text on one line: a path or message cannot start a line of the log of its own."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


# Answered with 400 or 404: the request's fault, never the server's.
CLIENT_ERRORS = (BadRequest, SuspiciousOperation, Http404)


class OneLineRefusals(logging.Filter):
    """Django logs every refusal (403) at WARNING with the whole traceback of the
    PermissionDenied. A refusal is no fault: log it as one line saying who was refused what,
    where, without the traceback. A request answered with 400 (a host not in
    FOLLOWUP_ALLOWED_HOSTS, a bad request) or 404 keeps Django's message, on one line without
    its traceback. Every other error, a server error above all, keeps its traceback. The person
    refused is named by their id alone, as in the access line (docs/deploy.md, "Logs")."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, CLIENT_ERRORS):
            record.msg = printable(record.getMessage())
            record.args = None
            record.exc_info = None
            record.exc_text = None
            return True
        if not isinstance(error, PermissionDenied):
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            who = f"user {user.pk}"  # the id only, as in the access line: never a name
        else:
            who = "an anonymous user"
        capability = getattr(error, "capability", None)
        what = str(error) or "permission denied"
        if capability is not None:
            what = f"{capability}: {what}"
        record.msg = "Refused %s %s to %s: %s"
        record.args = (
            printable(getattr(request, "method", "") or "?"),
            printable(getattr(request, "path", "") or "?"),
            printable(who),
            printable(what),
        )
        record.exc_info = None
        record.exc_text = None
        return True
