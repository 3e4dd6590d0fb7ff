"""Reads of jobs, for the members of the job's partnership; and the workers' health."""

from __future__ import annotations

import datetime

from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from followup.jobs.models import Job, WorkerHeartbeat
from followup.partnerships.access import (
    AnyUser,
    Capability,
    can,
    memberships,
    partnership_for,
)


def job_for(user: AnyUser, slug: str, pk: int) -> Job:
    """A job of a partnership the user may see; 404 otherwise (an outsider, or no such job)."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Job.objects.select_related("partnership", "started_by"), pk=pk, partnership=partnership
    )


def job_of(user: AnyUser, pk: int) -> Job:
    """A job, by its id alone, of a partnership the user may see, as its page shows it to them
    (``job_for``); 404 otherwise."""
    return get_object_or_404(
        Job.objects.select_related("partnership", "started_by"),
        pk=pk,
        partnership_id__in=[m.partnership_id for m in memberships(user)],
    )


def may_download(user: AnyUser, job: Job) -> bool:
    """Whether the user may have an export's file: a done export's, kept still, for the person
    who started it, while they still have what it needed (``Job.capability``)."""
    return bool(
        job.kind == Job.Kind.EXPORT
        and job.state == Job.State.DONE
        and job.file
        and user.is_authenticated
        and job.started_by_id == user.pk
        and job.capability in {capability.value for capability in Capability}
        and can(user, job.partnership, Capability(job.capability))
    )


def export_for(user: AnyUser, slug: str, pk: int) -> Job:
    """An export's job whose file the user may have; 404 otherwise (an outsider, another
    member, a file deleted after ``FOLLOWUP_EXPORT_DAYS``, or no such job)."""
    job = job_for(user, slug, pk)
    if not may_download(user, job):
        raise Http404("No such file.")
    return job


def latest_heartbeat() -> datetime.datetime | None:
    """When a worker last said it was running, or None when none has since it last started."""
    beat = WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True)
    return beat.first()


def live_workers(stale_seconds: int) -> list[str]:
    """The ids of the workers heard from in the last ``stale_seconds``."""
    since = timezone.now() - datetime.timedelta(seconds=stale_seconds)
    return list(
        WorkerHeartbeat.objects.filter(last_seen__gte=since)
        .order_by("worker_id")
        .values_list("worker_id", flat=True)
    )


SHARED_SQLITE = (
    "{count} workers are running on one SQLite database ({ids}). Run one worker on SQLite: "
    "the others only wait for its lock, and a long job can make their writes fail. Stop all "
    'but one, or move to PostgreSQL (docs/deploy.md, "Several workers").'
)


def shared_sqlite_warning(stale_seconds: int) -> str:
    """What to say when more than one worker is alive on SQLite; empty otherwise."""
    if connection.vendor != "sqlite":
        return ""
    alive = live_workers(stale_seconds)
    if len(alive) < 2:
        return ""
    return SHARED_SQLITE.format(count=len(alive), ids=", ".join(alive))


def seconds_since(moment: datetime.datetime) -> int:
    return max(0, int((timezone.now() - moment).total_seconds()))
