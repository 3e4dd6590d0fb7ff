"""Publishing, and making a progress pack, as background jobs: each task calls its action
(``actions.publish``, ``actions.make_pack``) unchanged, as the person who started it, so its
permission check, transaction and audit entry are the same as ever."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks import task

from followup.inspections.models import Inspection
from followup.jobs.models import Job
from followup.jobs.runner import Done, Progress, run_job
from followup.reports import actions
from followup.reviews.models import ProgressReview


@task()
def publish_report(
    job_id: int,
    inspection_id: int,
    review_id: int | None,
    correction_note: str,
    version: int,
) -> None:
    run_job(
        job_id,
        partial(
            _publish,
            inspection_id=inspection_id,
            review_id=review_id,
            correction_note=correction_note,
            version=version,
        ),
    )


def _publish(
    job: Job,
    user: User,
    progress: Progress,
    *,
    inspection_id: int,
    review_id: int | None,
    correction_note: str,
    version: int,
) -> Done:
    progress.stage("Rendering the report as a web page, PDF and Word, then publishing it")
    inspection = (
        Inspection.objects.select_related("partnership", "framework")
        .filter(pk=inspection_id, partnership=job.partnership)
        .first()
    )
    review = (
        ProgressReview.objects.select_related("inspection__partnership", "inspection__framework")
        .filter(pk=review_id, inspection=inspection)
        .first()
        if review_id is not None
        else None
    )
    if inspection is None or (review_id is not None and review is None):
        raise ValidationError("The report's inspection or progress review has been deleted.")
    public = reverse("reports:public", args=[job.partnership.slug])
    try:
        publication = actions.publish(
            user,
            review=review,
            inspection=inspection,
            correction_note=correction_note,
            version=version,
        )
    except actions.AlreadyPublished as already:
        # Published by someone else first, or by this job before its worker stopped.
        return Done(
            f"Version {already.publication.version} is already published; nothing more was "
            "published.",
            public,
        )
    return Done(
        f"Published version {publication.version}. It is on the public page and never changes.",
        public,
    )


@task()
def make_progress_pack(job_id: int, number: int) -> None:
    run_job(job_id, partial(_make_pack, number=number))


def _make_pack(job: Job, user: User, progress: Progress, *, number: int) -> Done:
    progress.stage("Making the progress pack as Word, PDF and Excel files")
    page = reverse("reports:pack", args=[job.partnership.slug])
    try:
        made = actions.make_pack(user, job.partnership, number=number)
    except actions.PackAlreadyMade as already:
        return Done(
            f"Progress pack {already.pack.number} is already made; nothing more was made.", page
        )
    return Done(f"Made progress pack {made.number}. Download it from the progress pack page.", page)
