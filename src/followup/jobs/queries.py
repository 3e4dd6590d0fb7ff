"""Reads of jobs, for the members of the job's partnership; and the workers' health."""

from __future__ import annotations

import datetime

from django.db import connection
from django.shortcuts import get_object_or_404
from django.utils import timezone

from followup.jobs.models import Job, WorkerHeartbeat
from followup.partnerships.access import AnyUser, partnership_for


def job_for(user: AnyUser, slug: str, pk: int) -> Job:
    """A job of a partnership the user may see; 404 otherwise (an outsider, or no such job)."""
    partnership = partnership_for(user, slug)
    return get_object_or_404(
        Job.objects.select_related("partnership", "started_by"), pk=pk, partnership=partnership
    )


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
