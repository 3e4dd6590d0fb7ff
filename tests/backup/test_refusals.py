"""A restore refuses a damaged archive, one from another schema, and an installation that is
not empty, naming what is wrong, and changes nothing; a restore that fails while loading leaves
no file behind. These run in the test process, on its own (empty) test database: the archive is
a backup of that database and of a few stored files, damaged in one way a test."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import stat
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from followup.audit.models import AuditEntry
from followup.backup import restore as restore_module
from followup.backup.make import stored_files, write_backup
from followup.backup.restore import restore_backup
from followup.cli_backup import cmd_backup, cmd_restore
from followup.lib.types import CommandLine
from tests import factories as f
from tests.backup.folders import store_files_in, stored_files_folder
from tests.backup.installations import Installation

STORED = {"reports/one.pdf": b"%PDF-1.7 " + bytes(range(256)), "naïve.txt": b"caf\xc3\xa9\n"}


def state() -> dict[str, Any]:
    """Rows a table, the audit log's entries and the stored files: what a refusal must leave."""
    from django.core.files.storage import storages

    counts = {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    entries = list(AuditEntry.objects.order_by("pk").values_list("pk", "verb"))
    return {"counts": counts, "entries": entries, "files": stored_files(storages["default"])}


@pytest.fixture
def good(db: Any, settings: Any, tmp_path: Path) -> Path:
    """A backup of the empty test database and two stored files; then an empty storage."""
    store_files_in(settings, tmp_path / "source-files")
    for name, data in STORED.items():
        path = stored_files_folder() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    archive = tmp_path / "good.zip"
    write_backup(str(archive), CommandLine("tests"))
    store_files_in(settings, tmp_path / "files")
    return archive


def restore(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cmd_restore(argparse.Namespace(file=str(path)))
    return status, capsys.readouterr().err


def copy(
    good: Path,
    bad: Path,
    replace: dict[str, bytes | None] | None = None,
    add: list[tuple[zipfile.ZipInfo | str, bytes]] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
) -> Path:
    """A copy of the good archive with members replaced (None: left out) or added, or its
    manifest changed."""
    replace = dict(replace or {})
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "manifest.json" and manifest is not None:
                text = json.loads(data)
                manifest(text)
                data = json.dumps(text).encode()
            if info.filename in replace:
                data = replace.pop(info.filename)  # type: ignore[assignment]
                if data is None:
                    continue
            out.writestr(info.filename, data)
        for name, data in add or []:
            out.writestr(name, data)
    return bad


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def declared_size(archive: Path, name: str, size: int) -> Path:
    """Make the archive's directory declare ``size`` bytes for the member ``name``."""
    data = bytearray(archive.read_bytes())
    start = 0
    while True:
        start = data.index(b"PK\x01\x02", start)
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + length].decode() == name:
            struct.pack_into("<L", data, start + 24, size)
            break
        start += 46
    archive.write_bytes(bytes(data))
    return archive


def drop_migration(manifest: dict[str, Any]) -> None:
    manifest["database"]["migrations"].remove("reports.0001_initial")


def newer_format(manifest: dict[str, Any]) -> None:
    manifest["format_version"] = 2


def wrong_size(manifest: dict[str, Any]) -> None:
    manifest["members"]["files/naïve.txt"]["size"] = 5


def not_an_object(manifest: dict[str, Any]) -> None:
    manifest.clear()


def bad_digest_field(manifest: dict[str, Any]) -> None:
    manifest["members"]["files/naïve.txt"]["sha256"] = "not hex"


DAMAGE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "a changed byte": (
        lambda g, b: copy(g, b, replace={"files/naïve.txt": b"cafe\xcc\n"}),
        "the member 'files/naïve.txt' does not match its SHA-256 digest in the manifest: it has "
        "been changed or damaged",
    ),
    "a missing member": (
        lambda g, b: copy(g, b, replace={"files/reports/one.pdf": None}),
        "the archive lacks 'files/reports/one.pdf', which its manifest lists",
    ),
    "an extra member": (
        lambda g, b: copy(g, b, add=[("files/extra.txt", b"more")]),
        "the archive holds 'files/extra.txt', which its manifest does not list",
    ),
    "a truncated file": (
        lambda g, b: written(b, g.read_bytes()[: g.stat().st_size // 2]),
        "is not a Followup backup, or it is damaged or cut short: it is not a readable ZIP "
        "archive (its directory, at the end, is missing or corrupt)",
    ),
    "not an archive": (
        lambda g, b: written(b, b"area,value\n"),
        "it is not a readable ZIP archive",
    ),
    "an unreadable manifest": (
        lambda g, b: copy(g, b, replace={"manifest.json": b"{not json"}),
        "its manifest.json is not readable JSON (Expecting property name enclosed in double quotes",
    ),
    "no manifest": (
        lambda g, b: copy(g, b, replace={"manifest.json": None}),
        "the archive has no manifest.json: it is not a Followup backup",
    ),
    "a member named ../x": (
        lambda g, b: copy(g, b, add=[("../x", b"escape")]),
        "the member '../x' has a path with an empty, '.' or '..' part; a backup never has one",
    ),
    "a member inside files/ climbing out": (
        lambda g, b: copy(g, b, add=[("files/../../x", b"escape")]),
        "the member 'files/../../x' has a path with an empty, '.' or '..' part",
    ),
    "an absolute member name": (
        lambda g, b: copy(g, b, add=[("/etc/cron.d/x", b"escape")]),
        "the member '/etc/cron.d/x' has an absolute path; a backup never has one",
    ),
    "a link": (
        lambda g, b: copy(g, b, add=[(link("files/link"), b"/etc/passwd")]),
        "the member 'files/link' is a link; a backup holds only files",
    ),
    "a folder": (
        lambda g, b: copy(g, b, add=[("files/folder/", b"")]),
        "the member 'files/folder/' ",
    ),
    "a huge declared size": (
        lambda g, b: declared_size(copy(g, b), "files/naïve.txt", 0xFFFFFF00),
        "the member 'files/naïve.txt' declares 4,294,967,040 bytes, more than its",
    ),
    "a size unlike the manifest's": (
        lambda g, b: copy(g, b, manifest=wrong_size),
        "the member 'files/naïve.txt' declares 6 bytes, and the manifest 5",
    ),
    "a manifest of nothing": (
        lambda g, b: copy(g, b, manifest=not_an_object),
        "its manifest.json is not a Followup backup's: 'format' must be 'followup-backup'",
    ),
    "a manifest with a malformed digest": (
        lambda g, b: copy(g, b, manifest=bad_digest_field),
        "its manifest.json is not a Followup backup's: members['files/naïve.txt'].sha256 must "
        "be 64 hex digits",
    ),
    "a newer format": (
        lambda g, b: copy(g, b, manifest=newer_format),
        "the backup's format is version 2, and this Followup reads version 1",
    ),
    "another schema": (
        lambda g, b: copy(g, b, manifest=drop_migration),
        "with another database schema: this installation has 1 migration the backup lacks "
        "(reports.0001_initial). Restore it with the release that made it, then upgrade",
    ),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_archive_is_refused_naming_what_is_wrong_and_nothing_changes(
    damage, good, tmp_path, capsys
):
    make, message = DAMAGE[damage]
    bad = make(good, tmp_path / "bad.zip")
    before = state()
    status, said = restore(bad, capsys)
    assert status == 1
    assert said.startswith("restore: refused: ")
    assert message in said
    assert said.rstrip().endswith("Nothing was changed.")
    assert state() == before


def test_the_good_archive_restores_into_the_empty_test_database(good, capsys):
    """The archive is this database's own backup: its rows come back with their ids, then the
    installation's own audit entries (the backup's record, again) and the restore's."""
    before = state()
    assert [verb for _, verb in before["entries"]] == ["command.backup"]
    status, said = restore(good, capsys)
    assert (status, said) == (0, "")
    after = state()
    assert after["files"] == sorted(STORED)
    assert after["counts"] == before["counts"] | {"audit.auditentry": 3}
    assert after["entries"][0] == before["entries"][0]
    assert [verb for _, verb in after["entries"]] == [
        "command.backup",
        "command.backup",
        "command.restore",
    ]
    assert after["entries"][1][0] > after["entries"][0][0]
    backup, _, restored = AuditEntry.objects.order_by("pk")
    assert (backup.actor_id, backup.actor_name) == (None, "cli:tests")
    assert backup.object_repr == f"followup backup -o {good}"
    assert restored.actor_id is None and restored.actor_name.startswith("cli:")
    assert restored.object_repr == f"followup restore {good}"
    manifest = json.loads(zipfile.ZipFile(good).read("manifest.json"))
    assert restored.changes["backup"] == [
        None,
        {
            "created": manifest["created"],
            "followup_version": manifest["followup_version"],
            "database": manifest["database"]["vendor"],
            "rows": sum(table["rows"] for table in manifest["tables"]),
            "files": 2,
        },
    ]
    assert restored.changes["replaced"][1] == {
        name: count
        for name, count in before["counts"].items()
        if count and name != "audit.auditentry"
    }


def test_an_installation_with_people_or_partnerships_is_refused(good, capsys):
    f.UserFactory(username="someone")
    f.UserFactory(username="someone-else")
    f.PartnershipFactory(slug="there")
    before = state()
    status, said = restore(good, capsys)
    assert status == 1
    assert said == (
        "restore: refused: this installation is not empty: it has 2 user accounts, 1 "
        "partnership. A backup is restored into a new installation: create an empty database "
        "(and an empty storage), run 'followup migrate', then 'followup restore'. Nothing was "
        "changed.\n"
    )
    assert state() == before


def test_an_installation_with_a_stored_file_is_refused(good, settings, capsys):
    (stored_files_folder() / "left").mkdir(parents=True)
    (stored_files_folder() / "left" / "over.txt").write_bytes(b"x")
    before = state()
    status, said = restore(good, capsys)
    assert status == 1
    assert "this installation is not empty: it has 1 stored file. " in said
    assert state() == before


def test_a_load_that_fails_removes_the_files_it_wrote_and_changes_nothing(good, tmp_path, capsys):
    """Rows whose digests are right but which break a foreign key: found while loading, after
    the files were written."""
    with zipfile.ZipFile(good) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        [member] = [t["member"] for t in manifest["tables"] if t["model"] == "auth.permission"]
        # The first permission's content type, whatever its id (a test that empties the
        # database before this one, in the same process, leaves the content types new ids).
        rows, changed = re.subn(
            rb'"content_type": \d+,', b'"content_type": 999999,', archive.read(member), count=1
        )
    assert changed == 1

    def fixed(text: dict[str, Any]) -> None:
        text["members"][member] = {"sha256": hashlib.sha256(rows).hexdigest(), "size": len(rows)}

    bad = copy(good, tmp_path / "bad.zip", replace={member: rows}, manifest=fixed)
    before = state()
    status, said = restore(bad, capsys)
    assert status == 1
    assert said.startswith("restore: refused: the backup's rows break the database's constraints")
    assert state() == before
    assert before["files"] == []


def test_a_backup_never_overwrites_a_file(db, tmp_path, capsys):
    existing = tmp_path / "backup.zip"
    existing.write_bytes(b"an earlier backup")
    status = cmd_backup(argparse.Namespace(output=str(existing)))
    assert status == 1
    assert capsys.readouterr().err == (
        f"backup: {existing} exists already; a backup never overwrites a file.\n"
    )
    assert existing.read_bytes() == b"an earlier backup"
    assert list(tmp_path.iterdir()) == [existing]


def test_the_restore_function_returns_what_it_replaced(good):
    restored = restore_backup(str(good), CommandLine("tests"))
    assert restored.replaced["auth.permission"] > 0
    assert "audit.auditentry" not in restored.replaced
    assert restored.manifest.files == sorted(STORED)


def test_a_database_never_migrated_is_told_to_migrate_first(good, monkeypatch, capsys):
    monkeypatch.setattr(restore_module, "applied_migrations", lambda using: [])
    before = state()
    status, said = restore(good, capsys)
    assert status == 1
    assert said == (
        "restore: refused: the database has no tables yet: run 'followup migrate' first, then "
        "restore. Nothing was changed.\n"
    )
    assert state() == before


def test_a_restore_into_a_data_folder_with_no_database_refuses_and_makes_nothing(good, tmp_path):
    """Run as an operator would, in a process of its own: in local mode (no secret key set)
    into a folder not made yet, and with a key set into an empty folder. Neither gets a
    database file, a secret key or a folder of static files."""
    for local, folder in [(True, tmp_path / "new" / "data"), (False, tmp_path / "empty")]:
        if not local:
            folder.mkdir()
        env = Installation(folder).environment()
        if local:
            del env["FOLLOWUP_SECRET_KEY"], env["FOLLOWUP_HTTPS"]
        done = subprocess.run(
            [sys.executable, "-m", "followup.cli", "restore", str(good)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            f"restore: refused: there is no database at {folder / 'followup.sqlite3'} yet: run "
            "'followup migrate' first (it makes one), then restore. Nothing was changed.\n"
        )
        if local:
            assert not (tmp_path / "new").exists()
        else:
            assert list(folder.iterdir()) == []


def test_someone_writing_during_the_restore_stops_it_and_the_files_go(good, monkeypatch, capsys):
    """A person added between the checks and the load: the load finds them, and stops."""
    real = restore_module._write_files

    def write_then_someone_arrives(*args, **kwargs):
        real(*args, **kwargs)
        f.UserFactory(username="early-bird")

    monkeypatch.setattr(restore_module, "_write_files", write_then_someone_arrives)
    status, said = restore(good, capsys)
    assert status == 1
    assert said.startswith(
        "restore: refused: this installation stopped being empty: it has 1 user account."
    )
    assert state()["files"] == []
