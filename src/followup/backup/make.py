"""Writing a backup: every table in one consistent read, then every stored file.

The tables are read inside one transaction (on PostgreSQL a repeatable-read, read-only one, so
every table is seen as it was at one moment while others go on working; on SQLite the
transaction holds the write lock, so writes wait while the tables are read). Each table is read
in primary-key order, a batch at a time, and written to the archive as it is read, so memory
holds one batch whatever the database's size. The stored files are copied after the tables:
a file added meanwhile is in the backup too, unused; files are never changed once stored.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

from django.core.files.storage import Storage, storages
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from followup.audit.log import record_command
from followup.backup.archive import (
    CHUNK,
    MANIFEST,
    Manifest,
    Member,
    Table,
    database_member,
    file_member,
    name_problem,
)
from followup.backup.sequences import highest_ids
from followup.backup.tables import backed_up_models, label, rows_in_pk_order, write_rows
from followup.lib.types import CommandLine

# (stage, done, total): "tables" counts rows, "files" counts bytes.
Progress = Callable[[str, int, int], None]


class BackupError(ValueError):
    """The backup cannot be written: why, in plain words."""


def followup_version() -> str:
    try:
        return version("followup")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
        return "unknown"


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations applied to the database, as ``app_label.name``, sorted."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def stored_files(storage: Storage) -> list[str]:
    """Every file in the storage, by its name there, sorted; folders walked to the bottom."""
    names: list[str] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            if folder:
                raise
            return []  # a folder storage not yet made: no files
        prefix = f"{folder}/" if folder else ""
        names.extend(prefix + name for name in files)
        folders.extend(prefix + name for name in subfolders)
    return sorted(names)


def _is_link(storage: Storage, name: str) -> bool:
    """Whether a stored file in a folder storage is a symbolic link, or lies under one."""
    try:
        path = Path(storage.path(name))
    except NotImplementedError:
        return False  # an object store has no links
    root = Path(storage.path(""))
    here = path
    while here != root and root in here.parents:
        if here.is_symlink():
            return True
        here = here.parent
    return False


class _Sink:
    """One member being written: its bytes go to the archive, counted and digested."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)

    def member(self) -> Member:
        return Member(self.digest.hexdigest(), self.size)


def _member_info(name: str, when: datetime.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o600) << 16
    return info


def _ignore(stage: str, done: int, total: int) -> None:
    return None


def write_backup(
    path: str,
    actor: CommandLine,
    *,
    progress: Progress = _ignore,
    using: str = DEFAULT_DB_ALIAS,
) -> Manifest:
    """Write the backup to ``path``, a new file (never one that exists), readable by its owner
    only; it appears under that name only once it is complete. Returns its manifest."""
    target = Path(path)
    if target.exists() or target.is_symlink():
        raise BackupError(f"{path} exists already; a backup never overwrites a file")
    if not target.parent.is_dir():
        raise BackupError(f"there is no folder {target.parent} to write {target.name} in")
    folder = getattr(storages["default"], "location", None)
    if folder and target.resolve().is_relative_to(Path(folder).resolve()):
        raise BackupError(
            f"{path} is inside the storage's folder ({folder}), whose files the backup copies; "
            "write it elsewhere"
        )
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    record_command(actor, "backup", ["-o", str(path)])
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupError(f"cannot write in {target.parent}: {error.strerror}") from None
    try:
        with (
            os.fdopen(descriptor, "wb") as handle,
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            manifest = _write_members(archive, progress, using)
            archive.writestr(_member_info(MANIFEST, _now()), manifest.as_json())
        os.link(partial, target)  # fails, rather than replaces, if the name was taken meanwhile
    except FileExistsError:
        raise BackupError(
            f"{path} was created by something else meanwhile; nothing was written"
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_members(archive: zipfile.ZipFile, progress: Progress, using: str) -> Manifest:
    created = _now()
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        manifest = Manifest(
            followup_version=followup_version(),
            created=created.isoformat(),
            vendor=connection.vendor,
            migrations=applied_migrations(using),
        )
        models = backed_up_models()
        manifest.highest_ids = highest_ids(connection, models)
        total = sum(model._base_manager.using(using).count() for model in models)
        done = 0
        for number, model in enumerate(models, start=1):
            name = database_member(number, label(model))
            rows = 0
            with archive.open(_member_info(name, created), "w", force_zip64=True) as handle:
                sink = _Sink(handle)
                for batch in rows_in_pk_order(model, using):
                    write_rows(model, batch, sink.write)
                    rows += len(batch)
                    done += len(batch)
                    progress("tables", done, total)
            manifest.tables.append(Table(label(model), model._meta.db_table, rows, name))
            manifest.members[name] = sink.member()
    _write_files(archive, manifest, created, progress)
    return manifest


def _write_files(
    archive: zipfile.ZipFile, manifest: Manifest, created: datetime.datetime, progress: Progress
) -> None:
    storage = storages["default"]
    names = stored_files(storage)
    for stored in names:
        problem = name_problem(stored)
        if problem:
            raise BackupError(
                f"the stored file {stored[:200]!r} has {problem}, which a restore would refuse; "
                "rename it in the storage"
            )
        if _is_link(storage, stored):
            raise BackupError(
                f"the stored file {stored[:200]!r} is a link, which Followup never makes: it "
                "could copy into the archive a file from outside the storage (a secret key, "
                "say). Find out how it came there, and remove it"
            )
    total = sum(storage.size(stored) for stored in names)
    done = 0
    for stored in names:
        name = file_member(stored)
        with (
            storage.open(stored, "rb") as source,
            archive.open(_member_info(name, created), "w", force_zip64=True) as handle,
        ):
            sink = _Sink(handle)
            for chunk in _chunks(source):
                sink.write(chunk)
                done += len(chunk)
                progress("files", done, total)
        manifest.files.append(stored)
        manifest.members[name] = sink.member()


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk
