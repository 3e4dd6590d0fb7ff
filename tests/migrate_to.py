"""Migrate the test database to chosen migrations, for the tests of a data migration."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.coverage_pause import paused


def migrate_to(targets: list[tuple[str, str]] | None = None) -> Any:
    """Migrate to ``targets`` (the latest migrations if none) and return the models as they were
    there (a migration state's ``apps``).

    The state returned is the one the executor built on the way: building it again from a new
    loader took seconds under coverage. Coverage is paused in Django's migration machinery
    (tests/coverage_pause.py); the helpers a data migration calls are measured where they are
    marked ``measured``."""
    executor = MigrationExecutor(connection)
    with paused():
        return executor.migrate(targets or executor.loader.graph.leaf_nodes()).apps
