"""Restoring a backup into an empty installation: everything or nothing.

What "empty" means: the database is migrated to exactly the backup's migrations, and holds no
user account, no partnership and no audit entry but those the command line made (``followup
migrate``, loading reference data); the file storage holds no file. Whatever else it holds
(content types and permissions made by ``migrate``, the framework library and areas loaded by
set-up, official statistics imported at the command line) is replaced by the backup's rows,
with the backup's ids, and listed in the restore's audit entry; the installation's own audit
entries are kept, after the backup's.

The order of the work:

1. the archive is checked without writing anything (``archive.open_backup``, then every member
   read once against its size and SHA-256 in ``archive.verify``), and so are the schema and the
   installation's emptiness: any problem refuses the restore, naming it;
2. the stored files are written to the storage;
3. in one transaction: the installation's rows are deleted, the backup's rows inserted with
   their own primary keys (foreign keys are checked at the end, so the order of tables and a
   table's references to itself do not matter), the constraints checked, PostgreSQL's sequences
   set past the highest ids, the installation's own audit entries added back and the restore
   recorded. If any of it fails, the transaction is rolled back and the files written in step 2
   are removed again.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction

from followup.audit.log import record_command
from followup.audit.models import AuditEntry
from followup.backup.archive import (
    ArchiveError,
    Manifest,
    file_member,
    member_chunks,
    member_lines,
    open_backup,
    verify,
)
from followup.backup.make import applied_migrations, stored_files
from followup.backup.sequences import restore_highest_ids
from followup.backup.tables import backed_up_models, batch_rows, insert_rows, label, read_rows
from followup.lib.types import CommandLine
from followup.partnerships.models import Partnership

# (stage, done, total): "checking" and "files" count bytes, "tables" counts rows.
Progress = Callable[[str, int, int], None]


class RestoreError(ValueError):
    """The restore was refused or failed, and nothing was changed: why, in plain words."""


@dataclass
class Restored:
    manifest: Manifest
    replaced: dict[str, int] = field(default_factory=dict)  # rows of the installation replaced
    kept_entries: int = 0  # the installation's own audit entries, kept


def _ignore(stage: str, done: int, total: int) -> None:
    return None


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def emptiness_problems(using: str = DEFAULT_DB_ALIAS, *, files: bool = True) -> list[str]:
    """What makes the installation not empty (nothing when it is); the stored files are counted
    unless not ``files``."""
    problems = []
    users = get_user_model()._base_manager.using(using).count()
    if users:
        problems.append(_plural(users, "user account", "user accounts"))
    partnerships = Partnership._base_manager.using(using).count()
    if partnerships:
        problems.append(_plural(partnerships, "partnership", "partnerships"))
    people = (
        AuditEntry.objects.using(using)
        .exclude(actor_id__isnull=True, actor_name__startswith="cli:")
        .count()
    )
    if people:
        problems.append(_plural(people, "audit entry", "audit entries") + " of what people did")
    stored = len(stored_files(storages["default"])) if files else 0
    if stored:
        problems.append(_plural(stored, "stored file", "stored files"))
    return problems


def _check_database_exists(using: str) -> None:
    """An SQLite database that is not there yet is refused before anything connects to it,
    since connecting would make an empty file of that name."""
    connection = connections[using]
    name = Path(str(connection.settings_dict["NAME"]))
    if connection.vendor != "sqlite" or str(name) == ":memory:" or "mode=memory" in str(name):
        return
    if not name.exists():
        raise RestoreError(
            f"there is no database at {name} yet: run 'followup migrate' first (it makes one), "
            "then restore"
        )


def _check_schema(manifest: Manifest, using: str) -> None:
    _check_database_exists(using)
    here = set(applied_migrations(using))
    if not here:
        raise RestoreError(
            "the database has no tables yet: run 'followup migrate' first, then restore"
        )
    there = set(manifest.migrations)
    if here != there:
        lacking = sorted(there - here)
        extra = sorted(here - there)
        said = []
        if lacking:
            said.append(
                f"the backup has {_plural(len(lacking), 'migration', 'migrations')} this "
                f"installation lacks ({', '.join(lacking[:5])}{', ...' if len(lacking) > 5 else ''})"
            )
        if extra:
            said.append(
                f"this installation has {_plural(len(extra), 'migration', 'migrations')} the "
                f"backup lacks ({', '.join(extra[:5])}{', ...' if len(extra) > 5 else ''})"
            )
        raise RestoreError(
            f"the backup was made by Followup {manifest.followup_version} with another database "
            f"schema: {'; and '.join(said)}. Restore it with the release that made it, "
            "then upgrade"
        )
    here_models = {label(model) for model in backed_up_models()}
    there_models = {table.model for table in manifest.tables}
    if here_models != there_models:
        missing = sorted(here_models - there_models) or sorted(there_models - here_models)
        raise RestoreError(
            f"the backup's tables are not this installation's: {missing[0]} is in one and not "
            "the other"
        )


def restore_backup(
    path: str,
    actor: CommandLine,
    *,
    progress: Progress = _ignore,
    using: str = DEFAULT_DB_ALIAS,
) -> Restored:
    """Restore the backup at ``path``; ``RestoreError`` says why not, with nothing changed."""
    try:
        archive, manifest = open_backup(path)
    except ArchiveError as error:
        raise RestoreError(f"the backup cannot be restored: {error}") from None
    with archive:
        _check_schema(manifest, using)
        problems = emptiness_problems(using)
        if problems:
            raise RestoreError(
                f"this installation is not empty: it has {', '.join(problems)}. A backup is "
                "restored into a new installation: create an empty database (and an empty "
                "storage), run 'followup migrate', then 'followup restore'"
            )
        total = manifest.total_bytes
        try:
            verify(archive, manifest, _counter(progress, "checking", total))
        except ArchiveError as error:
            raise RestoreError(f"the backup cannot be restored: {error}") from None
        storage = storages["default"]
        written: list[str] = []
        try:
            _write_files(archive, manifest, storage, written, progress)
            restored = _load(archive, manifest, path, actor, progress, using)
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
    ContentType.objects.clear_cache()
    return restored


def _counter(progress: Progress, stage: str, total: int) -> Callable[[int], None]:
    done = 0

    def step(amount: int) -> None:
        nonlocal done
        done += amount
        progress(stage, done, total)

    return step


class _Stream(io.RawIOBase):
    """A member's checked chunks as a file the storage can read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _write_files(
    archive: zipfile.ZipFile,
    manifest: Manifest,
    storage: Storage,
    written: list[str],
    progress: Progress,
) -> None:
    step = _counter(progress, "files", manifest.file_bytes)
    for stored in manifest.files:
        name = file_member(stored)
        chunks = member_chunks(archive, name, manifest.members[name], step)
        written.append(stored)
        try:
            saved = storage.save(stored, File(io.BufferedReader(_Stream(chunks)), name=stored))
        except ArchiveError as error:
            raise RestoreError(f"the backup cannot be restored: {error}") from None
        if saved != stored:
            written.append(saved)
            raise RestoreError(
                f"the storage saved the file {stored!r} as {saved!r}; nothing was restored"
            )


def _load(
    archive: zipfile.ZipFile,
    manifest: Manifest,
    path: str,
    actor: CommandLine,
    progress: Progress,
    using: str,
) -> Restored:
    connection = connections[using]
    models_here = backed_up_models()
    step = _counter(progress, "tables", manifest.rows)
    with transaction.atomic(using=using):
        restored = Restored(manifest)
        problems = emptiness_problems(using, files=False)  # again, now the files are written
        if problems:
            raise RestoreError(
                f"this installation stopped being empty: it has {', '.join(problems)}"
            )
        kept = list(AuditEntry.objects.using(using).order_by("at", "id"))
        restored.kept_entries = len(kept)
        restored.replaced = _delete_everything(models_here, using)
        for table in manifest.tables:
            _load_table(archive, manifest, table.model, table.member, step, using)
        try:
            connection.check_constraints(table_names=[m._meta.db_table for m in models_here])
        except DatabaseError as error:
            raise RestoreError(
                f"the backup's rows break the database's constraints ({error})"
            ) from None
        try:
            restore_highest_ids(connection, models_here, manifest.highest_ids)
        except DatabaseError as error:
            raise RestoreError(
                f"the tables' ids could not be set past the backup's ({error})"
            ) from None
        for entry in kept:
            entry.pk = None
        insert_rows(AuditEntry, kept, connection, keys=False)
        record_command(
            actor,
            "restore",
            [path],
            changes={
                "backup": [
                    None,
                    {
                        "created": manifest.created,
                        "followup_version": manifest.followup_version,
                        "database": manifest.vendor,
                        "rows": manifest.rows,
                        "files": len(manifest.files),
                    },
                ],
                "replaced": [None, restored.replaced],
            },
        )
    return restored


def _delete_everything(models_here: list[type[models.Model]], using: str) -> dict[str, int]:
    """Delete every row of every table; returns how many each table had (those with any), the
    audit log's apart: its entries are added back after the backup's."""
    connection = connections[using]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in reversed(models_here):
            count = model._base_manager.using(using).count()
            if count:
                if model is not AuditEntry:  # the audit entries are added back
                    counts[label(model)] = count
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")
    return counts


def _load_table(
    archive: zipfile.ZipFile,
    manifest: Manifest,
    model_label: str,
    member: str,
    step: Callable[[int], None],
    using: str,
) -> None:
    connection = connections[using]
    model = apps.get_model(model_label)
    size = batch_rows(model)
    batch: list[models.Model] = []
    lines = member_lines(archive, member, manifest.members[member])
    try:
        for obj in read_rows(model, lines, using):
            batch.append(obj)
            if len(batch) >= size:
                insert_rows(model, batch, connection)
                step(len(batch))
                batch = []
        insert_rows(model, batch, connection)
        step(len(batch))
    except ArchiveError as error:
        raise RestoreError(f"the backup cannot be restored: {error}") from None
    except (DeserializationError, ValidationError, DatabaseError, ValueError) as error:
        raise RestoreError(
            f"the table {model_label} could not be loaded ({str(error)[:500]})"
        ) from None
