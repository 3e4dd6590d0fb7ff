"""``followup tick``: the scheduled housekeeping, safe to run at any time and as often as wanted."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from followup.accounts.models import LoginFailure
from followup.audit.models import AuditEntry
from followup.cli import build_parser
from followup.evidence.models import SurveyUpload
from followup.indicators.models import ImportUpload
from followup.jobs.models import Job, WorkerHeartbeat


def _tick(capsys: Any) -> str:
    args = build_parser().parse_args(["tick"])
    assert args.handler(args) == 0
    return str(capsys.readouterr().out)


def _task(status: str, *, finished_days_ago: int | None = None, worker: str = "") -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="followup.reports.tasks.publish_task",
        backend_name="default",
        run_after=now,
        started_at=None if status == "READY" else now,
        finished_at=None
        if finished_days_ago is None
        else now - datetime.timedelta(days=finished_days_ago),
        worker_ids=[worker] if worker else [],
    )


def test_a_tick_tidies_what_is_due_says_what_it_did_and_a_second_changes_nothing(world, capsys):
    long_ago = timezone.now() - datetime.timedelta(days=40)
    # A job whose worker was killed: its heartbeat is two minutes old.
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        host="h",
        pid=1,
        started_at=long_ago,
        last_seen=timezone.now() - datetime.timedelta(minutes=2),
    )
    abandoned = _task("RUNNING", worker="gone")
    job = Job.objects.create(
        partnership=world.home.partnership,
        kind=Job.Kind.PUBLISH,
        title="Publishing version 1",
        state=Job.State.RUNNING,
        task_id=str(abandoned.id),
    )
    old_done, recent_done = (
        _task("SUCCESSFUL", finished_days_ago=31),
        _task("SUCCESSFUL", finished_days_ago=1),
    )
    # Staged files never imported, older than FOLLOWUP_STAGED_UPLOAD_DAYS (7).
    SurveyUpload.objects.filter(pk=world.home.survey.pk).update(created_at=long_ago)
    ImportUpload.objects.filter(pk=world.away.upload.pk).update(created_at=long_ago)
    # An expired session and a sign-in failure older than the throttle's window.
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=long_ago)
    LoginFailure.objects.create(username="lead", ip_address="203.0.113.9", at=long_ago)
    sessions, failures = Session.objects.count(), LoginFailure.objects.count()

    assert _tick(capsys) == (
        "Jobs started again: 1.\n"
        "Staged surveys purged: 1.\n"
        "Staged data files purged: 1.\n"
        "Expired sessions deleted: 1.\n"
        "Sign-in throttle records deleted: 1.\n"
        "Finished tasks' queue rows deleted: 1.\n"
    )
    abandoned.refresh_from_db()
    job.refresh_from_db()
    assert (abandoned.status, job.state) == ("READY", Job.State.QUEUED)
    assert set(DBTaskResult.objects.values_list("id", flat=True)) == {abandoned.id, recent_done.id}
    assert not DBTaskResult.objects.filter(pk=old_done.pk).exists()
    assert not SurveyUpload.objects.filter(pk=world.home.survey.pk).exists()
    assert not ImportUpload.objects.filter(pk=world.away.upload.pk).exists()
    assert ImportUpload.objects.filter(pk=world.home.upload.pk).exists()  # not old enough
    assert (Session.objects.count(), LoginFailure.objects.count()) == (sessions - 1, failures - 1)
    entry = AuditEntry.objects.get(verb="command.tick")
    assert entry.actor_name.startswith("cli:")
    assert entry.changes["jobs started again"] == [None, 1], entry.changes
    assert AuditEntry.objects.filter(verb__in=["upload.purge", "survey.purge"]).count() == 2

    assert _tick(capsys) == "Nothing to do.\n"
    assert AuditEntry.objects.filter(verb="command.tick").count() == 1
