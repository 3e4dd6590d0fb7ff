"""Writes of jobs: starting one (by a person, checked and audited), and the states the task that
runs it moves it through (``followup.jobs.runner``).

A job's progress is written as it goes only where someone else can read it: in ``followup
worker``, on its own connection, since the work itself runs in one transaction that nobody sees
until it ends. On PostgreSQL that is a second connection in autocommit; SQLite lets one writer at a
time hold the database, so there the page shows the stage, and the count when the work ends.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from followup.audit.log import record
from followup.jobs.models import Job, WorkerHeartbeat
from followup.lib import storedfiles
from followup.lib.storedfiles import default as default_storage
from followup.lib.types import Actor
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership

logger = logging.getLogger(__name__)

NOTHING_CHANGED = "Nothing was changed."
# Set by ``followup worker``: a job's progress is then written as it goes (see above).
live_progress = False
_side: BaseDatabaseWrapper | None = None


def start_job(
    user: AnyUser,
    partnership: Partnership,
    *,
    kind: Job.Kind,
    title: str,
    capability: Capability,
    task: Any,
    arguments: dict[str, Any],
) -> Job:
    """Record a job and hand its task to the tasks backend (``FOLLOWUP_TASKS_BACKEND``): a
    worker runs it, or, with the immediate backend, it runs before this returns. The task is
    given the job's id and ``arguments``, and checks the permission again as the person who
    started it when it runs."""
    require(user, partnership, capability)
    with transaction.atomic():
        job = Job.objects.create(
            partnership=partnership,
            kind=kind,
            title=title[:300],
            started_by=user if isinstance(user, User) else None,
            stage="Waiting for a worker",
            capability=str(capability),
        )
        record(user, "job.start", job, {"title": [None, job.title]}, partnership)
    try:
        result = task.enqueue(job_id=job.pk, **arguments)
    except Exception:
        logger.exception("Job %s could not be queued", job.pk)
        fail_job(job, "The job could not be queued.")
    else:
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def begin_job(job: Job) -> None:
    """The task has started (again, after a worker stopped mid-job: from the beginning)."""
    job.state = Job.State.RUNNING
    job.started_at = timezone.now()
    job.attempts += 1
    job.done = 0
    job.stage = "Starting"
    job.save(update_fields=["state", "started_at", "attempts", "done", "stage"])


def report_progress(job: Job, done: int, total: int, stage: str) -> None:
    """``done`` of ``total`` at ``stage``: written for others to read when it can be (above)."""
    job.done, job.total, job.stage = done, total, stage[:200]
    if not live_progress:
        return
    fields = {"done": job.done, "total": job.total, "stage": job.stage}
    if not connection.in_atomic_block:
        Job.objects.filter(pk=job.pk).update(**fields)
    elif connection.vendor == "postgresql":
        _side_update(job.pk, fields)


def _side_update(pk: int, fields: dict[str, Any]) -> None:
    """Write on a connection of its own, outside the work's transaction, in autocommit."""
    global _side
    if _side is None:
        _side = connections.create_connection(DEFAULT_DB_ALIAS)
    quote = _side.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in fields)
    with _side.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Job._meta.db_table)} SET {assignments} WHERE id = %s",
            [*fields.values(), pk],
        )


def close_side_connection() -> None:
    global _side
    if _side is not None:
        _side.close()
        _side = None


@dataclass(frozen=True)
class ExportFile:
    """What an export made: ``content`` (a temporary file, read from its start) is stored through
    the storage API, and given out as ``filename`` of ``content_type``."""

    filename: str
    content_type: str
    content: IO[bytes]


def finish_job(job: Job, *, message: str, result_url: str, file: ExportFile | None = None) -> None:
    job.state = Job.State.DONE
    job.message = message
    job.result_url = result_url[:500]
    job.done = max(job.done, job.total)
    job.stage = "Done"
    job.finished_at = timezone.now()
    fields = ["state", "message", "result_url", "done", "stage", "finished_at", "total"]
    stored = ""
    if file is not None:
        file.content.seek(0)
        stored = storedfiles.save_file(job.file, "export", File(file.content))
        job.filename, job.content_type = file.filename[:255], file.content_type[:100]
        fields += ["file", "filename", "content_type"]
    try:
        job.save(update_fields=fields)
    except BaseException:
        storedfiles.delete_now(job.file.storage, [stored])
        raise


def purge_exports(actor: Actor, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports that ended more than ``FOLLOWUP_EXPORT_DAYS`` ago (``followup
    tick``); their jobs stay, saying the file is gone. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.EXPORT_DAYS)
    with transaction.atomic():
        expired = list(
            Job.objects.select_for_update(of=("self",))
            .select_related("partnership")
            .filter(kind=Job.Kind.EXPORT, finished_at__lt=cutoff)
            .exclude(file="")
        )
        for job in expired:
            record(actor, "job.export_purge", job, {"file": [job.filename, None]}, job.partnership)
        Job.objects.filter(pk__in=[job.pk for job in expired]).update(file="")
        storedfiles.delete_on_commit(default_storage(), [job.file.name or "" for job in expired])
    return len(expired)


def fail_job(job: Job, why: str) -> None:
    """The job ended without changing anything: say why, and that nothing was changed."""
    job.state = Job.State.FAILED
    job.message = f"{why.rstrip()} {NOTHING_CHANGED}"
    job.stage = "Stopped"
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "stage", "finished_at"])


def requeue_job(task_id: str, why: str) -> None:
    """A worker stopped while running this job's task, which will run again from the start."""
    Job.objects.filter(task_id=task_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.QUEUED, done=0, stage=why[:200]
    )


def fail_job_of_task(task_id: str, why: str) -> None:
    for job in Job.objects.filter(task_id=task_id).exclude(
        state__in=[Job.State.DONE, Job.State.FAILED]
    ):
        fail_job(job, why)


# Workers (followup.jobs.worker): their heartbeats, and the tasks of those that stopped.
MAX_ATTEMPTS = 3
READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"


def recover_abandoned(stale_seconds: int) -> tuple[int, int]:
    """Tasks marked running by a worker that is gone (its row stale or deleted): back in the
    queue, or failed after ``MAX_ATTEMPTS``. Returns (requeued, failed)."""
    alive_since = timezone.now() - datetime.timedelta(seconds=stale_seconds)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen__gte=alive_since).values_list(
            "worker_id", flat=True
        )
    )
    requeued = failed = 0
    with transaction.atomic():
        for task in DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=RUNNING):
            if task.worker_ids and task.worker_ids[-1] in alive:
                continue
            task_id = str(task.id)
            if len(task.worker_ids) >= MAX_ATTEMPTS:
                task.status = FAILED
                task.finished_at = timezone.now()
                task.exception_class_path = "followup.jobs.worker.WorkerStopped"
                task.traceback = f"the worker stopped during each of {MAX_ATTEMPTS} attempts"
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                fail_job_of_task(
                    task_id,
                    f"The worker running this job stopped during each of {MAX_ATTEMPTS} attempts.",
                )
                failed += 1
            else:
                task.status = READY
                task.save(update_fields=["status"])
                requeue_job(task_id, "Starting again: the worker running it stopped")
                requeued += 1
    # The rows of workers gone for good: a worker blocked that long writes its row again.
    WorkerHeartbeat.objects.filter(last_seen__lt=alive_since).delete()
    if requeued or failed:
        logger.warning("Abandoned tasks: %d queued again, %d failed", requeued, failed)
    return requeued, failed


def beat(worker_id: str, running: str) -> None:
    """The worker is alive, running ``running`` (empty: waiting for a job)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now, "running": running[:300]},
        create_defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "last_seen": now,
            "running": running[:300],
        },
    )


def forget_worker(worker_id: str) -> None:
    """The worker stopped cleanly."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def prune_finished_tasks(days: int) -> int:
    """Delete the queue's rows of tasks finished more than ``days`` ago (``followup tick``); the
    job rows people see are kept. Returns how many were deleted."""
    before = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.filter(
        finished_at__lt=before, status__in=["SUCCESSFUL", FAILED]
    ).delete()
    return deleted
