"""What the worker writes about itself and about the jobs of workers that stopped, run in this
process (tests/jobs/test_worker.py runs a real worker, in a subprocess, for the whole story)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from followup.jobs import actions
from followup.jobs.models import Job, WorkerHeartbeat
from tests.jobs.test_tick import _task


def _job(world: Any, task_id: str, state: str = Job.State.RUNNING) -> Job:
    return Job.objects.create(
        partnership=world.home.partnership,
        kind=Job.Kind.IMPORT,
        title="Importing",
        state=state,
        task_id=task_id,
    )


def test_a_worker_beats_updating_its_one_row_and_forgets_it_when_it_stops(db):
    actions.beat("w1", "")
    first = WorkerHeartbeat.objects.get(worker_id="w1")
    actions.beat("w1", "Publishing version 2" + "x" * 400)
    again = WorkerHeartbeat.objects.get(worker_id="w1")
    assert (again.pk, again.started_at) == (first.pk, first.started_at)
    assert again.running.startswith("Publishing version 2") and len(again.running) == 300
    assert again.last_seen >= first.last_seen
    actions.forget_worker("w1")
    assert not WorkerHeartbeat.objects.exists()


def test_a_stopped_workers_job_runs_again_until_three_attempts_then_fails(world):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="alive", host="h", pid=1, started_at=now, last_seen=now
    )
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        host="h",
        pid=2,
        started_at=now,
        last_seen=now - datetime.timedelta(minutes=5),
    )
    busy = _task("RUNNING", worker="alive")
    once = _task("RUNNING", worker="gone")
    thrice = _task("RUNNING", worker="gone")
    thrice.worker_ids = ["a", "b", "gone"]
    thrice.save()
    busy_job, once_job, thrice_job = (
        _job(world, str(busy.id)),
        _job(world, str(once.id)),
        _job(world, str(thrice.id)),
    )

    assert actions.recover_abandoned(60) == (1, 1)

    for row in (busy, once, thrice, busy_job, once_job, thrice_job):
        row.refresh_from_db()
    assert (busy.status, busy_job.state) == ("RUNNING", Job.State.RUNNING)
    assert (once.status, once_job.state) == ("READY", Job.State.QUEUED)
    assert once_job.stage == "Starting again: the worker running it stopped"
    assert (thrice.status, thrice_job.state) == ("FAILED", Job.State.FAILED)
    assert thrice.traceback == "the worker stopped during each of 3 attempts"
    assert thrice_job.message == (
        "The worker running this job stopped during each of 3 attempts. Nothing was changed."
    )
    # The stale worker's row goes; the live one's stays.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    assert actions.recover_abandoned(60) == (0, 0)


def test_progress_is_kept_on_the_job_and_written_only_when_others_may_read_it(
    world, monkeypatch: pytest.MonkeyPatch
):
    job = _job(world, "t")
    actions.report_progress(job, 10, 200, "Checking")
    assert (job.done, job.total, job.stage) == (10, 200, "Checking")
    assert Job.objects.get(pk=job.pk).done == 0  # not written: nobody is following it live
    monkeypatch.setattr(actions, "live_progress", True)
    actions.report_progress(job, 20, 200, "Writing")
    # Inside the test's transaction: on SQLite nothing can be written beside it; on PostgreSQL
    # the side connection writes outside it, and cannot see this uncommitted row.
    assert Job.objects.get(pk=job.pk).done == 0
    actions.close_side_connection()
    actions.close_side_connection()  # twice is harmless


@pytest.mark.django_db(transaction=True)
def test_progress_outside_a_transaction_is_written_at_once(monkeypatch: pytest.MonkeyPatch):
    from followup.partnerships.models import Partnership

    partnership = Partnership.objects.create(slug="progress", name="Progress (fictional)")
    job = Job.objects.create(partnership=partnership, kind=Job.Kind.IMPORT, title="Importing")
    monkeypatch.setattr(actions, "live_progress", True)
    actions.report_progress(job, 5, 9, "Writing")
    assert Job.objects.values_list("done", "total", "stage").get(pk=job.pk) == (5, 9, "Writing")


def test_a_job_told_to_try_again_later_fails_saying_so_and_changes_nothing(world):
    from followup.jobs.runner import run_job
    from followup.lib.types import TryAgainLater

    job = _job(world, "t1", state=Job.State.QUEUED)
    job.started_by = world.users["lead"]
    job.save(update_fields=["started_by"])

    def figures_moving(*args: Any, **kwargs: Any) -> Any:
        raise TryAgainLater("The figures were being imported while the report read them.")

    run_job(job.pk, figures_moving)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.message == (
        "The figures were being imported while the report read them. "
        "Start it again in a minute. Nothing was changed."
    )
