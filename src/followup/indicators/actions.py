"""Every write to indicators."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from followup.audit import staged, writes
from followup.audit.log import record
from followup.indicators.importer import (
    ImportConflict,
    ImportPlan,
    Problem,
    apply_import,
    load_mapping,
    lock_imports,
    plan_import,
)
from followup.indicators.importrows import Progress
from followup.indicators.models import WELLBEING, ImportUpload, Indicator
from followup.jobs.actions import start_job
from followup.jobs.models import Job
from followup.lib import storedfiles
from followup.lib.tabular import Table, TableError, read_table, staged_bytes, staged_table
from followup.lib.types import Actor
from followup.lib.uploads import UploadError, check_size
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership

FIELDS = (
    "code",
    "name",
    "description",
    "numerator",
    "denominator",
    "factor",
    "unit",
    "improvement_direction",
    "frequency",
    "source",
    "target",
    "chart",
    "funnel_method",
    "area",
    "wellbeing",
    "is_illustrative",
)
# What the edit form changes (the frequency follows the numerator), and so what its version holds.
EDITS = (*FIELDS[:-1], "recommendations", "quality_indicators")


def _check(partnership: Partnership, data: dict[str, Any]) -> list[Any]:
    unknown = [w for w in data.get("wellbeing", []) if w not in WELLBEING]
    if unknown:
        raise ValidationError(
            {"wellbeing": f"Choose from the eight wellbeing indicators, not {', '.join(unknown)}."}
        )
    for element in (data.get("numerator"), data.get("denominator")):
        if element is not None and element.partnership_id not in (None, partnership.pk):
            raise ValidationError(
                "Choose data elements that are official or this partnership's own."
            )
    recommendations = list(data.get("recommendations", []))
    if any(r.inspection.partnership_id != partnership.pk for r in recommendations):
        raise ValidationError(
            {"recommendations": "Choose recommendations made to this partnership."}
        )
    if data.get("numerator") is not None:
        data["frequency"] = data["numerator"].period_kind
    if "wellbeing" in data:
        chosen = set(data["wellbeing"])
        data["wellbeing"] = [w for w in WELLBEING if w in chosen]
    return recommendations


def create_indicator(user: AnyUser, partnership: Partnership, data: dict[str, Any]) -> Indicator:
    require(user, partnership, Capability.MANAGE_DATA)
    recommendations = _check(partnership, data)
    with transaction.atomic():
        indicator = Indicator(partnership=partnership, **{k: data[k] for k in FIELDS if k in data})
        return writes.create(
            user,
            "indicator.create",
            indicator,
            partnership,
            m2m={
                "recommendations": recommendations,
                "quality_indicators": list(data.get("quality_indicators", [])),
            },
        )


def update_indicator(
    user: AnyUser, indicator: Indicator, data: dict[str, Any], *, version: str | None = None
) -> Indicator:
    """Change an indicator; ``version`` is the edit form's (see ``audit.writes.update``). The
    wellbeing list keeps its order when the same ones are chosen."""
    require(user, indicator.partnership, Capability.MANAGE_DATA)
    recommendations = _check(indicator.partnership, data)
    if "wellbeing" in data and set(data["wellbeing"]) == set(indicator.wellbeing):
        data["wellbeing"] = list(indicator.wellbeing)
    m2m: dict[str, list[Any]] = {}
    if "recommendations" in data:
        m2m["recommendations"] = recommendations
    if "quality_indicators" in data:
        m2m["quality_indicators"] = list(data["quality_indicators"])
    with transaction.atomic():
        return writes.update(
            user,
            "indicator.update",
            indicator,
            indicator.partnership,
            {k: data[k] for k in FIELDS if k in data},
            m2m=m2m,
            version=version,
        )


def stage_upload(
    user: AnyUser,
    partnership: Partnership,
    *,
    filename: str,
    data: bytes,
    release: str,
    create_elements: bool,
    mapping: str = "",
) -> ImportUpload:
    """Read an uploaded file once and keep its table for the preview (never the file itself).
    The partnership's own data only. Staged uploads never imported are purged after
    ``FOLLOWUP_STAGED_UPLOAD_DAYS`` days, here at each new upload and by ``followup
    purge-uploads``."""
    require(user, partnership, Capability.MANAGE_DATA)
    purge_expired_uploads(user)
    table = read_upload(data, filename)
    return _stage(user, partnership, table, filename, release, create_elements, mapping)


def read_upload(data: bytes, filename: str) -> Table:
    """An uploaded file's table, within the upload's limits; refused as the upload form refuses
    it, naming the field ``file``."""
    try:
        check_size(len(data))
        return read_table(data, filename)
    except UploadError as error:
        raise ValidationError({"file": str(error)}) from None
    except TableError as error:
        raise ValidationError({"file": f"The file cannot be read: {error}"}) from None


def stage_table(
    user: AnyUser,
    partnership: Partnership,
    *,
    table: Table,
    filename: str,
    release: str,
    create_elements: bool,
) -> ImportUpload:
    """Keep a table read already (the API's JSON data values) as ``stage_upload`` keeps an
    uploaded file's, for the same checks and import."""
    require(user, partnership, Capability.MANAGE_DATA)
    purge_expired_uploads(user)
    return _stage(user, partnership, table, filename, release, create_elements, "")


def _stage(
    user: AnyUser,
    partnership: Partnership,
    table: Table,
    filename: str,
    release: str,
    create_elements: bool,
    mapping: str,
) -> ImportUpload:
    upload = ImportUpload(
        partnership=partnership,
        created_by=user if isinstance(user, User) else None,
        filename=filename[:255],
        release=release,
        create_elements=create_elements,
        mapping=mapping,
    )
    stored = storedfiles.stage(upload.data, staged_bytes(table))
    try:
        with transaction.atomic():
            upload.save()
            record(
                user,
                "upload.create",
                upload,
                {"filename": [None, upload.filename], "release": [None, release]},
                partnership,
            )
    except BaseException:
        storedfiles.delete_now(upload.data.storage, [stored])
        raise
    return upload


def choose_again(
    user: AnyUser, upload: ImportUpload, *, release: str, create_elements: bool, mapping: str
) -> ImportUpload:
    """Check a kept file again with new choices (release, creating data elements, mapping): a
    file staged by a check that failed on the form, so that it need not be chosen again."""
    require(user, upload.partnership, Capability.MANAGE_DATA)
    with transaction.atomic():
        locked = ImportUpload.objects.select_for_update().filter(pk=upload.pk).first()
        if locked is None or locked.applied_at is not None:
            raise ValidationError({"file": "The file chosen before is gone: choose it again"})
        changes = {
            name: [getattr(locked, name), value]
            for name, value in (
                ("release", release),
                ("create_elements", create_elements),
                ("mapping", mapping),
            )
            if getattr(locked, name) != value
        }
        for name, (_, value) in changes.items():
            setattr(locked, name, value)
        if changes:
            locked.save(update_fields=list(changes))
            record(user, "upload.update", locked, changes, locked.partnership)
    return locked


def preview_upload(
    user: AnyUser, upload: ImportUpload, *, progress: Progress | None = None
) -> ImportPlan:
    """The dry run of an upload: what importing it would change, or every problem it has.
    ``progress(done, total)`` is told of the rows checked."""
    require(user, upload.partnership, Capability.MANAGE_DATA)
    try:
        mapping = load_mapping(upload.mapping) if upload.mapping else None
        table = staged_table(storedfiles.read_bytes(upload.data), upload.filename)
    except FileNotFoundError:
        message = "The staged file is no longer in Followup's storage: upload the file again"
        return ImportPlan(layout="unknown", errors=[Problem(None, None, message)])
    except (TableError, ValueError) as error:
        return ImportPlan(layout="unknown", errors=[Problem(None, None, str(error))])
    return plan_import(
        table,
        release=upload.release,
        partnership=upload.partnership,
        create_elements=upload.create_elements,
        mapping=mapping,
        progress=progress,
    )


def dry_run(
    user: AnyUser,
    partnership: Partnership,
    table: Table,
    *,
    release: str,
    create_elements: bool,
) -> ImportPlan:
    """What importing a table would change, or every problem it has, as an upload's preview
    says it (``preview_upload``), without keeping anything: no staged upload, no audit entry."""
    require(user, partnership, Capability.MANAGE_DATA)
    return plan_import(
        table, release=release, partnership=partnership, create_elements=create_elements
    )


class FileHasProblems(ValidationError):
    """The file had problems when it was checked again as it was imported: nothing was."""

    SHOWN = 3  # the first problems named in the message (a job's, a page's)

    def __init__(self, plan: ImportPlan) -> None:
        named = "; ".join(str(problem) for problem in plan.errors[: self.SHOWN])
        more = len(plan.errors) - self.SHOWN
        if more > 0:
            named += f"; and {more} more problem{'s' if more != 1 else ''}"
        super().__init__(
            f"The file has problems; nothing was imported: {named}."
            if named
            else "The file has problems; nothing was imported."
        )
        self.plan = plan


class AlreadyImported(ValidationError):
    """The upload was imported already: by an earlier submit, or by a simultaneous one."""

    def __init__(self) -> None:
        super().__init__("This file has already been imported; nothing more was imported.")


def discard_upload(user: AnyUser, upload: ImportUpload) -> None:
    """Forget a staged upload that will not be imported."""
    require(user, upload.partnership, Capability.MANAGE_DATA)
    staged.discard(
        user,
        upload,
        done="applied_at",
        verb="upload.discard",
        imported="This file has been imported, so there is nothing to discard.",
    )


def purge_expired_uploads(actor: Actor, now: datetime.datetime | None = None) -> int:
    """Delete staged uploads never imported and older than ``FOLLOWUP_STAGED_UPLOAD_DAYS``. The
    actor is whoever's upload or command set the purge going."""
    return staged.purge_expired(
        actor, ImportUpload, done="applied_at", verb="upload.purge", now=now
    )


def import_in_background(user: AnyUser, upload: ImportUpload, *, rows: int, task: Any) -> Job:
    """The job importing a large upload (``task``: ``indicators.tasks.import_upload``): the one
    already queued or running for it, or a new one. Two presses of Import, however close, take
    turns on the upload's row, so the second finds the first's job rather than starting another
    that would end "already imported"."""
    require(user, upload.partnership, Capability.MANAGE_DATA)
    with transaction.atomic():
        locked = ImportUpload.objects.select_for_update().only("pk", "job").get(pk=upload.pk)
        if locked.job is not None and not locked.job.finished:
            return locked.job
        job = start_job(
            user,
            upload.partnership,
            kind=Job.Kind.IMPORT,
            title=f"Importing {rows:,} rows from {upload.filename}",
            capability=Capability.MANAGE_DATA,
            task=task,
            arguments={"upload_id": upload.pk},
        )
        ImportUpload.objects.filter(pk=upload.pk).update(job=job)
    return job


def apply_upload(
    user: AnyUser, upload: ImportUpload, *, progress: Progress | None = None
) -> dict[str, int]:
    """Import an upload if it still has no problem, all or nothing; then forget the file; the
    counts of what it did (``apply_upload_plan``)."""
    return apply_upload_plan(user, upload, progress=progress)[1]


def apply_upload_plan(
    user: AnyUser, upload: ImportUpload, *, progress: Progress | None = None
) -> tuple[ImportPlan, dict[str, int]]:
    """Import an upload if it still has no problem, all or nothing; then forget the file. The
    plan it imported and its counts; ``FileHasProblems`` (with the plan) if it has problems.

    The upload is claimed first, by one conditional update at the start of the transaction: of
    two submits, however close, one imports and the other raises ``AlreadyImported`` (it waits
    for the first to finish where the database locks rows, and always finds it claimed). Then
    the partnership's imports take turns (``lock_imports``) and the file is checked again: two
    different uploads of the same rows imported at once give the second "unchanged" figures, on
    SQLite and PostgreSQL alike.
    """
    require(user, upload.partnership, Capability.MANAGE_DATA)
    if upload.applied_at is not None:
        raise AlreadyImported()
    try:
        with transaction.atomic():
            claimed = ImportUpload.objects.filter(pk=upload.pk, applied_at__isnull=True).update(
                applied_at=timezone.now()
            )
            if not claimed:
                raise AlreadyImported()
            lock_imports(upload.partnership)
            plan = preview_upload(user, upload, progress=progress)
            if not plan.ok:
                raise FileHasProblems(plan)
            counts = apply_import(plan, actor=user)
            ImportUpload.objects.filter(pk=upload.pk).update(data="")
            storedfiles.delete_on_commit(upload.data.storage, [upload.data.name or ""])
    except (IntegrityError, ImportConflict):
        raise ValidationError(
            "Another import changed these figures while this one ran, so nothing was imported. "
            "Check the preview again."
        ) from None
    except ValueError as error:  # a check of apply_import's own, made again as it writes
        raise ValidationError(f"Nothing was imported: {error}.") from None
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        if ImportUpload.objects.filter(pk=upload.pk, applied_at__isnull=False).exists():
            raise AlreadyImported() from None
        raise ValidationError(
            "The database was busy, so nothing was imported. Try again in a moment."
        ) from None
    upload.refresh_from_db(fields=["applied_at", "data"])
    return plan, counts
