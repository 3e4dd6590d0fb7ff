"""What every job's task does around its work: start the job, report progress, and end it done
with a link to the result, or failed with a plain reason and nothing changed.

The work (``Work``) is a domain app's: it calls the app's own action as the person who started
the job, so the action checks their permission again as it runs (they may have lost it since),
writes in its own transaction and records its audit entry. An error in it rolls that transaction
back, so a failed job has changed nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from followup.jobs import actions
from followup.jobs.models import Job
from followup.lib.types import TryAgainLater

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Done:
    message: str
    result_url: str
    file: actions.ExportFile | None = None  # an export's, shown on the job's page


class Progress:
    """Handed to the work: ``progress(done, total)`` at the current stage, or a new stage."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def stage(self, text: str, total: int = 0) -> None:
        actions.report_progress(self.job, 0, total, text)

    def __call__(self, done: int, total: int) -> None:
        actions.report_progress(self.job, done, total, self.job.stage)


Work = Callable[[Job, User, Progress], Done]


def run_job(job_id: int, work: Work) -> None:
    job = Job.objects.select_related("partnership", "started_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return  # deleted with its partnership, or ended already
    actions.begin_job(job)
    user = job.started_by
    if user is None or not user.is_active:
        actions.fail_job(job, "The person who started this job no longer has an active account.")
        return
    try:
        done = work(job, user, Progress(job))
    except (PermissionDenied, Http404):
        actions.fail_job(job, "You no longer have permission to do this.")
    except ValidationError as error:
        actions.fail_job(job, " ".join(error.messages))
    except TryAgainLater as error:
        actions.fail_job(job, f"{error} Start it again in a minute.")
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.title)
        actions.fail_job(
            job, "An unexpected error stopped the job; it is in the worker's log for the operator."
        )
    else:
        _finish(job, done)


def _finish(job: Job, done: Done) -> None:
    """End the job done, storing an export's file (then closing its temporary file)."""
    try:
        actions.finish_job(job, message=done.message, result_url=done.result_url, file=done.file)
    except Exception:
        logger.exception("Job %s (%s): its result could not be kept", job.pk, job.title)
        actions.fail_job(
            job, "Its result could not be kept; the worker's log says why, for the operator."
        )
    finally:
        if done.file is not None:
            done.file.content.close()
