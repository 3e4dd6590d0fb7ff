"""The highest id each table has ever given, so that a restored table never gives one again.

A row's id is kept as a plain value where the row may go (the audit log names a deleted
partnership by its id), so an id must never be reused: after a restore, a new row's id is past
both the highest restored id and the highest id the backed-up database had ever given (a row
with it may have been deleted since). Each vendor keeps that number its own way: SQLite in
``sqlite_sequence`` (Django's tables are AUTOINCREMENT), PostgreSQL in each column's sequence.
"""

from __future__ import annotations

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


def _auto_column(model: type[models.Model]) -> str | None:
    pk = model._meta.pk
    return pk.column if isinstance(pk, models.AutoField) else None


def highest_ids(
    connection: BaseDatabaseWrapper, tables: list[type[models.Model]]
) -> dict[str, int]:
    """{db_table: the highest id it has given} for the tables with numbered ids that have given
    any (another database than SQLite or PostgreSQL: none)."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in tables:
            column = _auto_column(model)
            if column is None:
                continue
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                highest = row[0] if row else None
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                (sequence,) = cursor.fetchone() or (None,)
                if sequence is None:
                    continue
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                last, called = cursor.fetchone()
                highest = last if called else None
            else:
                continue
            if highest:
                found[table] = int(highest)
    return found


def give_after(connection: BaseDatabaseWrapper, table: str, column: str, highest: int) -> None:
    """Make the table's next id at least ``highest + 1`` (never lower it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest]
                )
            elif row[0] < highest:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [highest, table]
                )
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            (sequence,) = cursor.fetchone() or (None,)
            if sequence is None:
                return
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last, called = cursor.fetchone()
            if (last if called else last - 1) < highest:
                cursor.execute("SELECT setval(%s, %s, true)", [sequence, highest])


def restore_highest_ids(
    connection: BaseDatabaseWrapper, tables: list[type[models.Model]], highest: dict[str, int]
) -> None:
    """After loading: each table's next id past its highest restored id, and past the highest
    the backed-up database had given."""
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)
    for model in tables:
        column = _auto_column(model)
        value = highest.get(model._meta.db_table)
        if column is not None and value:
            give_after(connection, model._meta.db_table, column, value)
