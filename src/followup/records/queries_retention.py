"""What the retention rule has deleted (``records.actions_retention``): read by the inspection's
records reading page, which the caller has already let the user open."""

from __future__ import annotations

from followup.inspections.models import Inspection
from followup.records.models import RecordsDeletion


def records_deletion_of(inspection: Inspection) -> RecordsDeletion | None:
    """The latest deletion of the inspection's records reading under the retention rule."""
    return (
        RecordsDeletion.objects.filter(inspection=inspection).order_by("-deleted_at", "-id").first()
    )
