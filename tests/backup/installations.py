"""Installations of their own for the backup tests: each a data folder (its SQLite database or
its PostgreSQL database's URL, and its stored files), driven through the ``followup`` command in
a process of its own, as an operator would.

A migrated SQLite database is made once for the test run and copied (tests/migrated.py); a
migrated PostgreSQL database once and used as the template of the others (``CREATE DATABASE
... TEMPLATE``), which saves a ``followup migrate`` of about ten seconds for each installation.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-only-secret-key-not-for-any-real-deployment-0123456789"


@dataclass
class Installation:
    data_dir: Path
    database_url: str = ""  # empty: SQLite in the data folder

    @property
    def files(self) -> Path:
        return self.data_dir / "files"

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FOLLOWUP_", "DJANGO_")) and key != "DATABASE_URL"
        }
        env.update(
            FOLLOWUP_DATA_DIR=str(self.data_dir),
            FOLLOWUP_SECRET_KEY=SECRET,
            FOLLOWUP_HTTPS="false",
            DJANGO_SETTINGS_MODULE="followup.settings",
            PYTHONPATH=str(ROOT),
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """``followup ARGS`` in this installation."""
        return self.python("-m", "followup.cli", *args, stdin=stdin)

    def python(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=self.environment(),
            input=stdin,
            cwd=ROOT,
            timeout=600,
        )

    def ok(self, *args: str, stdin: str | None = None) -> str:
        done = self.run(*args, stdin=stdin)
        assert done.returncode == 0, f"followup {' '.join(args)}: {done.stderr}"
        return done.stdout

    def contents(self) -> dict[str, Any]:
        """Every row of every table, and every stored file's digest (tests/backup/rows.py)."""
        done = self.python("-m", "tests.backup.rows")
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))


def sqlite_installation(folder: Path, template: Path) -> Installation:
    """An installation whose database is a copy of ``template``, a migrated SQLite database
    (the test run's, tests/migrated.py)."""
    folder.mkdir(parents=True)
    shutil.copyfile(template, folder / "followup.sqlite3")
    return Installation(folder)


class PostgresServer:
    """The test run's PostgreSQL server (from DATABASE_URL), where databases named after the
    test database's are made and dropped."""

    def __init__(self, url: str) -> None:
        self.url = urlparse(url)
        self.prefix = f"{self.url.path.lstrip('/')}_rt{os.getpid()}"
        self.made: list[str] = []

    def url_of(self, name: str) -> str:
        return urlunparse(self.url._replace(path=f"/{name}"))

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url_of("postgres"), autocommit=True) as connection:
            connection.execute(statement.encode())

    def database(self, name: str, template: str = "") -> str:
        """A new database's URL (empty, or a copy of ``template``)."""
        full = f"{self.prefix}_{name}"
        self._sql(f'DROP DATABASE IF EXISTS "{full}"')
        self._sql(f'CREATE DATABASE "{full}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(full)
        return self.url_of(full)

    def name_of(self, url: str) -> str:
        return urlparse(url).path.lstrip("/")

    def drop_all(self) -> None:
        for name in reversed(self.made):
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
