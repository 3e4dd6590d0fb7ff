"""The full-text index the search page reads, kept by the database itself.

On SQLite (the embedded default) each searchable table has an FTS5 index over its text columns
(``external content``: the index holds the words, the table keeps the text), and triggers on
the table keep the index in step with every insert, update and delete, whichever code made it:
an action, the admin, an import, a restore. Django's SQLite migrations sometimes rebuild a
table (a new one, copied, renamed), which drops its triggers, so ``ensure`` runs after every
``migrate`` (``post_migrate``): it creates what is missing and, if anything was, rebuilds the
indexes from the tables.

On PostgreSQL the search reads the tables themselves (``to_tsvector`` with the English
configuration), so there is nothing to keep in step; ``ensure`` adds a GIN index on the same
expression for each table, so that a search does not read every row.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

# (index, table, columns): what the search matches in each kind of thing.
INDEXED = (
    ("search_action", "plans_action", ("title", "description")),
    ("search_actionupdate", "plans_actionupdate", ("note",)),
    ("search_recommendation", "inspections_recommendation", ("text", "detail")),
    ("search_source", "evidence_source", ("title", "text")),
    ("search_indicator", "indicators_indicator", ("name", "description")),
)
# Porter stemming over Unicode words, accents folded: "fostering" finds "foster", as PostgreSQL's
# English configuration does.
TOKENIZE = "porter unicode61 remove_diacritics 2"
CONFIG = "english"


def _sqlite_statements(index: str, table: str, columns: tuple[str, ...]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {index}(rowid, {cols}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {index}({index}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5({cols}, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZE}')",
        f"CREATE TRIGGER IF NOT EXISTS {index}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_au AFTER UPDATE ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def pg_vector(table: str, columns: tuple[str, ...]) -> str:
    """The text search vector of a row, as the search and the GIN index both write it."""
    text = " || ' ' || ".join(f'COALESCE("{table}"."{c}", \'\')' for c in columns)
    return f"to_tsvector('{CONFIG}'::regconfig, {text})"


def ensure(using: str = "default", **_: Any) -> None:
    """Create whatever part of the index is missing; on SQLite, rebuild the indexes if it was."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if not all(table in tables for _, table, _ in INDEXED):
            return  # not migrated yet
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {row[0] for row in cursor.fetchall()}
            for index, table, columns in INDEXED:
                if {f"{index}_ai", f"{index}_ad", f"{index}_au"} <= triggers:
                    continue
                for statement in _sqlite_statements(index, table, columns):
                    cursor.execute(statement)
                cursor.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            # Only the missing ones: even "IF NOT EXISTS" is refused on a table with pending
            # trigger events (a migrate run inside a transaction that has written rows).
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND indexname = ANY(%s)",
                [[index for index, _, _ in INDEXED]],
            )
            present = {row[0] for row in cursor.fetchall()}
            for index, table, columns in INDEXED:
                if index not in present:
                    cursor.execute(
                        f"CREATE INDEX {index} ON {table} USING gin (({pg_vector(table, columns)}))"
                    )
