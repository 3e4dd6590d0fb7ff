"""One local-mode data folder made by ``followup migrate`` for the whole test run, whose SQLite
database the tests that run ``followup`` in processes of their own copy instead of migrating one
each (about three seconds each, a dozen times a run). Where the run has made its test database
already (tests/template_db.py), the folder starts from a copy of it: the database then differs
from one migrated from nothing only by the audit entry of the migrations ``followup migrate``
applied, and their times.

The pytest-xdist processes share it: the first to ask makes it, under a lock in the run's
temporary folder, and the others wait for it and use it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

DATABASE = "followup.sqlite3"


def migrated_data_folder(factory: pytest.TempPathFactory) -> Path:
    """The data folder (its ``secret_key`` and its migrated database), made once for the run."""
    shared = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each process's own
    return made_in(shared)


def made_in(shared: Path, migrated: Path | None = None) -> Path:
    """The data folder made in the run's folder ``shared``, or made there already; the run's
    first process starts this in a process of its own while the tests are collected
    (tests/template_db.py), so that no test waits for it.

    ``migrated`` is a database file migrated already, the run's test database
    (tests/template_db.py): the folder starts from a copy of it, and ``followup migrate`` finds
    every migration applied and adds what the test settings leave out (the table of the shared
    cache). Migrating again from nothing took as long as making the test database itself,
    some twenty seconds of processor time while the tests ran."""
    folder = shared / "migrated"
    with (shared / "migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            _migrate(folder, migrated)
            (folder / "done").touch()
    return folder / "var"


def _migrate(folder: Path, migrated: Path | None) -> None:
    shutil.rmtree(folder, ignore_errors=True)  # what a process stopped halfway left
    folder.mkdir()
    if migrated is None:
        assert not (folder / "var").exists()  # local mode makes the data folder it is given
    else:
        # For Followup's user only, as the database ``followup migrate`` makes.
        copy_database(migrated.parent, folder / "var" / DATABASE).chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["FOLLOWUP_DATA_DIR"] = str(folder / "var")
    done = subprocess.run(
        [sys.executable, "-m", "followup.cli", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    # Everything in the database file itself, so that a copy of the file is the whole database.
    with sqlite3.connect(folder / "var" / DATABASE) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()


def copy_database(data_folder: Path, to: Path) -> Path:
    """A copy of the migrated database at ``to`` (a file), for Followup's user only as the one
    ``followup migrate`` makes, and the folders it is in; returns ``to``."""
    to.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copy2(data_folder / DATABASE, to)
    return to


if __name__ == "__main__":  # python -m tests.migrated RUN_FOLDER
    made_in(Path(sys.argv[1]))
