"""A job someone started (publishing a report, importing or exporting a large file), and the
workers' heartbeats.

The task itself is Django's (``django_tasks``; with the database backend, a row of
``django_tasks_db``): a job is what a person sees of it, in their partnership, with its state,
its progress and where its result is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from followup.lib import storedfiles
from followup.partnerships.models import Partnership


def export_file(instance: Job, filename: str) -> str:
    """Where a background export's file is stored: ``exports/partnership-7/<random>``. Its name
    for the person downloading it is kept in ``filename``."""
    return f"exports/partnership-{instance.partnership_id}/{storedfiles.token()}"


class Job(models.Model):
    class Kind(models.TextChoices):
        PUBLISH = "publish", "Publishing a report"
        IMPORT = "import", "Importing figures"
        EXPORT = "export", "Exporting a file"
        PACK = "pack", "Making a progress pack"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # What the person who started it needed (``partnerships.access.Capability``): an export's
    # file is given only to them, and only while they still have it.
    capability = models.CharField(max_length=30, blank=True)
    # An export's file, until ``followup tick`` deletes it (FOLLOWUP_EXPORT_DAYS after it ended).
    file = models.FileField(upload_to=export_file, max_length=300, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}


class WorkerHeartbeat(models.Model):
    """One running ``followup worker``: written when it starts, every few seconds while it runs
    (``FOLLOWUP_WORKER_HEARTBEAT_SECONDS``), and deleted when it stops cleanly."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField()
    running = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} (pid {self.pid})"
