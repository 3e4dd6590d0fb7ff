"""Every write of the records reading: uploading a pre-inspection return, drawing a sample,
adding a record to a sample on purpose. Each is the inspection team's (``read_records``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit import writes
from followup.inspections.models import Inspection
from followup.lib.sampling import Unit, draw
from followup.lib.tabular import TableError, read_table
from followup.lib.uploads import UploadError, check_size
from followup.partnerships.access import AnyUser, Capability, require
from followup.records import queries
from followup.records.models import (
    FrameRecord,
    ReadingTemplate,
    RecordsReturn,
    Sample,
    SampledRecord,
)
from followup.records.returns import ReturnProblems, read_return, record_digest, stored_filename

MAX_SEED = 999_999_999
MAX_REASON = 500


def _user(user: AnyUser) -> User | None:
    return user if isinstance(user, User) else None


def upload_return(
    user: AnyUser,
    inspection: Inspection,
    *,
    filename: str,
    data: bytes,
    is_illustrative: bool = False,
) -> RecordsReturn:
    """Read a pre-inspection return and keep it as the inspection's frame: every row or none.
    Only each record key's hash is kept."""
    require(user, inspection.partnership, Capability.READ_RECORDS)
    try:
        check_size(len(data))
        table = read_table(data, filename)
        rows = read_return(table, settings.RECORDS_KEY)
    except UploadError as error:
        raise ValidationError({"file": str(error)}) from None
    except TableError as error:
        raise ValidationError({"file": f"The file cannot be read: {error}"}) from None
    except ReturnProblems as problems:
        raise ValidationError({"file": problems.messages()}) from None
    with transaction.atomic():
        frame = RecordsReturn(
            inspection=inspection,
            filename=stored_filename(filename),
            record_count=len(rows),
            is_illustrative=is_illustrative,
            uploaded_by=_user(user),
        )
        writes.create(user, "records_return.upload", frame, inspection.partnership)
        FrameRecord.objects.bulk_create(
            [
                FrameRecord(
                    frame=frame,
                    row=row.row,
                    digest=row.digest,
                    age_band=row.age_band[:20],
                    team=row.team,
                    stratum=row.stratum,
                    **row.flags,
                )
                for row in rows
            ],
            batch_size=1000,
        )
    return frame


def draw_sample(
    user: AnyUser,
    inspection: Inspection,
    *,
    size: int,
    seed: int,
    template: ReadingTemplate | None = None,
    replaces: int | None = None,
) -> Sample:
    """Draw a stratified random sample of the inspection's newest return, to be read with the
    template given; a sample drawn before is kept, and the new one says it replaces it. Once a
    sample reads with a template's version, that version is frozen (``actions_templates``).
    ``replaces`` is the id of the sample in use when the form was opened (0: none): if another
    was drawn since, nothing is drawn, so that nobody replaces a sample they have not seen."""
    require(user, inspection.partnership, Capability.READ_RECORDS)
    if not 0 <= seed <= MAX_SEED:
        raise ValidationError({"seed": f"Enter a seed from 0 to {MAX_SEED:,}"})
    with transaction.atomic():
        frame = queries.current_frame(inspection)
        if frame is None:
            raise ValidationError(
                "Upload the pre-inspection return first: there is nothing to draw from."
            )
        frame = writes.lock(frame)
        records = queries.frame_records(frame)
        if not 1 <= size <= len(records):
            raise ValidationError(
                {
                    "size": f"Enter a sample size from 1 to {len(records):,}, the children in the return"
                }
            )
        by_reference = {r.digest: r for r in records}
        chosen = draw([Unit(r.digest, r.stratum) for r in records], size, seed)
        earlier = Sample.objects.filter(frame=frame).order_by("-number").first()
        if replaces is not None and replaces != (earlier.pk if earlier else 0):
            raise ValidationError(
                "Someone drew a sample or uploaded a return since you opened this page: nothing "
                "was drawn. Go back to the records reading page to see the sample in use, then "
                "draw again if you still need to."
            )
        sample = Sample(
            frame=frame,
            number=(earlier.number + 1) if earlier else 1,
            size=size,
            seed=seed,
            template=template,
            replaces=earlier,
            drawn_by=_user(user),
        )
        verb = "sample.redraw" if earlier else "sample.draw"
        writes.create(user, verb, sample, inspection.partnership)
        SampledRecord.objects.bulk_create(
            [
                SampledRecord(
                    sample=sample, record=by_reference[unit.reference], added_by=_user(user)
                )
                for unit in chosen
            ]
        )
    return sample


def add_purposive(user: AnyUser, sample: Sample, data: dict[str, Any]) -> SampledRecord:
    """Add a record of the frame to the sample on purpose, with the reason: it is kept apart from
    the random sample's counts. Only the newest sample of the newest return takes additions."""
    partnership = sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_RECORDS)
    key = str(data.get("record_key", "")).strip()
    reason = str(data.get("reason", "")).strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": f"Enter why this record is added, in up to {MAX_REASON} characters"}
        )
    with transaction.atomic():
        writes.lock(sample.frame)
        if not queries.is_current(sample):
            raise ValidationError(
                "A newer sample or return replaced this sample: add the record to the newest one."
            )
        found = FrameRecord.objects.filter(
            frame_id=sample.frame_id, digest=record_digest(settings.RECORDS_KEY, key)
        ).first()
        if found is None:
            raise ValidationError(
                {"record_key": "Enter a record key of a child in the return: no row has this key"}
            )
        if SampledRecord.objects.filter(sample=sample, record=found).exists():
            raise ValidationError(
                {"record_key": f"Row {found.row} is in the sample already: choose another record"}
            )
        member = SampledRecord(
            sample=sample, record=found, purposive=True, reason=reason, added_by=_user(user)
        )
        return writes.create(user, "sample.add_purposive", member, partnership)
