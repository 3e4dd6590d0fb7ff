"""Every database write in Followup's code is in an ``actions.py`` (or an ``actions_*.py`` split
from one), a migration, the demo loader, or one of the few modules listed below with the reason it
may write.

The scan reads each module's syntax tree and reports calls of ``.save()``, ``.create()``,
``.update()``, ``.delete()``, ``.get_or_create()``, ``.update_or_create()``, ``bulk_*``, a
many-to-many ``.set()`` and raw ``execute``/``executemany``. Calls that cannot be the ORM's are
left out by their arguments, not their names: ``QuerySet.update()`` takes only keywords (so
``a_dict.update(other)`` is not one), ``Model.save()`` takes no positional argument in Django 5.2
(so ``workbook.save(buffer)`` is not one), a many-to-many ``.set()`` takes one (``element.set(k, v)``
is lxml), and ``super().save()`` inside a model's own ``save`` defines a write rather than making
one. ``.add()``, ``.remove()`` and ``.clear()`` of many-to-many links cannot be told from a set's by
their syntax and are not scanned.
"""

from __future__ import annotations

import ast
from pathlib import Path

import followup

SRC = Path(followup.__file__).resolve().parent
WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "set",
    "execute",
    "executemany",
}
# Modules that write outside an actions.py, and why they may.
ALLOWED = {
    "api/timelimit.py": "sets and resets the connection's statement_timeout around an API read: "
    "a setting of the session, no row written",
    "audit/log.py": "writes the audit entries themselves",
    "audit/writes.py": "the shared save-and-record steps that action functions call",
    "audit/staged.py": "the staged uploads' discard and purge steps that action functions call",
    "web/submissions.py": "create forms' one-time keys: bookkeeping written in the same "
    "transaction as the audited write it guards, so a second submit is told it was done",
    "indicators/withheld_memo.py": "keeps withheld_figures' answer beside a fingerprint of the "
    "data it was worked out from: derived data, not anyone's change, so not audited",
    "indicators/importer.py": "the data importer: one statement for a checked file's values, "
    "recorded per release (data.import) with the actor passed in",
    "evidence/surveys.py": "the survey importer: records the upload, each case and each source",
    "frameworks/library.py": "the framework library loader: records each scale and framework",
    "audit/adminbase.py": "the Django admin's changes: only the fields the administrator changed, "
    "recorded in the same transaction (AuditedAdminMixin.save_related)",
    "lib/storedfiles.py": "deletes stored files (not rows) once the change that forgot them, "
    "made and recorded by an action, has committed",
    "lib/blobmigration.py": "run by the migrations that moved files out of database columns "
    "(#14): it only gives each row its stored file's name, as a migration does",
    "accounts/tokens.py": "an API token's last use, at most once a minute: bookkeeping like a "
    "session's activity, not a change anyone made (the token's making and revoking are actions)",
    "accounts/throttle.py": "failed sign-ins: security bookkeeping written before anyone is "
    "signed in, so there is no actor to record; logged to followup.security instead, and "
    "cleared on success (the audit log is never cleared); and the count of the API's requests "
    "a token or address (count_request), bookkeeping of every request, nobody's change",
    "backup/make.py": "sets its read-only transaction's isolation (SET TRANSACTION); the backup "
    "itself is recorded through audit.log",
    "backup/restore.py": "followup restore: replaces an empty installation's rows with a "
    "backup's, in one transaction recorded (command.restore) with what it replaced",
    "backup/tables.py": "followup restore's inserts of the backup's rows, exactly as backed up",
    "front/searchindex.py": "keeps the search's full-text index (SQLite's FTS5 tables and their "
    "triggers, PostgreSQL's GIN indexes) after each migrate: derived data, not anyone's change",
    "front/search.py": "puts one search's quote texts in a temporary FTS5 table of the "
    "connection's own (SQLite) to match them: nobody's data is changed",
    "backup/sequences.py": "followup restore: sets each table's next id past the backup's",
    "lib/prepared.py": 'runs again the SELECT a read\'s QuerySet compiled to (the "For you" '
    "count): execute() sends a read, never a write",
    "partnerships/access.py": "sets the context variable that keeps a request's memberships "
    "(ContextVar.set, which the scan takes for a many-to-many set): nothing is written",
}


def writes_in(source: str) -> list[tuple[int, str]]:
    """(line, call) for each call in the source that writes to the database."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        receiver = node.func.value
        if name not in WRITES:
            continue
        if (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Name)
            and receiver.func.id == "super"
        ):
            continue
        if name == "update" and node.args:
            continue
        if name == "save" and node.args:
            continue
        if name == "set" and len(node.args) != 1:
            continue
        found.append((node.lineno, ast.unparse(node.func)))
    return found


def _allowed(relative: str) -> bool:
    parts = relative.split("/")
    return (
        parts[-1] == "actions.py"
        or (parts[-1].startswith("actions_") and parts[-1].endswith(".py"))
        or "migrations" in parts
        or parts[0] == "demo"
        or relative in ALLOWED
    )


def test_no_module_writes_to_the_database_outside_actions_and_the_listed_importers() -> None:
    stray = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if _allowed(relative):
            continue
        for line, call in writes_in(path.read_text(encoding="utf-8")):
            stray.append(f"src/followup/{relative}:{line}: {call}()")
    assert stray == [], "writes outside actions.py:\n" + "\n".join(stray)


def test_every_listed_module_exists_and_still_writes() -> None:
    """A module that no longer writes should leave the list."""
    for relative in ALLOWED:
        assert writes_in((SRC / relative).read_text(encoding="utf-8")), relative


def test_the_scan_finds_each_kind_of_write_and_leaves_dicts_files_and_xml_alone() -> None:
    source = """
Thing.objects.create(name="x")
thing.save()
thing.save(update_fields=["name"])
Thing.objects.filter(pk=1).update(name="y")
Thing.objects.filter(pk=1).delete()
thing.delete()
Thing.objects.bulk_create([])
Thing.objects.bulk_update([], ["name"])
Thing.objects.get_or_create(name="x")
Thing.objects.update_or_create(name="x")
thing.links.set([other])
cursor.executemany(sql, rows)
totals.update({"a": 1})
seen.update((1, 2))
book.save(buffer)
element.set("name", "value")
super().save(*args, **kwargs)
"""
    assert [call for _, call in writes_in(source)] == [
        "Thing.objects.create",
        "thing.save",
        "thing.save",
        "Thing.objects.filter(pk=1).update",
        "Thing.objects.filter(pk=1).delete",
        "thing.delete",
        "Thing.objects.bulk_create",
        "Thing.objects.bulk_update",
        "Thing.objects.get_or_create",
        "Thing.objects.update_or_create",
        "thing.links.set",
        "cursor.executemany",
    ]
