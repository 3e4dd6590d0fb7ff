"""Staged uploads: a file kept between its check and its import (a survey of evidence, an
indicators import), which a person may discard and which is purged when never imported.

Each kind of upload is a model with ``partnership``, ``filename``, ``created_at``, ``data`` (the
stored file) and a time field set when it is imported (``done``). The action functions of each
app check the caller's permission and name their audit verbs; these are the steps they share,
each in one transaction with its audit entries.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from followup.audit.log import record
from followup.lib.types import Actor


def discard(actor: Actor, upload: models.Model, *, done: str, verb: str, imported: str) -> None:
    """Delete ``upload`` with an audit entry ``verb``, unless it was imported (``imported`` is
    the refusal's message). Discarded already, by another submit or person, is nothing to do and
    nothing to record."""
    with transaction.atomic():
        locked: Any = type(upload)._default_manager.select_for_update().filter(pk=upload.pk)
        staged = locked.first()
        if staged is None:
            return
        if getattr(staged, done) is not None:
            raise ValidationError(imported)
        record(actor, verb, staged, {"filename": [staged.filename, None]}, staged.partnership)
        staged.delete()


def purge_expired(
    actor: Actor, model: type[models.Model], *, done: str, verb: str, now: datetime.datetime | None
) -> int:
    """Delete the uploads of ``model`` never imported and older than
    ``FOLLOWUP_STAGED_UPLOAD_DAYS``, each with an audit entry ``verb``; how many went. The stored
    files go once the rows' deletion is committed (``storedfiles.delete_files_with``)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.STAGED_UPLOAD_DAYS)
    waiting = {f"{done}__isnull": True}
    with transaction.atomic():
        expired: list[Any] = list(
            model._default_manager.filter(**waiting, created_at__lt=cutoff)
            .select_related("partnership")
            .defer("data")
        )
        for upload in expired:
            record(actor, verb, upload, {"filename": [upload.filename, None]}, upload.partnership)
        model._default_manager.filter(pk__in=[u.pk for u in expired], **waiting).delete()
    return len(expired)
