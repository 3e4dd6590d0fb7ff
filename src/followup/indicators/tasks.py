"""A large import as a background job: the task calls ``actions.apply_upload`` unchanged, as the
person who started it (its permission check, one transaction and audit entries as ever), and
the job's page shows the rows checked so far."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks import task

from followup.indicators import actions
from followup.indicators.models import ImportUpload
from followup.jobs.models import Job
from followup.jobs.runner import Done, Progress, run_job


def imported(counts: dict[str, int], filename: str) -> str:
    """What an import did, in words: also when another import had brought the same figures in
    first (the two took turns, and this one found them held)."""
    total = counts["new"] + counts["revised"] + counts["confirmed"]
    if total:
        return f"Imported {total:,} figure{'' if total == 1 else 's'} from {filename}."
    held = counts["unchanged"]
    return (
        f"Nothing was imported from {filename}: "
        + ("its figure was" if held == 1 else f"all {held:,} of its figures were")
        + " already imported from the same release."
    )


@task()
def import_upload(job_id: int, upload_id: int) -> None:
    run_job(job_id, partial(_import, upload_id=upload_id))


def _import(job: Job, user: User, progress: Progress, *, upload_id: int) -> Done:
    upload = (
        ImportUpload.objects.select_related("partnership")
        .filter(pk=upload_id, partnership=job.partnership)
        .first()
    )
    if upload is None:
        raise ValidationError("The file was discarded before it could be imported.")
    dashboard = reverse("indicators:dashboard", args=[job.partnership.slug])
    progress.stage("Checking and writing the rows")
    try:
        counts = actions.apply_upload(user, upload, progress=progress)
    except actions.AlreadyImported:
        # Imported by an earlier submit, or by this job before its worker stopped.
        return Done("This file has already been imported; nothing more was imported.", dashboard)
    return Done(imported(counts, upload.filename), dashboard)
