"""A time limit on the database work of each API read (``FOLLOWUP_API_READ_SECONDS``), so that
one request that asks for too much (a count of millions of values, a deep ``offset``) is stopped
and answered, rather than holding a serving thread and the database for as long as it takes.

Only reads (GET and HEAD) are limited: a write stopped half way would be rolled back, but an
import large enough to take long runs as a job already (``FOLLOWUP_BACKGROUND_IMPORT_ROWS``).
The database enforces the limit:

- PostgreSQL: ``statement_timeout`` for the request's queries, each query stopped when it has
  run that long; set on the connection before the view and reset after it, whatever happened.
- SQLite: a progress handler, which SQLite calls every few thousand steps of its work, stops the
  query once the request has spent that long since it began (SQLite has no timeout of its own).

A stopped query raises ``OperationalError``; ``TookTooLong`` recognises it and ``api.errors``
answers 503 with a problem document saying how to ask for less.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions

# How many SQLite virtual machine steps between two looks at the clock: a look costs well under
# a microsecond, and ten thousand steps take about a millisecond.
STEPS = 10_000
READS = ("GET", "HEAD")

# The clock the SQLite limit reads (the tests move it by hand).
clock: Callable[[], float] = time.monotonic


class TookTooLong(exceptions.APIException):
    status_code = 503

    def __init__(self) -> None:
        seconds = settings.API_READ_SECONDS
        super().__init__(
            f"The request took longer than the {seconds} second{'s' if seconds != 1 else ''} "
            "an API read may take, so it was stopped. Ask for less: fewer rows a page "
            "(limit), narrower filters, or no count (count=true counts every row)."
        )


def stopped(error: Exception) -> bool:
    """Whether a database error is the time limit stopping a query."""
    if not isinstance(error, OperationalError):
        return False
    text = str(error)
    return text == "interrupted" or "statement timeout" in text


@contextmanager
def limited(seconds: int) -> Iterator[None]:
    """The database work inside, limited to ``seconds`` (the module's docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [f"{seconds}s"])
        try:
            yield
        finally:
            _reset_postgresql()
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        deadline = clock() + seconds
        raw.set_progress_handler(lambda: int(clock() > deadline), STEPS)
        try:
            yield
        finally:
            raw.set_progress_handler(None, STEPS)
    else:
        yield


def _reset_postgresql() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    except DatabaseError:
        # A connection the view left broken is closed at the request's end, never reused.
        connection.close_if_unusable_or_obsolete()


class ReadTimeLimitMiddleware:
    """Limits each API read's database work (the module's docstring). Last in the list, so that
    it covers the view (the token's lookup with it) and none of the other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READS or not request.path.startswith("/api/"):
            return self.get_response(request)
        with limited(settings.API_READ_SECONDS):
            return self.get_response(request)
