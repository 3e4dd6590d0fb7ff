"""The test database migrated once for a run of several processes, while they collect the tests.

Each pytest-xdist process used to make its in-memory SQLite test database by running every
migration (Django's, allauth's and Followup's, about 120): some ten seconds of each process's
time, at the start of the run, for the same database each time. Here the run's first process
(xdist's controller, which runs no tests) starts one process that migrates a database file
(``python -m tests.template_db FOLDER RUN_FOLDER``, with the test settings, exactly as Django
makes a test database: ``migrate`` with ``run_syncdb``, then ``createcachetable``), and then
the data folder the command-line tests copy (tests/migrated.py), as soon as the run starts. The
test processes collect the tests meanwhile (about ten seconds); then, where Django would run the
migrations into the test database, the file is copied into it with SQLite's online backup.

Elsewhere (one process, or PostgreSQL) nothing changes: the test database is migrated as before.
A test process that finds no finished file (its builder failed, or had not started) migrates its
own database, as before.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# The folder of the database the run's processes copy, set by the run's first process for the
# processes it starts.
TEMPLATE = "FOLLOWUP_TEST_DATABASE_TEMPLATE"
DATABASE = "followup.sqlite3"
_BUILDERS: list[subprocess.Popen[bytes]] = []


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """In xdist's controller of an SQLite run, before it starts the test processes: start the
    processes that make the run's databases."""
    config = session.config
    if (
        os.environ.get("PYTEST_XDIST_WORKER")
        or not getattr(config.option, "numprocesses", None)
        or os.environ.get("DATABASE_URL")
        or not hasattr(config, "_tmp_path_factory")
    ):
        return
    shared: Path = config._tmp_path_factory.getbasetemp()  # each test process's folder's parent
    folder = shared / "template-database"
    root = str(config.rootpath)
    # One process, which makes the test database first, wanted as soon as the tests are
    # collected, then the command-line tests' data folder: the two at once slowed the collecting
    # processes down, and the first test that needs the folder runs some 13 s into the tests
    # (LONGEST_FIRST in tests/conftest.py), after it is made.
    command = [sys.executable, "-m", "tests.template_db", str(folder), str(shared)]
    quiet = subprocess.DEVNULL
    _BUILDERS.append(subprocess.Popen(command, cwd=root, stdout=quiet, stderr=quiet))
    os.environ[TEMPLATE] = str(folder)


def pytest_sessionfinish(session: pytest.Session) -> None:
    for builder in _BUILDERS:
        if builder.poll() is None:
            builder.kill()
        builder.wait()


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _build(folder: Path) -> None:
    """Migrate the database file in ``folder`` with the test settings, under the folder's lock."""
    with _locked(folder):
        if (folder / "done").exists():
            return
        data = folder / "var"
        data.mkdir(exist_ok=True)
        (data / DATABASE).unlink(missing_ok=True)  # what a process stopped halfway left
        os.environ.pop("DATABASE_URL", None)
        os.environ["FOLLOWUP_DATA_DIR"] = str(data)
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0, run_syncdb=True)
        call_command("createcachetable", verbosity=0)
        with sqlite3.connect(data / DATABASE) as database:
            database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        (folder / "done").touch()


def _finished(folder: Path) -> Path | None:
    """The database file, once its builder has finished; None if it failed."""
    with _locked(folder):
        done = (folder / "done").exists()
    return folder / "var" / DATABASE if done else None


@contextmanager
def _migrations_copied_from(template: Path) -> Iterator[None]:
    """Where Django would migrate an in-memory SQLite test database, copy ``template`` into it."""
    from django.core import management
    from django.core.management.base import BaseCommand
    from django.db import DEFAULT_DB_ALIAS, connections

    # Django's create_test_db imports call_command from django.core.management when it runs.
    original = management.call_command

    def call_command(command_name: BaseCommand | str, *args: Any, **options: Any) -> str:
        connection: Any = connections[options.get("database", DEFAULT_DB_ALIAS)]
        if (
            command_name != "migrate"
            or connection.vendor != "sqlite"
            or not connection.is_in_memory_db()
        ):
            return original(command_name, *args, **options)
        connection.ensure_connection()
        source = sqlite3.connect(template)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return ""

    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = original


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    """The test database, copied from the run's migrated file where there is one."""
    folder = os.environ.get(TEMPLATE)
    if fixturedef.argname != "django_db_setup" or not folder:
        return (yield)
    template = _finished(Path(folder))
    if template is None:
        return (yield)
    with _migrations_copied_from(template):
        return (yield)


if __name__ == "__main__":  # python -m tests.template_db FOLDER RUN_FOLDER
    from tests.migrated import made_in

    _build(Path(sys.argv[1]))
    made_in(Path(sys.argv[2]), Path(sys.argv[1]) / "var" / DATABASE)
