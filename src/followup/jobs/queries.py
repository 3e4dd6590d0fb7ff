"""Reads of jobs, for the members of the job's partnership; and the workers' health."""

from __future__ import annotations

import datetime

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


def seconds_since(moment: datetime.datetime) -> int:
    return max(0, int((timezone.now() - moment).total_seconds()))
