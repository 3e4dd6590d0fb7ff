"""Moving files kept as blobs in database columns into the storage, and back: used by the
migrations that gave staged uploads and published reports their stored files (#14). Keep what
these functions do unchanged, for those migrations run them.

A blob becomes a file named by the field's ``upload_to``, written through ``storages["default"]``,
and the row is given its name. A publication's file is read back from the storage and its
SHA-256 compared with the digest recorded when it was published: if one differs, the migration
stops, naming the row, and the files it wrote are deleted (the database, in the migration's
transaction, is left as it was on PostgreSQL; on SQLite the migration's own transaction does the
same). An empty blob (an upload emptied by its import) becomes no file at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from followup.lib import storedfiles


class DigestMismatch(Exception):
    """A file written to the storage is not the file whose digest was recorded."""


@dataclass(frozen=True)
class Move:
    """One blob column, the file field that takes its place, the name given to ``upload_to``,
    and the column holding the digest the file must have (empty: none is recorded)."""

    blob: str
    file: str
    filename: str
    digest: str = ""


def _described(row: Any) -> str:
    words = f"{type(row).__name__} {row.pk}"
    title, version = getattr(row, "title", ""), getattr(row, "version", None)
    if title and version is not None:
        words += f" (version {version} of “{title}”)"
    return words


def blobs_to_files(model: Any, moves: tuple[Move, ...], using: str = "default") -> int:
    """Write every row's blobs to the storage, one row at a time, and give the rows their
    files' names; return the number of files written. Raise ``DigestMismatch`` naming the row
    if a written file's SHA-256 is not the one recorded, having deleted every file written.
    ``using`` is the migration's own database (``schema_editor.connection.alias``)."""
    storage = storedfiles.default()
    written: list[str] = []
    try:
        for pk in model.objects.using(using).order_by("pk").values_list("pk", flat=True):
            row = model.objects.using(using).get(pk=pk)
            names: dict[str, str] = {}
            for move in moves:
                data = bytes(getattr(row, move.blob) or b"")
                if not data:
                    names[move.file] = ""
                    continue
                file: FieldFile = getattr(row, move.file)
                file.save(move.filename, ContentFile(data), save=False)
                written.append(str(file.name))
                if move.digest:
                    recorded = str(getattr(row, move.digest))
                    stored = storedfiles.sha256(storage, str(file.name))
                    if stored != recorded:
                        raise DigestMismatch(
                            f"{_described(row)}: its {move.file} file, written to the storage "
                            f"as {file.name}, has the SHA-256 digest {stored}, but the digest "
                            f"recorded when it was published is {recorded}. Nothing was moved: "
                            "find out why the stored bytes differ before migrating again."
                        )
                names[move.file] = str(file.name)
            model.objects.using(using).filter(pk=pk).update(**names)
    except BaseException:
        storedfiles.delete_now(storage, written)
        raise
    return len(written)


def files_to_blobs(model: Any, moves: tuple[Move, ...], using: str = "default") -> None:
    """The reverse: read each row's files back into its blob columns. The files stay in the
    storage (delete them by hand once the reversed installation is known to be good)."""
    for pk in model.objects.using(using).order_by("pk").values_list("pk", flat=True):
        row = model.objects.using(using).get(pk=pk)
        model.objects.using(using).filter(pk=pk).update(
            **{move.blob: storedfiles.read_bytes(getattr(row, move.file)) for move in moves}
        )
