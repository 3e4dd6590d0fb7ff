"""``followup worker``: django-tasks-db's database worker, with a heartbeat and a recovery.

The worker claims one task at a time with a row lock (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite's exclusive transaction elsewhere), so several workers run each task once.

Every ``FOLLOWUP_WORKER_HEARTBEAT_SECONDS`` a thread writes the worker's row (its id, host,
process id, when it was last seen and what it runs): ``/healthz`` reads it. On SIGTERM or
SIGINT the worker finishes the task it is running, deletes its row and stops; a second signal
stops it at once, and the task is marked failed (its transaction rolled back).

A worker killed outright (``kill -9``, a lost machine) leaves its task marked running, and its
row goes stale. Its work ran in one transaction, which the database rolled back when its
connection died, so nothing of it was written: the next heartbeat of any worker puts the task
back in the queue, to run again from the beginning. A task whose workers stopped three times
(it may be what stops them) is marked failed instead, and its job says so.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import DatabaseError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from followup.jobs import actions, queries

logger = logging.getLogger("followup.worker")


class Heartbeat(threading.Thread):
    """Writes the worker's row every few seconds, and recovers abandoned tasks."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.running = ""
        self.stopping = threading.Event()

    def beat(self) -> None:
        actions.beat(self.worker_id, self.running)

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                    actions.recover_abandoned(settings.WORKER_STALE_SECONDS)
                except DatabaseError as error:  # SQLite busy with a long job: next time
                    logger.warning("Heartbeat not written: %s", error)
                    close_old_connections()
        finally:
            connection.close()


class FollowupWorker(Worker):
    """django-tasks-db's worker, saying what it runs in its heartbeat and in its log."""

    heartbeat: Heartbeat

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        what = f"{db_task_result.task_name} {db_task_result.args_kwargs.get('kwargs', {})}"
        logger.info("Running %s (task %s)", what, db_task_result.id)
        self.heartbeat.running = what
        try:
            super().run_task(db_task_result)
        finally:
            self.heartbeat.running = ""
            actions.close_side_connection()
        logger.info("Finished task %s: %s", db_task_result.id, db_task_result.status)


def run_worker(*, interval: float, worker_id: str = "", batch: bool = False) -> None:
    """Run until stopped (or, with ``batch``, until the queue is empty)."""
    worker_id = worker_id or f"{socket.gethostname()[:20]}-{os.getpid()}-{get_random_string(8)}"
    actions.live_progress = True
    heartbeat = Heartbeat(worker_id)
    heartbeat.beat()
    actions.recover_abandoned(settings.WORKER_STALE_SECONDS)
    if shared := queries.shared_sqlite_warning(settings.WORKER_STALE_SECONDS):
        logger.warning(shared)
    worker = FollowupWorker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.heartbeat = heartbeat
    # The signals are handled before the worker says it started, so that a SIGTERM sent as soon
    # as it says so (a service manager's, or a test's) stops it cleanly rather than killing it.
    worker.configure_signals()
    try:
        logger.info(
            "Worker %s started on %s (pid %d); stop it with Ctrl+C or SIGTERM",
            worker_id,
            socket.gethostname(),
            os.getpid(),
        )
        heartbeat.start()
        worker.run()
    finally:
        heartbeat.stopping.set()
        worker.reset_signals()
        _goodbye(worker_id)


def _goodbye(worker_id: str) -> None:
    try:
        close_old_connections()
        actions.forget_worker(worker_id)
    except DatabaseError as error:
        logger.warning("Heartbeat row not deleted: %s", error)
    logger.info("Worker %s stopped", worker_id)
