"""Large downloads prepared in the background: above ``FOLLOWUP_BACKGROUND_EXPORT_ROWS`` rows, a
download's address shows a page with a button (a GET never starts a job), whose POST starts the
export's job and goes to its page; the task writes the file through the storage API, and the
job's page then gives it to the person who asked for it (``jobs.views.download``), for
``FOLLOWUP_EXPORT_DAYS``.

The task writes exactly the bytes the download would have sent that person, from the same code:
a domain app's table or file, checked again as they run (they may have lost the right since).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from followup.jobs.actions import start_job
from followup.jobs.models import Job
from followup.jobs.runner import Progress
from followup.partnerships.access import Capability
from followup.partnerships.models import Partnership

T = TypeVar("T")
# A temporary file is kept in memory up to this size, then on disk.
IN_MEMORY = 8 * 1024 * 1024
# Progress is written every this many rows.
EVERY = 1_000


def in_background(count: int) -> bool:
    """Whether a download of ``count`` rows is prepared by a job."""
    return count > settings.BACKGROUND_EXPORT_ROWS


def start_page(
    request: HttpRequest,
    partnership: Partnership,
    *,
    heading: str,
    what: str,
    title: str,
    capability: Capability,
    task: Any,
    arguments: dict[str, Any],
) -> HttpResponse:
    """The page a large download's address shows (GET), and its button (POST), which starts the
    job and goes to its page. ``what`` says how large it is ("60,000 excerpts")."""
    if request.method == "POST":
        job = start_job(
            request.user,
            partnership,
            kind=Job.Kind.EXPORT,
            title=title,
            capability=capability,
            task=task,
            arguments=arguments,
        )
        return redirect("jobs:job", partnership.slug, job.pk)
    return render(
        request,
        "jobs/export_start.html",
        {
            "partnership": partnership,
            "heading": heading,
            "what": what,
            "days": settings.EXPORT_DAYS,
        },
    )


def temporary_file() -> IO[bytes]:
    """Where a task writes its file before it is stored: closed by ``jobs.runner`` once kept."""
    return tempfile.SpooledTemporaryFile(max_size=IN_MEMORY, mode="w+b")


def counted(rows: Iterable[T], progress: Progress, total: int) -> Iterator[T]:
    """``rows``, reporting every ``EVERY`` of ``total`` written to the job's page."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % EVERY == 0:
            progress(done, total)
    progress(done, total)
