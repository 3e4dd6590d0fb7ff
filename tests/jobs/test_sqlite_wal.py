"""SQLite with the worker beside the web process: two processes on one file. With write-ahead
logging the pages stay readable while a job holds the write lock for a long import; other
writes wait for it (up to the 20 s timeout), as docs/deploy.md says."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.conf import settings

from followup.env import WAL, sqlite_database


def connect(path: Path) -> sqlite3.Connection:
    """A connection as Django opens one with Followup's options, waiting 0.1 s for a lock."""
    options = sqlite_database(path)["OPTIONS"]
    assert isinstance(options, dict)
    db = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    db.execute(options["init_command"])
    return db


def test_sqlite_pages_stay_readable_while_a_job_holds_the_write_lock(tmp_path):
    assert settings.SQLITE_OPTIONS["init_command"] == WAL == "PRAGMA journal_mode=WAL;"
    path = tmp_path / "followup.sqlite3"
    job = connect(path)
    assert job.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    job.execute("CREATE TABLE figures (value INTEGER)")
    job.execute("INSERT INTO figures VALUES (1)")
    job.execute("BEGIN EXCLUSIVE")  # the strongest lock a long import could hold
    job.execute("INSERT INTO figures VALUES (2)")
    page = connect(path)
    assert page.execute("SELECT value FROM figures").fetchall() == [(1,)]  # not the job's row yet
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        page.execute("INSERT INTO figures VALUES (3)")  # writes wait their turn (here 0.1 s)
    job.execute("COMMIT")
    assert page.execute("SELECT value FROM figures ORDER BY value").fetchall() == [(1,), (2,)]
