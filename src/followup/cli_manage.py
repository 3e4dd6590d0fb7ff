"""``followup manage``: run a Django management command, on the record.

What a Django command changes cannot be listed row by row (``manage shell`` can do anything), so
the audit log records who ran which command with which arguments, *before* it runs: a command
that ends abruptly (``os._exit``, a killed process) is on the record all the same. When it ends
normally, a second entry records how it ended.

Commands that would erase the record or write around it are refused before anything runs:

- ``flush`` deletes every row of every table, the audit log's among them;
- ``migrate`` back to an earlier migration drops tables and columns (``migrate audit zero``
  drops the audit log);
- ``loaddata`` writes rows directly, past every action function and the audit log, and a fixture
  can replace existing rows, audit entries included;
- ``dbshell`` opens the database's own SQL client, where nothing Followup guards applies.

An operator who holds the database's credentials can still reach it directly: the refusals keep
the ``followup`` command itself from erasing or bypassing the record, by accident or otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from followup.clitools import fail, operator

# Django commands that only read or print; any other command is recorded.
READ_ONLY = frozenset(
    {"", "help", "--help", "-h", "version", "--version", "check", "diffsettings", "showmigrations"}
    # sqlflush only prints the SQL that would empty the tables; it runs none of it.
    | {"sqlmigrate", "sqlflush", "sqlsequencereset", "inspectdb"}
)

REFUSED = {
    "flush": (
        "it would delete every row of every table, the audit log included. To start again "
        "with an empty database, create a new one and run 'followup migrate'."
    ),
    "loaddata": (
        "it writes rows directly, past the audit log, and can replace existing rows, audit "
        "entries included. Load data with 'followup import-data', 'import-qdpx', 'import-qdc' "
        "or 'load-framework', or in the application, which record every row; a whole backup "
        "with 'followup restore', into an empty installation."
    ),
    "dbshell": (
        "SQL typed there changes rows with no audit entry and past every check Followup makes. "
        "Use 'followup manage shell' (recorded), the commands of 'followup --help', or the "
        "Django admin; a database administrator who must use SQL connects with the database's "
        "own client and credentials."
    ),
}

BACKWARDS = (
    "it would unapply migrations, which drops tables and columns and their rows with no "
    "audit entry ('migrate audit zero' drops the audit log itself). Restore a backup instead."
)


def refusal(arguments: Sequence[str]) -> str | None:
    """Why the command must not run, or None."""
    command = arguments[0] if arguments else ""
    if command in REFUSED:
        return REFUSED[command]
    if command == "migrate" and _migrates_backwards(arguments[1:]):
        return BACKWARDS
    return None


def _migrates_backwards(arguments: Sequence[str]) -> bool:
    """Whether ``migrate ARGUMENTS`` would unapply any migration (``--plan`` only prints)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.exceptions import AmbiguityError
    from django.db.migrations.executor import MigrationExecutor

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("app_label", nargs="?")
    parser.add_argument("migration_name", nargs="?")
    parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
    parser.add_argument("--plan", action="store_true")
    known, _ = parser.parse_known_args(list(arguments))
    if known.plan or not known.migration_name or known.database not in connections:
        return False  # forwards only, or an error Django itself reports
    executor = MigrationExecutor(connections[known.database])
    if known.migration_name == "zero":
        target: tuple[str, str | None] = (known.app_label, None)
    else:
        try:
            migration = executor.loader.get_migration_by_prefix(
                known.app_label, known.migration_name
            )
        except (AmbiguityError, KeyError):
            return False  # Django says which name is unknown or ambiguous
        target = (migration.app_label, migration.name)
    if known.app_label not in executor.loader.migrated_apps:
        return False
    return any(backwards for _, backwards in executor.migration_plan([target]))


def cmd_manage(args: argparse.Namespace) -> int:
    """Run a Django command: refused if it would erase or bypass the record; otherwise recorded
    before it runs, and its outcome after."""
    from django.core.management import execute_from_command_line

    arguments = list(args.arguments)
    command = arguments[0] if arguments else ""
    why = refusal(arguments)
    if why is not None:
        return fail(f"manage {command}: refused: {why}")
    if command in READ_ONLY:
        execute_from_command_line(["followup manage", *arguments])
        return 0
    started, problem = _record_start(arguments)
    if problem:
        return fail(f"manage {command}: not run: {problem}")
    try:
        execute_from_command_line(["followup manage", *arguments])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) or stop.code is None else 1
        _record_end(arguments, started, "completed" if not code else f"exit status {code}")
        raise
    except BaseException as error:
        _record_end(arguments, started, f"failed: {type(error).__name__}: {error}"[:300])
        raise
    _record_end(arguments, started, "completed")
    return 0


def _audit_table_exists() -> bool:
    from django.db import connection

    from followup.audit.models import AuditEntry

    return AuditEntry._meta.db_table in connection.introspection.table_names()


def _record_start(arguments: list[str]) -> tuple[int | None, str]:
    """Record the command before it runs: (the entry's id, "") or (None, why it cannot run).
    A database without the audit log yet (before the first ``migrate``) has nothing to record
    into: the command runs, and is recorded once it has made the log."""
    from django.db import DatabaseError

    from followup.audit.log import record_command

    try:
        if not _audit_table_exists():
            print(
                "note: the database has no audit log yet, so this command is recorded only "
                "if it creates one.",
                file=sys.stderr,
            )
            return None, ""
        return record_command(operator(), "manage", arguments).pk, ""
    except DatabaseError as error:
        return None, f"the audit log could not record it ({error})."


def _record_end(arguments: list[str], started: int | None, outcome: str) -> None:
    from django.db import DatabaseError

    from followup.audit.log import record_command

    try:
        if started is None:
            if _audit_table_exists():  # e.g. ``manage migrate`` made it
                record_command(
                    operator(),
                    "manage",
                    arguments,
                    changes={
                        "command": [None, " ".join(["followup", "manage", *arguments])],
                        "outcome": [None, outcome],
                    },
                )
            return
        record_command(
            operator(),
            "manage",
            arguments,
            changes={"outcome": [None, outcome], "started_entry": [None, started]},
            verb="command.manage.end",
        )
    except DatabaseError as error:
        print(f"note: the audit log could not record how it ended: {error}", file=sys.stderr)
