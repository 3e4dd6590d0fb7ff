"""Files kept through Django's storage API: ``storages["default"]``, a folder under
``FOLLOWUP_DATA_DIR`` or an S3-compatible bucket (docs/deploy.md, "Files and object storage").

Every stored file is in that one storage, so that a backup that walks it finds them all. Names
never come from what a person typed: each model's ``upload_to`` builds them from ids, versions and
random tokens. A file is never overwritten: the storage gives a taken name a new suffix instead
(``allow_overwrite``/``file_overwrite`` off). A file is deleted only once the transaction that
forgot it has committed, so that a rolled-back change never points at a missing file; a file
written for a change that is then rolled back is deleted by the action that wrote it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import FileField, Model
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete

CHUNK = 64 * 1024


def default() -> Storage:
    """The one storage every file of Followup's is kept in."""
    return storages["default"]


def token() -> str:
    """A random part for a stored file's name, where nothing else makes it unique."""
    return uuid.uuid4().hex


def read_bytes(file: FieldFile) -> bytes:
    """The whole of a stored file; empty for a field holding none (an emptied upload)."""
    if not file.name:
        return b""
    with file.storage.open(file.name, "rb") as handle:
        data = handle.read()
    return bytes(data)


def chunks(storage: Storage, name: str) -> Iterator[bytes]:
    """A stored file, a piece at a time, for a response that streams it."""
    with storage.open(name, "rb") as handle:
        while piece := handle.read(CHUNK):
            yield bytes(piece)


def sha256(storage: Storage, name: str) -> str:
    """The SHA-256 digest of a stored file, read back from the storage."""
    digest = hashlib.sha256()
    for piece in chunks(storage, name):
        digest.update(piece)
    return digest.hexdigest()


def save_new(file: FieldFile, filename: str, data: bytes) -> str:
    """Store ``data`` as the field's new file, named by its ``upload_to`` from ``filename``, and
    return the stored name. A stored file is never overwritten: if the name is taken (by a file
    written for a change that was then rolled back, say) the storage adds a random suffix."""
    file.save(filename, ContentFile(data), save=False)
    return str(file.name)


def save_file(file: FieldFile, filename: str, content: File[Any]) -> str:
    """``save_new`` for a file too large to hold in memory (a background export's), read from
    ``content`` a piece at a time."""
    file.save(filename, content, save=False)
    return str(file.name)


def delete_now(storage: Storage, names: Iterable[str]) -> None:
    """Delete stored files at once: files written for a change that did not happen."""
    for name in names:
        if name:
            storage.delete(name)


def delete_on_commit(storage: Storage, names: Iterable[str]) -> None:
    """Delete stored files once the current transaction commits (at once outside one)."""
    kept = [name for name in names if name]
    if kept:
        transaction.on_commit(lambda: delete_now(storage, kept))


def stage(file: FieldFile, data: bytes) -> str:
    """Store ``data`` as the field's file under its ``upload_to`` name (a random one for staged
    uploads) and return the stored name. Delete it with ``delete_now`` if the row is not saved."""
    file.save("staged", ContentFile(data), save=False)
    return str(file.name)


def _forget_files(sender: type[Model], instance: Model, **kwargs: object) -> None:
    """A row is deleted: its stored files go too, once the deletion commits."""
    for field in instance._meta.get_fields():
        if isinstance(field, FileField):
            stored: FieldFile = getattr(instance, field.name)
            delete_on_commit(stored.storage, [stored.name or ""])


def delete_files_with(model: type[Model]) -> None:
    """Delete a row's stored files whenever the row is deleted: discarded, purged, or taken with
    its partnership. Call from the app's ``ready``."""
    post_delete.connect(
        _forget_files, sender=model, dispatch_uid=f"followup.storedfiles.{model._meta.label}"
    )
