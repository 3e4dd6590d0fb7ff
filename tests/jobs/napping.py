"""A task for counting which worker ran what (tests/jobs/test_worker.py): it takes half a second,
changes nothing, and says which process ran it."""

from __future__ import annotations

import os
import time
from typing import Any

from django_tasks import task

from followup.jobs.runner import Done, run_job


def _work(job: Any, user: Any, progress: Any) -> Done:
    time.sleep(0.5)
    return Done(f"Ran in process {os.getpid()}", "/")


@task()
def nap(job_id: int) -> None:
    run_job(job_id, _work)
