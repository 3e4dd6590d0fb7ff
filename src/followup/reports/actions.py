"""The writes of this app: publishing reports, and making progress packs."""

from __future__ import annotations

import datetime
import hashlib
from typing import NamedTuple

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.audit.log import record
from followup.indicators.tasks_withheld import after_figures_change
from followup.inspections.models import Inspection
from followup.lib import clock, storedfiles
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership
from followup.reports import packrender, packs, queries, render
from followup.reports.compose import Edition, Report, inspection_report, review_report
from followup.reports.models import PACK_FORMATS, ProgressPack, Publication
from followup.reviews.models import ProgressReview


class AlreadyPublished(Exception):
    """The version a request set out to publish is published already: the second of two
    identical submits, or someone else published first. Nothing more was published."""

    def __init__(self, publication: Publication) -> None:
        super().__init__(f"Version {publication.version} is already published.")
        self.publication = publication


def _check(latest: Publication | None, version: int | None, correction_note: str) -> None:
    """Refuse a version already published, a version out of sequence, or a correction that does
    not say what it corrects."""
    current = latest.version if latest is not None else 0
    if version is not None:
        if latest is not None and version <= current:
            raise AlreadyPublished(latest)
        if version != current + 1:
            raise ValidationError(
                {"version": f"The next version is {current + 1}: check the report again"}
            )
    if latest is not None and not correction_note.strip():
        raise ValidationError(
            {"correction_note": "Say what this version corrects: the earlier one stays published"}
        )


class Dated(NamedTuple):
    """The date a published report carries, and why: ``own`` (the review's or inspection's
    publication date), ``first`` (the day its version 1 was published) or ``today`` (the day
    this, its first version, is published)."""

    day: datetime.date
    why: str


def _pk(publication: Publication | None) -> int | None:
    return publication.pk if publication is not None else None


def dated(own: datetime.date | None, first: Publication | None, today: datetime.date) -> Dated:
    """A published report is always dated: by its own date, or else by the day it was first
    published (so that a correction keeps the date of the version it corrects)."""
    if own is not None:
        return Dated(own, "own")
    if first is not None:
        return Dated(timezone.localdate(first.published_at), "first")
    return Dated(today, "today")


def edition(latest: Publication | None, correction_note: str, now: datetime.datetime) -> Edition:
    """What the next version says about itself."""
    if latest is None:
        return Edition(version=1, published_on=timezone.localdate(now))
    return Edition(
        version=latest.version + 1,
        published_on=timezone.localdate(now),
        replaces=latest.version,
        replaces_published_on=timezone.localdate(latest.published_at),
        correction_note=correction_note.strip(),
    )


def check_publish(
    user: AnyUser,
    *,
    review: ProgressReview | None = None,
    inspection: Inspection,
    correction_note: str = "",
    version: int | None = None,
) -> None:
    """What ``publish`` checks before it renders, for a page that hands the publishing to a
    job: the permission, and the version and correction note. ``publish`` checks them again."""
    require(user, inspection.partnership, Capability.PUBLISH_REPORTS)
    _check(queries.latest_publication(inspection, review), version, correction_note)


def publish(
    user: AnyUser,
    *,
    review: ProgressReview | None = None,
    inspection: Inspection | None = None,
    correction_note: str = "",
    version: int | None = None,
) -> Publication:
    """Freeze the report as it is now: HTML, PDF and Word with their SHA-256 digests. Publishing
    again makes a new version that replaces the last, and must say what it corrects.

    ``version`` is the version the publisher confirmed on the check page. If it is already
    published (a double submit), nothing more is published and ``AlreadyPublished`` names it;
    the database allows one version N of each document, so a race ends the same way. Each file
    names its version, so a version published by someone else while this one was rendered
    also ends with ``AlreadyPublished``.
    """
    if review is not None:
        inspection = review.inspection
    assert inspection is not None
    require(user, inspection.partnership, Capability.PUBLISH_REPORTS)
    # Checked before the costly rendering, and again under the lock.
    before = queries.latest_publication(inspection, review)
    _check(before, version, correction_note)
    report, formats, now = _rendered(inspection, review, before, correction_note)
    try:
        with transaction.atomic():
            latest = _latest_in_turn(inspection, review, before)
            _check(latest, version, correction_note)
            publication = _save(
                user, inspection, review, report, formats, latest, correction_note, now
            )
            # A published review's withheld figures are withheld on the pages too.
            after_figures_change(inspection.partnership)
    except IntegrityError:
        # Another publication of the same version won a race the lock did not see.
        latest = queries.latest_publication(inspection, review)
        if latest is None:
            raise
        raise AlreadyPublished(latest) from None
    return publication


def _rendered(
    inspection: Inspection,
    review: ProgressReview | None,
    before: Publication | None,
    correction_note: str,
) -> tuple[Report, dict[str, bytes], datetime.datetime]:
    """The report as it is now, its files in each format, and the time it is published at.
    Every file says which version it is, when it was published and what it corrects, so no two
    versions' files are alike; and a published report always carries a date."""
    report = review_report(review) if review is not None else inspection_report(inspection)
    now = timezone.now()
    first = queries.first_publication(inspection, review)
    report.publish_as(
        edition(before, correction_note, now),
        dated(report.date, first, timezone.localdate(now)).day,
    )
    return report, {fmt: render.render(report, fmt) for fmt in ("html", "pdf", "docx")}, now


def _latest_in_turn(
    inspection: Inspection, review: ProgressReview | None, before: Publication | None
) -> Publication | None:
    """The latest version, read once this publisher's turn has come: publishers of one
    document take turns, the second waiting here (SQLite locks the whole database for writing
    instead). If someone published while this version was rendered, its files would name the
    wrong version, so nothing is published, and the publisher is told."""
    if review is not None:
        ProgressReview.objects.select_for_update().filter(pk=review.pk).first()
    else:
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    latest = queries.latest_publication(inspection, review)
    if _pk(latest) != _pk(before):
        if latest is None:
            raise ValidationError(
                {"version": "The published versions changed: check the report again"}
            )
        raise AlreadyPublished(latest)
    return latest


def _save(
    user: AnyUser,
    inspection: Inspection,
    review: ProgressReview | None,
    report: Report,
    formats: dict[str, bytes],
    latest: Publication | None,
    correction_note: str,
    now: datetime.datetime,
) -> Publication:
    """Store the next version with its files and their SHA-256 digests, and its audit entry.
    The files go to the storage first; if the version is then not saved, they are deleted."""
    digests = {fmt: hashlib.sha256(data).hexdigest() for fmt, data in formats.items()}
    publication = Publication(
        partnership=inspection.partnership,
        kind=Publication.Kind.REVIEW if review is not None else Publication.Kind.INSPECTION,
        review=review,
        inspection=inspection,
        version=(latest.version + 1) if latest else 1,
        replaces=latest,
        title=report.title,
        correction_note=correction_note.strip(),
        published_at=now,
        published_by=user if isinstance(user, User) else None,
        **{f"sha256_{fmt}": digest for fmt, digest in digests.items()},
    )
    written: list[str] = []
    try:
        for fmt, data in formats.items():
            written.append(storedfiles.save_new(publication.file(fmt), f"report.{fmt}", data))
        publication.save()
        record(
            user,
            "report.publish",
            publication,
            {
                "version": [None, publication.version],
                **{f"sha256_{fmt}": [None, digest] for fmt, digest in digests.items()},
            },
            inspection.partnership,
        )
    except BaseException:  # nothing is published, so no file is kept
        storedfiles.delete_now(storedfiles.default(), written)
        raise
    return publication


class PackAlreadyMade(Exception):
    """The pack a request set out to make is made already (the second of two identical
    submits, or someone else made it first). Nothing more was made."""

    def __init__(self, pack: ProgressPack) -> None:
        super().__init__(f"Progress pack {pack.number} is already made.")
        self.pack = pack


def _check_pack(latest: ProgressPack | None, number: int) -> None:
    current = latest.number if latest is not None else 0
    if latest is not None and number <= current:
        raise PackAlreadyMade(latest)
    if number != current + 1:
        raise ValidationError(
            f"This page is out of date: the next pack is pack {current + 1}; open the progress "
            "pack page again"
        )


def check_make_pack(user: AnyUser, partnership: Partnership, *, number: int) -> None:
    """What ``make_pack`` checks before it renders, for a page that hands the making to a job:
    the permission (``edit_plan``: the plan's editors, lead officers and administrators) and
    the pack's number. ``make_pack`` checks them again."""
    require(user, partnership, Capability.EDIT_PLAN)
    _check_pack(queries.latest_pack(partnership), number)


def make_pack(user: AnyUser, partnership: Partnership, *, number: int) -> ProgressPack:
    """Issue progress pack ``number`` of the plan as it is now: its Word, PDF and XLSX files
    without DRAFT marks, with their SHA-256 digests, and the snapshot the next pack compares
    with. ``number`` is the next pack's, as the page showed it: if it is made already (a
    double submit, or someone else's), ``PackAlreadyMade`` names it and nothing more is made."""
    require(user, partnership, Capability.EDIT_PLAN)
    before = queries.latest_pack(partnership)
    _check_pack(before, number)
    now = clock.now()
    made_by = user.get_username() if isinstance(user, User) else ""
    pack = packs.progress_pack(partnership, packs.Issued(number, now, made_by))
    files = {fmt: packrender.render_pack(pack, fmt) for fmt in PACK_FORMATS}
    try:
        with transaction.atomic():
            # Makers of one partnership's packs take turns; the second finds the first's pack.
            Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
            latest = queries.latest_pack(partnership)
            if (latest and latest.pk) != (before and before.pk):
                _check_pack(latest, number)
            return _save_pack(user, partnership, pack, files, now)
    except IntegrityError:
        latest = queries.latest_pack(partnership)
        if latest is None:
            raise
        raise PackAlreadyMade(latest) from None


def _save_pack(
    user: AnyUser,
    partnership: Partnership,
    pack: packs.Pack,
    files: dict[str, bytes],
    now: datetime.datetime,
) -> ProgressPack:
    """Store the pack's files and its row, and the audit entry; if the row is not saved, the
    files written for it are deleted."""
    digests = {fmt: hashlib.sha256(data).hexdigest() for fmt, data in files.items()}
    made = ProgressPack(
        partnership=partnership,
        number=pack.number,
        made_at=now,
        made_by_id=user.pk if isinstance(user, User) else None,
        made_by_name=pack.made_by,
        snapshot=pack.snapshot,
        **{f"sha256_{fmt}": digest for fmt, digest in digests.items()},
    )
    written: list[str] = []
    try:
        for fmt, data in files.items():
            written.append(storedfiles.save_new(made.file(fmt), f"pack.{fmt}", data))
        made.save()
        record(
            user,
            "pack.make",
            made,
            {
                "number": [None, made.number],
                **{f"sha256_{fmt}": [None, digest] for fmt, digest in digests.items()},
            },
            partnership,
        )
    except BaseException:  # nothing is made, so no file is kept
        storedfiles.delete_now(storedfiles.default(), written)
        raise
    return made
