"""Filters for Followup's log (settings.LOGGING). Imported while the settings load: no models."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


def _printable(text: str) -> str:
    """The text on one line: a path or message cannot start a line of the log of its own."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class OneLineRefusals(logging.Filter):
    """Django logs every refusal (403) at WARNING with the whole traceback of the
    PermissionDenied. A refusal is no fault: log it as one line saying who was refused what,
    where, without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, PermissionDenied):
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            who = f"user {user.get_username()!r} (id {user.pk})"
        else:
            who = "an anonymous user"
        capability = getattr(error, "capability", None)
        what = str(error) or "permission denied"
        if capability is not None:
            what = f"{capability}: {what}"
        record.msg = "Refused %s %s to %s: %s"
        record.args = (
            _printable(getattr(request, "method", "") or "?"),
            _printable(getattr(request, "path", "") or "?"),
            _printable(who),
            _printable(what),
        )
        record.exc_info = None
        record.exc_text = None
        return True
