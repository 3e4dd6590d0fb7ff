"""The job page, which follows a job until it is done, and ``/healthz`` for load balancers."""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from followup.jobs import queries
from followup.jobs.models import Job
from followup.lib.tables import attachment

logger = logging.getLogger(__name__)

# Seconds between reloads of a job's page while it runs: an HTTP Refresh header, which browsers
# follow without JavaScript. A page that reloads itself must let the person stop it (WCAG 2.2.1,
# technique F41): the first control in the page's main content does, with ?refresh=off.
REFRESH_SECONDS = 10


@login_required
@require_safe
def job(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = queries.job_for(request.user, slug, pk)
    if found.state == Job.State.DONE and found.result_url:
        messages.success(request, found.message)
        return redirect(found.result_url)
    stopped = request.GET.get("refresh") == "off"
    refresh = None if found.finished or stopped else REFRESH_SECONDS
    no_worker = not found.finished and _no_worker()
    kept_until = None
    if found.kind == Job.Kind.EXPORT and found.file and found.finished_at:
        kept_until = found.finished_at + datetime.timedelta(days=settings.EXPORT_DAYS)
    response = render(
        request,
        "jobs/job.html",
        {
            "partnership": found.partnership,
            "job": found,
            "refresh": refresh,
            "stopped": stopped and not found.finished,
            "refresh_seconds": REFRESH_SECONDS,
            "no_worker": no_worker,
            "may_download": queries.may_download(request.user, found),
            "kept_until": kept_until,
            "export_days": settings.EXPORT_DAYS,
        },
    )
    if refresh is not None:
        response["Refresh"] = str(refresh)
    return response


@login_required
@require_safe
def download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """An export's file, streamed from the storage, for the person who asked for it."""
    found = queries.export_for(request.user, slug, pk)
    try:
        handle = found.file.storage.open(str(found.file.name), "rb")
    except FileNotFoundError:
        logger.error("Job %s: its file %s is not in the storage", found.pk, found.file.name)
        raise Http404("This file cannot be given out now.") from None
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = attachment(found.filename)
    return response


def _no_worker() -> bool:
    """Whether jobs wait for a worker (the database backend) and none was heard from lately."""
    if settings.TASKS_BACKEND_NAME != "database":
        return False
    last = queries.latest_heartbeat()
    return last is None or queries.seconds_since(last) > settings.WORKER_STALE_SECONDS


@require_safe
def healthz(request: HttpRequest, worker: bool = True) -> HttpResponse:
    """200 when the database answers and (unless ``worker`` is false: ``/healthz/web``) a worker
    was seen lately; 503 otherwise. Several workers alive on SQLite add a ``warning`` (still
    200: the jobs run, one at a time). No sign-in, no session, no host check
    (``followup.jobs.health``); says nothing secret. A 503 is not logged as a server error:
    a probe every few seconds would fill the log while a worker is down."""
    body: dict[str, object] = {}
    try:
        last = queries.latest_heartbeat()  # a trivial query: the database answers
    except DatabaseError:
        body["database"] = "unreachable"
        healthy = False
    else:
        body["database"] = "ok"
        healthy = True
        if worker and settings.TASKS_BACKEND_NAME != "database":
            body["worker"] = "not used"
        elif worker:
            age = None if last is None else queries.seconds_since(last)
            body["worker_last_seen_seconds"] = age
            healthy = age is not None and age <= settings.WORKER_STALE_SECONDS
            body["worker"] = "ok" if healthy else ("none" if age is None else "stale")
            if shared := queries.shared_sqlite_warning(settings.WORKER_STALE_SECONDS):
                body["warning"] = shared
    body["status"] = "ok" if healthy else "unavailable"
    response = HttpResponse(
        json.dumps(body, sort_keys=True),
        content_type="application/json",
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag
    return response
