"""Two sessions at once on PostgreSQL, without depending on timing.

``first_held_until_the_second_waits`` runs two calls in threads, each with its own database
connection. The first is held inside its transaction, at a function the test names, until the
second is seen waiting for a lock in ``pg_stat_activity``; then both finish. Only PostgreSQL
lets two writers in at once (on SQLite every write transaction begins IMMEDIATE)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection


def waiting_for_a_lock() -> bool:
    """Whether a session of this database is waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        (count,) = cursor.fetchone()
    return bool(count)


def first_held_until_the_second_waits(
    monkeypatch: pytest.MonkeyPatch,
    owner: Any,
    name: str,
    calls: list[Callable[[], Any]],
    *,
    before: bool = False,
) -> list[Any]:
    """Run ``calls[0]`` and then ``calls[1]`` in threads; the first is held at
    ``owner.name`` (after it returns, or ``before`` it runs) until the second waits for a lock.
    Each call's result, or the exception it raised (a server error surfaces so in the test
    client)."""
    held, release = threading.Event(), threading.Event()
    real = getattr(owner, name)

    def hold() -> None:
        if threading.current_thread().name == "first":
            held.set()
            release.wait(timeout=60)

    def holding(*args: Any, **kwargs: Any) -> Any:
        if before:
            hold()
        result = real(*args, **kwargs)
        if not before:
            hold()
        return result

    monkeypatch.setattr(owner, name, holding)
    results: list[Any] = [None, None]

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()

    first = threading.Thread(target=run, args=(0,), name="first")
    first.start()
    assert held.wait(timeout=60), "the first call never reached the point it is held at"
    second = threading.Thread(target=run, args=(1,), name="second")
    second.start()
    deadline = time.monotonic() + 60
    while not waiting_for_a_lock():
        assert time.monotonic() < deadline, "the second call never waited for the first"
        time.sleep(0.01)
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    return results
