"""The suite's copies of the demo (tests/demo_snapshot.py) hold what a load gives, and leave the
database as they found it: a test of the tests, since twenty modules read the demo through them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests import demo_snapshot

PASSWORD = "demo-copies-test-password"  # this module's own: its first block loads the demo


def _keys() -> dict[str, list[Any]]:
    """Every table's rows by their first column (the key), in order."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {
            table: sorted(row[0] for row in cursor.execute(f'SELECT * FROM "{table}"').fetchall())
            for table in tables
        }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="copies are made of SQLite only")
@pytest.mark.django_db(transaction=True)  # outside a transaction, as a module's fixture starts
def test_a_copy_of_the_demo_holds_the_rows_a_load_gave_and_is_undone_after() -> None:
    raw = demo_snapshot._raw()
    assert raw is not None
    before = demo_snapshot._fingerprint(raw)
    copies = len(demo_snapshot._COPIES)
    with demo_snapshot.demo_loaded(PASSWORD) as loaded:
        assert len(demo_snapshot._COPIES) == copies + 1  # loaded, then kept
        rows = _keys()
    assert demo_snapshot._fingerprint(raw) == before
    with demo_snapshot.demo_loaded(PASSWORD) as copied:
        assert len(demo_snapshot._COPIES) == copies + 1  # copied, not loaded again
        assert _keys() == rows
        assert sum(len(keys) for keys in rows.values()) > 1000
    assert copied == loaded
    assert demo_snapshot._fingerprint(raw) == before
