"""The retention rule of the records reading: ``FOLLOWUP_RECORDS_RETENTION_MONTHS`` after an
inspection is published, ``followup tick`` deletes its records reading, and records that it did.

What goes is every pre-inspection return of the inspection and everything beneath it: the
children's rows (so the key mapping, each record key's hash, goes with them), the samples and
the records in them, the reading pairs and the records shared among them, every reading and its
answers, the moderated answers and the concerns. Deleting the rows rather than blanking the
hashes leaves nothing from which an answer could be traced back to a child. What stays is a
``RecordsDeletion``: when, under which rule, and how many rows of each kind went, and an audit
entry for each return deleted and for the deletion itself. A return marked illustrative (the
demo's, which describes no real child) is kept.

Each inspection is deleted in a transaction of its own, with its row locked, so that two ticks
at once delete it once; a run with nothing due changes nothing.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from followup.audit import writes
from followup.audit.log import diff, record, snapshot
from followup.inspections.models import Inspection
from followup.lib.types import Actor
from followup.records.models import (
    Answer,
    Concern,
    FrameRecord,
    Moderation,
    Reading,
    ReadingPair,
    RecordsDeletion,
    RecordsReturn,
    Sample,
    SampledRecord,
)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` calendar months earlier, or that month's last day
    when it is shorter (31 March less one month is 28 or 29 February)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(today: datetime.date, months: int) -> datetime.date:
    """The latest publication date whose records reading is due for deletion today."""
    return months_before(today, months)


def _returns_of(inspection: Inspection) -> list[RecordsReturn]:
    """The inspection's returns the rule deletes: all but the illustrative."""
    return list(
        RecordsReturn.objects.filter(inspection=inspection, is_illustrative=False).order_by(
            "uploaded_at", "id"
        )
    )


def expired_inspections(today: datetime.date, months: int) -> list[Inspection]:
    """Published inspections published on or before the cutoff that still hold a records
    reading (a return that is not illustrative), oldest first."""
    return list(
        Inspection.objects.filter(
            status=Inspection.Status.PUBLISHED,
            published_on__isnull=False,
            published_on__lte=retention_cutoff(today, months),
            records_returns__is_illustrative=False,
        )
        .select_related("partnership")
        .distinct()
        .order_by("published_on", "id")
    )


def _counts(returns: list[int]) -> dict[str, int]:
    """How many rows of each kind lie beneath the returns, counted before they go."""
    samples = Sample.objects.filter(frame_id__in=returns)
    members = SampledRecord.objects.filter(sample__in=samples)
    readings = Reading.objects.filter(member__in=members)
    return {
        "returns": len(returns),
        "records": FrameRecord.objects.filter(frame_id__in=returns).count(),
        "samples": samples.count(),
        "sampled": members.count(),
        "pairs": ReadingPair.objects.filter(sample__in=samples).count(),
        "readings": readings.count(),
        "answers": Answer.objects.filter(reading__in=readings).count(),
        "moderations": Moderation.objects.filter(member__in=members).count(),
        "concerns": Concern.objects.filter(member__in=members).count(),
    }


def _due(inspection: Inspection, cutoff: datetime.date) -> datetime.date | None:
    """The inspection's publication date if the rule deletes its reading by the cutoff."""
    published_on = inspection.published_on
    if inspection.status != Inspection.Status.PUBLISHED or published_on is None:
        return None
    return published_on if published_on <= cutoff else None


def delete_inspection_readings(
    actor: Actor, inspection: Inspection, *, months: int, today: datetime.date
) -> RecordsDeletion | None:
    """Delete the inspection's records reading (its returns that are not illustrative, and all
    beneath them) and record that it was; None, with nothing changed, when there is none or the
    inspection, read again under its lock, is not due (a draft again, or published later)."""
    partnership = inspection.partnership
    with transaction.atomic():
        locked = writes.lock(inspection)
        returns = _returns_of(locked)
        published_on = _due(locked, retention_cutoff(today, months))
        if not returns or published_on is None:
            return None
        ids = [frame.pk for frame in returns]
        counts = _counts(ids)
        for frame in returns:
            record(
                actor,
                "records_return.delete",
                frame,
                diff(snapshot(frame), {}) | {"reason": [None, f"retention rule, {months} months"]},
                partnership,
            )
        # Everything beneath the returns goes with them (each foreign key cascades).
        RecordsReturn.objects.filter(pk__in=ids).delete()
        deletion = RecordsDeletion(
            inspection=locked,
            published_on=published_on,
            retention_months=months,
            **counts,
        )
        return writes.create(actor, "records.retention_delete", deletion, partnership)


def delete_expired_readings(
    actor: Actor, today: datetime.date | None = None, months: int | None = None
) -> list[RecordsDeletion]:
    """Delete the records reading of every published inspection published
    ``FOLLOWUP_RECORDS_RETENTION_MONTHS`` (or ``months``) or more before today, each in its own
    transaction; the deletions made, oldest publication first (none on a second run)."""
    months = settings.RECORDS_RETENTION_MONTHS if months is None else months
    today = today or timezone.localdate()
    made = []
    for inspection in expired_inspections(today, months):
        deletion = delete_inspection_readings(actor, inspection, months=months, today=today)
        if deletion is not None:
            made.append(deletion)
    return made
