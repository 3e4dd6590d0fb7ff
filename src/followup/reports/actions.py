"""Publishing reports: the only write in this app."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from followup.audit.log import record
from followup.inspections.models import Inspection
from followup.partnerships.access import AnyUser, Capability, require
from followup.reports import render
from followup.reports.compose import inspection_report, review_report
from followup.reports.models import Publication
from followup.reviews.models import ProgressReview


def publish(
    user: AnyUser,
    *,
    review: ProgressReview | None = None,
    inspection: Inspection | None = None,
    correction_note: str = "",
) -> Publication:
    """Freeze the report as it is now: HTML, PDF and Word with their SHA-256 digests. Publishing
    again makes a new version that replaces the last, and must say what it corrects."""
    if review is not None:
        inspection = review.inspection
    assert inspection is not None
    partnership = inspection.partnership
    require(user, partnership, Capability.PUBLISH_REPORTS)
    kind = Publication.Kind.REVIEW if review is not None else Publication.Kind.INSPECTION
    report = review_report(review) if review is not None else inspection_report(inspection)
    formats = {fmt: render.render(report, fmt) for fmt in ("html", "pdf", "docx")}
    with transaction.atomic():
        latest = (
            Publication.objects.select_for_update()
            .filter(inspection=inspection, review=review, kind=kind)
            .order_by("-version")
            .first()
        )
        if latest is not None and not correction_note.strip():
            raise ValidationError(
                {
                    "correction_note": "Say what this version corrects: the earlier one stays published"
                }
            )
        publication = Publication(
            partnership=partnership,
            kind=kind,
            review=review,
            inspection=inspection,
            version=(latest.version + 1) if latest else 1,
            replaces=latest,
            title=report.title,
            correction_note=correction_note.strip(),
            published_at=timezone.now(),
            published_by=user if isinstance(user, User) else None,
            **formats,
            **{f"sha256_{fmt}": hashlib.sha256(data).hexdigest() for fmt, data in formats.items()},
        )
        publication.save()
        record(
            user,
            "report.publish",
            publication,
            {"version": [None, publication.version], "sha256_pdf": [None, publication.sha256_pdf]},
            partnership,
        )
    return publication
