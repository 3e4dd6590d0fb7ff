"""Releasing a sample's findings to the partnership, once.

Until the inspection team releases them, only the team sees what the reading found, and it sees
the figures change as records are moderated. Released, the findings are fixed as they stood:
the partnership (once the inspection is published) and the inspection summary report see the
answers moderated by then, and never a later set. Two sets of protected figures one record
apart would let a reader work out withheld counts, and that record's answers, by comparing them;
one set that never changes gives nothing to compare (``records.results``)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from followup.audit import writes
from followup.lib.dates import day
from followup.partnerships.access import AnyUser, Capability, require
from followup.records import queries
from followup.records.models import Moderation, Sample


def release_findings(user: AnyUser, sample: Sample) -> Sample:
    """Release the findings of the inspection's current sample as they stand: refused when they
    were released already (they are kept as they were), when another sample of the inspection
    was released (an inspection releases once: a sample drawn again, over the same children,
    would give a second set to compare with the first), for an earlier sample, and when no
    record drawn at random has been moderated."""
    partnership = sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_RECORDS)
    with transaction.atomic():
        current = writes.lock(sample)
        if current.released_at is not None:
            when = day(timezone.localdate(current.released_at))
            raise ValidationError(
                f"These findings were released on {when}: they are kept as they were released."
            )
        earlier = (
            Sample.objects.filter(frame__inspection=current.frame.inspection_id)
            .exclude(released_at=None)
            .first()
        )
        if earlier is not None and earlier.released_at is not None:
            when = day(timezone.localdate(earlier.released_at))
            raise ValidationError(
                f"The findings of sample {earlier.number} were released on {when}: an "
                "inspection's findings are released once, so that no two sets can be compared."
            )
        if not queries.is_current(current):
            raise ValidationError(
                "This sample was replaced by a newer one: release the findings of the current "
                "sample instead."
            )
        moderated = Moderation.objects.filter(member__sample=current, member__purposive=False)
        if not moderated.exists():
            raise ValidationError(
                "No record drawn at random has been moderated yet: there is nothing to release."
            )
        return writes.update(
            user,
            "sample.release",
            current,
            partnership,
            {
                "released_at": timezone.now(),
                "released_by": user if isinstance(user, User) else None,
            },
        )
