"""A real ``followup worker``, in a process of its own, on a database of the module's own (a
SQLite file, or a PostgreSQL database beside the test run's when DATABASE_URL names one).

The killed-worker test runs its own workers, since it kills them; the others share one worker
for the module, started when first asked for and stopped by the last test with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

from tests.migrated import copy_database

REPO = Path(__file__).resolve().parents[2]
POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgresql")
IMPORT_ROWS = 100_000


@dataclass
class Place:
    folder: Path
    url: str
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # PostgreSQL: one connection for the test's reads, in autocommit, so that each sees what the
    # workers committed. A connection for each read, twenty a second while a test waits, cost
    # the server a process each.
    reader: Any = None

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=60) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        if self.reader is None:
            self.reader = psycopg.connect(self.url, autocommit=True)
        return list(self.reader.execute(sql, params).fetchall())

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    def one(self, sql: str, *params: Any) -> Any:
        return self.rows(sql, *params)[0][0]

    def job(self, pk: int) -> dict[str, Any]:
        columns = ("state", "done", "total", "attempts", "message", "task_id")
        values = self.rows(f"SELECT {', '.join(columns)} FROM jobs_job WHERE id = %s", pk)[0]
        return dict(zip(columns, values, strict=True))

    def world(self, *command: str) -> dict[str, Any]:
        made = subprocess.run(
            [sys.executable, "-m", "tests.jobs.worker_world", *command],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert made.returncode == 0, made.stderr
        return dict(json.loads(made.stdout.strip().splitlines()[-1]))

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "followup.cli", "worker", "--interval", "0.2"],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        return worker

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()


def wait_for(what: str, check: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"waited {seconds} s for {what}")


def _database_url(folder: Path) -> Iterator[str]:
    if not POSTGRESQL:
        yield f"sqlite:///{folder / 'followup.sqlite3'}"
        return
    import psycopg

    parsed = urlparse(os.environ["DATABASE_URL"])
    # One per pytest-xdist process, which may each run some of this module's tests.
    name = f"{parsed.path.lstrip('/')}_worker_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    server = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def place(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Place]:
    folder = tmp_path_factory.mktemp("worker")
    if not POSTGRESQL:  # the setup's migrate then has nothing to do
        copy_database(request.getfixturevalue("migrated_sqlite"), folder / "followup.sqlite3")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    for url in _database_url(folder):
        env = {
            **base,
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": url,
            "FOLLOWUP_SECRET_KEY": "worker-test-secret-key-not-for-any-deployment-0123456789abcdef",
            "FOLLOWUP_HTTPS": "false",
            "FOLLOWUP_DATA_DIR": str(folder / "var"),
            "FOLLOWUP_TASKS_BACKEND": "database",
            "FOLLOWUP_WORKER_HEARTBEAT_SECONDS": "1",
            "FOLLOWUP_WORKER_STALE_SECONDS": "5",
        }
        here = Place(folder, url, env)
        here.world("setup")
        try:
            yield here
        finally:
            here.close()
            for worker in here.workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait(timeout=30)


def killed(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=30) == -signal.SIGKILL


def test_a_killed_worker_leaves_no_half_written_publication_or_import(place):
    """kill -9 mid-job: the job's transaction is rolled back by the database, so nothing of it
    is written; a worker puts its task back in the queue once the dead one's heartbeat is
    stale, and it runs again from the start, once."""
    for running in place.workers:  # this test's workers only (the module's may have run first)
        if running.poll() is None:
            running.send_signal(signal.SIGTERM)
            running.wait(timeout=60)
    published = place.one("SELECT COUNT(*) FROM reports_publication")
    publishing = place.world("publish")["job"]
    first = place.start_worker("first")
    wait_for("the publishing job to start", lambda: place.job(publishing)["state"] == "running")
    killed(first)  # while it renders the report's three files
    assert place.one("SELECT COUNT(*) FROM reports_publication") == published
    assert place.job(publishing)["state"] == "running"  # until a worker finds its own stopped

    staged = place.world("import", str(IMPORT_ROWS))
    importing = staged["job"]
    second = place.start_worker("second")
    wait_for("the import to start", lambda: place.job(importing)["state"] == "running")
    if POSTGRESQL:  # progress is written as it goes, on a connection of its own
        wait_for("rows checked", lambda: place.job(importing)["done"] > 0)
        assert place.job(importing)["total"] == IMPORT_ROWS
    else:  # SQLite: one writer at a time, so the count is written when the import ends
        time.sleep(1)
    killed(second)  # in the middle of the import's one transaction
    figures = "SELECT COUNT(*) FROM indicators_datavalue v JOIN indicators_release r ON r.id = v.release_id WHERE r.name = %s"
    assert place.one(figures, staged["release"]) == 0
    applied = "SELECT applied_at FROM indicators_importupload WHERE id = %s"
    assert place.one(applied, staged["upload"]) is None

    third = place.start_worker("third")
    for job in (publishing, importing):
        wait_for(f"job {job} to be done", lambda job=job: place.job(job)["state"] == "done")
    assert place.rows("SELECT version FROM reports_publication ORDER BY version")[published:] == [
        (published + 1,)
    ]
    assert place.one(figures, staged["release"]) == IMPORT_ROWS
    assert place.one(applied, staged["upload"]) is not None
    task = "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s"
    for job in (publishing, importing):
        seen = place.job(job)
        assert (seen["attempts"], seen["done"], seen["total"]) == (
            2,
            seen["total"],
            IMPORT_ROWS if job == importing else 0,
        )
        # SQLite holds a UUID as 32 hex digits, PostgreSQL as a uuid.
        key = seen["task_id"] if POSTGRESQL else seen["task_id"].replace("-", "")
        # Once, under the whole suite's load, a finished job's task was found back in the queue
        # here: run again, it finds its job done and ends at once (the attempts stay 2).
        wait_for(
            "the task to succeed",
            lambda key=key: place.rows(task, key)[0][0] == "SUCCESSFUL",
        )
        workers = place.rows(task, key)[0][1]
        workers = json.loads(workers) if isinstance(workers, str) else workers
        assert len(workers) >= 2
        assert place.job(job)["attempts"] == 2
    assert "queued again" in place.log("third")
    third.send_signal(signal.SIGTERM)
    assert third.wait(timeout=60) == 0


@pytest.fixture(scope="module")
def worker(place: Place) -> subprocess.Popen[bytes]:
    started = place.start_worker("module")
    beats = "SELECT COUNT(*) FROM jobs_workerheartbeat WHERE pid = %s"
    wait_for("the worker's heartbeat", lambda: place.one(beats, started.pid) == 1)
    return started


def test_the_worker_records_a_heartbeat_and_shows_what_it_runs(place, worker):
    mine = "FROM jobs_workerheartbeat WHERE pid = %s"
    assert place.one(f"SELECT host {mine}", worker.pid) == os.uname().nodename[:255]
    job = place.world("publish")["job"]
    wait_for(
        "the heartbeat to name the job",
        lambda: "publish_report" in place.one(f"SELECT running {mine}", worker.pid),
    )
    wait_for("the job to be done", lambda: place.job(job)["state"] == "done")
    version = place.one("SELECT MAX(version) FROM reports_publication")
    assert place.job(job)["message"] == (
        f"Published version {version}. It is on the public page and never changes."
    )
    assert "Running publish_report" in place.log("module")


@pytest.mark.skipif(not POSTGRESQL, reason="several workers are for PostgreSQL (row locks)")
def test_two_workers_on_postgresql_run_each_job_once(place, worker):
    other = place.start_worker("other")
    both = "SELECT COUNT(*) FROM jobs_workerheartbeat WHERE pid IN (%s, %s)"
    wait_for("two heartbeats", lambda: place.one(both, worker.pid, other.pid) == 2)
    jobs = place.world("sleepers", "12")["jobs"]
    for job in jobs:
        wait_for(f"job {job}", lambda job=job: place.job(job)["state"] == "done", seconds=120)
    runs = place.rows(
        "SELECT t.worker_ids, j.attempts, j.message FROM jobs_job j "
        "JOIN django_tasks_database_dbtaskresult t ON t.id::text = j.task_id WHERE j.id = ANY(%s)",
        jobs,
    )
    assert len(runs) == 12
    assert all(len(workers) == 1 and attempts == 1 for workers, attempts, _ in runs)
    assert {message for _, _, message in runs} == {
        f"Ran in process {worker.pid}",
        f"Ran in process {other.pid}",
    }
    other.send_signal(signal.SIGTERM)
    assert other.wait(timeout=60) == 0


@pytest.mark.skipif(POSTGRESQL, reason="a second worker on SQLite")
def test_a_second_worker_on_sqlite_warns_as_it_starts(place, worker):
    second = place.start_worker("second-on-sqlite")
    wait_for("the second worker to start", lambda: "started" in place.log("second-on-sqlite"))
    said = place.log("second-on-sqlite")
    assert "WARNING followup.worker 2 workers are running on one SQLite database (" in said
    assert "Run one worker on SQLite" in said
    # The first was alone when it started. (It may warn of other things: a task a killed worker
    # of an earlier test left behind is queued again, with a warning, when it starts.)
    assert "workers are running on one SQLite database" not in place.log("module")
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0


def test_the_worker_stops_cleanly_on_sigterm_and_forgets_its_heartbeat(place, worker):
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    # Its own row is gone (the others' went stale and were cleared: the killed workers').
    assert place.one("SELECT COUNT(*) FROM jobs_workerheartbeat WHERE pid = %s", worker.pid) == 0
    assert "stopped" in place.log("module")
