"""The demo loaded once per test process and copied in for each module that asks for it.

Loading the demo runs the whole of ``followup demo`` (the frameworks, the statistics import, the
evidence coded by rules, the records read): about two seconds under coverage, and some twenty
modules ask for it. On SQLite the test database is in memory, so a copy of it is cheap: the
first module to ask loads the demo, and the database as it then stands is kept (SQLite's online
backup, ``sqlite3.Connection.backup``). A later module whose database holds exactly the rows the
demo was loaded into, with the same password, gets that copy instead of a second load; after
its last test the database it started from is copied back, as the rolled-back transaction did.

A copy is exactly what a load would give on that database: loading is deterministic given the
database it starts from, except for the moments it writes (the copy keeps the first load's) and
the salts of the passwords' hashes. The files the demo stores (two survey tables) are written
again into the module's own folder.

Elsewhere (PostgreSQL, or a database already inside a transaction) the demo is loaded in a
transaction rolled back after the module, as before.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.utils import timezone

from followup.demo.loader import DemoSignIn, load_demo


@dataclass
class _Copy:
    database: sqlite3.Connection
    sign_ins: list[DemoSignIn]
    files: dict[str, bytes]  # the stored files the load wrote, by their path in the storage


# The copies of this process, by (the fingerprint of the database loaded into, password, the
# day). The demo's dates are set from the day it is loaded ("overdue by 15 days"): a copy made
# before midnight is not used after it, or a run that crosses midnight fails such tests.
_COPIES: dict[tuple[str, str, str], _Copy] = {}


def _raw() -> Any | None:
    """The test connection's SQLite database, where it is in memory and outside a transaction."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # the connection itself, not django.db's proxy to it
    if not isinstance(wrapper, SQLiteWrapper) or wrapper.in_atomic_block:
        return None
    if not wrapper.is_in_memory_db():
        return None
    wrapper.ensure_connection()
    return wrapper.connection


def _fingerprint(raw: sqlite3.Connection) -> str:
    """A digest of every row of every table (with the sequences the next rows' keys come from):
    not of the database's bytes, whose header counts the writes, rolled back or not."""
    digest = hashlib.blake2b(digest_size=16)
    tables = raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    for (table,) in tables:
        digest.update(table.encode())
        rows = sorted(repr(row) for row in raw.execute(f'SELECT * FROM "{table}"'))
        digest.update("\n".join(rows).encode())
    return digest.hexdigest()


def _copy_of(raw: sqlite3.Connection) -> sqlite3.Connection:
    kept = sqlite3.connect(":memory:", check_same_thread=False)
    raw.backup(kept)
    return kept


def _stored_files() -> dict[str, Path]:
    root = Path(default_storage.location)  # type: ignore[attr-defined]
    return (
        {str(path.relative_to(root)): path for path in root.rglob("*") if path.is_file()}
        if root.exists()
        else {}
    )


@contextmanager
def demo_loaded(password: str) -> Iterator[list[DemoSignIn]]:
    """The demo loaded with ``password`` for the block; the database as it was after it."""
    raw = _raw()
    if raw is None:
        with transaction.atomic():
            _, sign_ins = load_demo(password)
            yield sign_ins
            transaction.set_rollback(True)
        return
    before = _copy_of(raw)
    key = (_fingerprint(raw), password, timezone.localdate().isoformat())
    try:
        if key in _COPIES:
            kept = _COPIES[key]
            kept.database.backup(raw)
            for name, content in kept.files.items():
                target = Path(default_storage.location) / name  # type: ignore[attr-defined]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            sign_ins = list(kept.sign_ins)
        else:
            files_before = set(_stored_files())
            _, sign_ins = load_demo(password)
            written = {
                name: path.read_bytes()
                for name, path in _stored_files().items()
                if name not in files_before
            }
            _COPIES[key] = _Copy(_copy_of(raw), list(sign_ins), written)
        yield sign_ins
    finally:
        before.backup(raw)
        before.close()
