"""What ``followup backup`` promises about the file it writes and how it reads the tables."""

from __future__ import annotations

import argparse
import stat
import zipfile

import pytest
from django.contrib.auth.models import Permission

from followup.backup import make, tables
from followup.cli_backup import cmd_backup
from tests.backup.folders import store_files_in


def test_a_backup_is_readable_by_its_owner_only_and_says_what_it_holds(
    db, settings, tmp_path, capsys
):
    store_files_in(settings, tmp_path / "files")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "one.txt").write_bytes(b"one")
    archive = tmp_path / "backup.zip"
    assert cmd_backup(argparse.Namespace(output=str(archive))) == 0
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    said = capsys.readouterr().out
    assert said.endswith(
        f"tables and 1 stored files (0 KB) to {archive}. It holds personal data: keep it "
        "encrypted (docs/deploy.md).\n"
    )
    with zipfile.ZipFile(archive) as opened:
        assert opened.read("files/one.txt") == b"one"
        assert "manifest.json" in opened.namelist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.zip", "files"]


def test_a_backup_that_fails_leaves_no_file_behind(db, settings, tmp_path, monkeypatch, capsys):
    store_files_in(settings, tmp_path / "files")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(make, "_write_files", broken)
    status = cmd_backup(argparse.Namespace(output=str(tmp_path / "backup.zip")))
    assert status == 1
    assert capsys.readouterr().err == (
        f"backup: cannot write {tmp_path / 'backup.zip'}: No space left on device.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_tables_are_read_in_primary_key_order_a_batch_at_a_time(db, monkeypatch):
    monkeypatch.setattr(tables, "BATCH_ROWS", 7)
    batches = list(tables.rows_in_pk_order(Permission, "default"))
    assert max(len(batch) for batch in batches) == 7
    ids = [row.pk for batch in batches for row in batch]
    assert ids == list(Permission.objects.order_by("pk").values_list("pk", flat=True))
    assert len(batches) == -(-len(ids) // 7)


@pytest.mark.parametrize("name", ["a/../b", "/abs", "C:/x", "a\\b", "a//b", "", "tab\there"])
def test_a_stored_file_with_a_name_a_restore_would_refuse_stops_the_backup(
    name, db, settings, tmp_path, monkeypatch
):
    store_files_in(settings, tmp_path / "files")
    monkeypatch.setattr(make, "stored_files", lambda storage: [name])
    with pytest.raises(make.BackupError, match="which a restore would refuse; rename it"):
        make.write_backup(str(tmp_path / "backup.zip"), make.CommandLine("tests"))
    assert not (tmp_path / "backup.zip").exists()


@pytest.mark.parametrize("link", ["reports/key.txt", "etc/inside.txt"])
def test_a_link_in_the_storage_folder_stops_the_backup_so_no_outside_file_is_copied(
    link, db, settings, tmp_path
):
    secret = tmp_path / "outside" / "inside.txt"
    secret.parent.mkdir()
    secret.write_bytes(b"a secret key")
    folder = store_files_in(settings, tmp_path / "files")
    (folder / "reports").mkdir(parents=True)
    if link == "reports/key.txt":
        (folder / "reports" / "key.txt").symlink_to(secret)
    else:
        (folder / "etc").symlink_to(secret.parent)  # a linked folder: its files are listed too
    with pytest.raises(make.BackupError, match=f"'{link}' is a link, which Followup never makes"):
        make.write_backup(str(tmp_path / "backup.zip"), make.CommandLine("tests"))
    assert not (tmp_path / "backup.zip").exists()


def test_the_progress_bar_is_drawn_for_a_person_at_a_terminal_only(monkeypatch, capsys):
    import sys

    from followup.cli_backup import ProgressBar

    ProgressBar({"tables": "reading tables"})("tables", 5, 10)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = ProgressBar({"tables": "reading tables", "files": "copying files"})
    bar("tables", 5, 10)
    bar("files", 2048, 4096)
    bar.close()
    assert capsys.readouterr().err == (
        "\r  reading tables [###############               ] 5 of 10 rows   \n"
        "\r  copying files  [###############               ] 2 KB of 4 KB   \n"
    )


def test_a_database_that_cannot_be_read_is_one_line_and_no_file(db, tmp_path, monkeypatch, capsys):
    from django.db import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(make, "_write_members", locked)
    status = cmd_backup(argparse.Namespace(output=str(tmp_path / "backup.zip")))
    assert status == 1
    assert capsys.readouterr().err == (
        "backup: the database could not be read (database is locked); no backup was written.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_backup_is_never_written_into_the_folder_it_copies(db, settings, tmp_path, capsys):
    store_files_in(settings, tmp_path / "files")
    (tmp_path / "files").mkdir()
    status = cmd_backup(argparse.Namespace(output=str(tmp_path / "files" / "backup.zip")))
    assert status == 1
    assert capsys.readouterr().err == (
        f"backup: {tmp_path / 'files' / 'backup.zip'} is inside the storage's folder "
        f"({tmp_path / 'files'}), whose files the backup copies; write it elsewhere.\n"
    )
    assert list((tmp_path / "files").iterdir()) == []
