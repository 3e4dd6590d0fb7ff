"""Backup and restore round trips, compared row by row and byte by byte.

A demo installation on SQLite, with what the demo lacks added (tests/backup/enrich.py), is
backed up once for the module with ``followup backup``. Each test restores that archive with
``followup restore`` into an empty installation of its own, in a process of its own, and
compares every column of every row of every table, and every stored file, with the original
(tests/backup/rows.py). The PostgreSQL test runs when DATABASE_URL names a PostgreSQL server
(scripts/test.sh's second run); the SQLite one in the SQLite run.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.backup.enrich import FILES
from tests.backup.installations import Installation, PostgresServer, sqlite_installation
from tests.migrated import DATABASE

PASSPHRASE = "a long passphrase of several words"
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql://"))

# Tables the source must fill, so that comparing them means something: Django's, allauth's,
# many-to-many tables, the audit log and Followup's own.
FILLED = [
    "contenttypes.contenttype",
    "auth.permission",
    "auth.user",
    "auth.group",
    "auth.group_permissions",
    "auth.user_groups",
    "auth.user_user_permissions",
    "sessions.session",
    "admin.logentry",
    "account.emailaddress",
    "mfa.authenticator",
    "usersessions.usersession",
    "audit.auditentry",
    "partnerships.partnership",
    "partnerships.membership",
    "partnerships.areagroup_areas",
    "inspections.inspection",
    "inspections.recommendation",
    "plans.action",
    "plans.action_recommendations",
    "plans.actionupdate",
    "indicators.indicator",
    "indicators.datavalue",
    "indicators.importupload",
    "evidence.source",
    "evidence.coding",
    "evidence.quote",
    "reviews.progressreview",
    "reports.publication",
]


@pytest.fixture(scope="module")
def source(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("backup")
    template = migrated_sqlite / DATABASE
    installation = sqlite_installation(root / "source", template)
    installation.ok("demo")
    done = installation.python("-m", "tests.backup.enrich")
    assert done.returncode == 0, done.stderr
    archive = root / "source.zip"
    said = installation.ok("backup", "-o", str(archive))
    yield {
        "root": root,
        "template": template,
        "archive": archive,
        "said": said,
        "contents": installation.contents(),
    }


def verbs(contents: dict[str, Any]) -> list[str]:
    table = contents["tables"]["audit.auditentry"]
    return [row[table["columns"].index("verb")] for row in table["rows"]]


def assert_restored(original: dict[str, Any], restored: dict[str, Any], kept: list[str]) -> None:
    """Every table and file as in the original; the audit log is the original's, then the
    installation's own entries (``kept``, by verb), then the restore's."""
    assert restored["files"] == original["files"]
    assert sorted(restored["tables"]) == sorted(original["tables"])
    for name, table in original["tables"].items():
        if name == "jobs.workerheartbeat":  # the source's running workers, not its records
            assert restored["tables"][name]["rows"] == []
        elif name != "audit.auditentry":
            assert restored["tables"][name] == table, name
    log = original["tables"]["audit.auditentry"]
    after = restored["tables"]["audit.auditentry"]
    assert after["columns"] == log["columns"]
    assert after["rows"][: len(log["rows"])] == log["rows"]
    assert verbs(restored)[len(log["rows"]) :] == [*kept, "command.restore"]


def assert_new_ids_are_fresh(installation: Installation, restored: dict[str, Any]) -> None:
    """A new row's id is past every id the original ever gave: its users' (one of whom was
    deleted after being given the highest) and its audit log's."""
    users = restored["tables"]["auth.user"]["rows"]
    installation.ok("createuser", "newcomer", "--password-stdin", stdin=PASSPHRASE)
    after = installation.contents()
    assert after["tables"]["auth.user"]["rows"][:-1] == users
    assert after["tables"]["auth.user"]["rows"][-1][0] == max(row[0] for row in users) + 2
    entries = restored["tables"]["audit.auditentry"]["rows"]
    assert after["tables"]["audit.auditentry"]["rows"][-1][0] > max(r[0] for r in entries)


def test_the_source_fills_every_kind_of_table_and_the_archive_lists_it(source):
    tables = source["contents"]["tables"]
    assert [name for name in FILLED if not tables[name]["rows"]] == []
    stored = source["contents"]["files"].keys()
    # The files written by hand, the published summary's three files and the staged upload.
    reports = {name.rsplit("/", 1)[1] for name in stored if name.startswith("reports/")}
    assert {"report.docx", "report.html", "report.pdf"} <= reports
    assert FILES.keys() <= stored
    assert len([name for name in stored if name.startswith("uploads/indicators/")]) == 1
    assert len(stored) == len(FILES) + 4
    with zipfile.ZipFile(source["archive"]) as archive:
        names = set(archive.namelist())
    assert {f"files/{name}" for name in stored} <= names
    # Every table but the worker heartbeats, which say what runs beside the source.
    assert tables["jobs.workerheartbeat"]["rows"] != []
    assert not any(n.endswith("-jobs.workerheartbeat.jsonl") for n in names)
    assert len([n for n in names if n.startswith("database/")]) == len(tables) - 1
    backed_up = sum(len(t["rows"]) for n, t in tables.items() if n != "jobs.workerheartbeat")
    assert source["said"].startswith(f"Backed up {backed_up:,} rows")


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite run restores into SQLite")
def test_a_backup_restores_into_an_empty_sqlite_installation_exactly_and_only_once(source):
    target = sqlite_installation(source["root"] / "sqlite-target", source["template"])
    target.ok("load-framework", "--library")  # reference data, as set-up loads
    kept = verbs(target.contents())
    said = target.ok("restore", str(source["archive"]))
    assert "Replaced what the installation held before: " in said
    assert "frameworks.framework" in said
    restored = target.contents()
    assert_restored(source["contents"], restored, kept)

    again = target.run("restore", str(source["archive"]))
    assert again.returncode == 1
    assert again.stderr.startswith("restore: refused: this installation is not empty: it has 9 ")
    assert again.stderr.rstrip().endswith("Nothing was changed.")
    assert target.contents() == restored
    assert_new_ids_are_fresh(target, restored)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL naming a PostgreSQL server")
def test_a_sqlite_backup_restores_into_postgresql_and_on_into_postgresql_again_exactly(source):
    server = PostgresServer(POSTGRES_URL)
    root: Path = source["root"]
    try:
        template_url = server.database("template")
        Installation(root / "pg-template", template_url).ok("migrate")
        template = server.name_of(template_url)
        first = Installation(root / "pg-first", server.database("first", template))
        kept = ["command.migrate"]  # the template's own entry
        first.ok("restore", str(source["archive"]))
        restored = first.contents()
        assert_restored(source["contents"], restored, kept)

        # PostgreSQL to PostgreSQL: a backup of the restored installation, restored again.
        archive = root / "postgres.zip"
        first.ok("backup", "-o", str(archive))
        backed_up = first.contents()
        second = Installation(root / "pg-second", server.database("second", template))
        said = second.ok("restore", str(archive))
        assert "on postgresql." in said
        again = second.contents()
        assert_restored(backed_up, again, kept)

        assert_new_ids_are_fresh(second, again)
    finally:
        server.drop_all()
