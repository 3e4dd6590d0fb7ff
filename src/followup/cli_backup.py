"""``followup backup`` and ``followup restore``: the whole installation in one archive, and
back (``followup.backup``; docs/deploy.md, "Backup and restore")."""

from __future__ import annotations

import argparse
import sys
import time

from followup.clitools import Commands, add_command, fail, operator, size_text


class ProgressBar:
    """A progress bar on standard error, drawn only for a person at a terminal, at most ten
    times a second."""

    def __init__(self, stages: dict[str, str]) -> None:
        self.stages = stages
        self.shown = sys.stderr.isatty()
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.shown:
            return
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.1 and done < total:
            return
        if stage != self.stage and self.stage:
            print(file=sys.stderr)
        self.stage, self.last = stage, now
        width = 30
        filled = int(width * done / total) if total else width
        amount = (
            f"{done:,} of {total:,} rows"
            if stage in {"tables", "loading"}
            else f"{size_text(done)} of {size_text(total)}"
        )
        print(
            f"\r  {self.stages.get(stage, stage):<14} [{'#' * filled}{' ' * (width - filled)}] {amount}   ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def close(self) -> None:
        if self.shown and self.stage:
            print(file=sys.stderr)


def cmd_backup(args: argparse.Namespace) -> int:
    from django.db import DatabaseError

    from followup.backup.make import BackupError, write_backup

    bar = ProgressBar({"tables": "reading tables", "files": "copying files"})
    try:
        manifest = write_backup(args.output, operator(), progress=bar)
    except BackupError as error:
        bar.close()
        return fail(f"backup: {error}.")
    except OSError as error:
        bar.close()
        return fail(f"backup: cannot write {args.output}: {error.strerror or error}.")
    except DatabaseError as error:
        bar.close()
        return fail(f"backup: the database could not be read ({error}); no backup was written.")
    bar.close()
    print(
        f"Backed up {manifest.rows:,} rows of {len(manifest.tables)} tables and "
        f"{len(manifest.files):,} stored files ({size_text(manifest.file_bytes)}) to "
        f"{args.output}. It holds personal data: keep it encrypted (docs/deploy.md)."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from django.db import DatabaseError

    from followup.backup.restore import RestoreError, restore_backup

    bar = ProgressBar(
        {"checking": "checking", "files": "writing files", "tables": "loading tables"}
    )
    try:
        restored = restore_backup(args.file, operator(), progress=bar)
    except RestoreError as error:
        bar.close()
        return fail(f"restore: refused: {error}. Nothing was changed.")
    except DatabaseError as error:
        bar.close()
        return fail(f"restore: the database failed ({error}). Nothing was changed.")
    bar.close()
    manifest = restored.manifest
    print(
        f"Restored {manifest.rows:,} rows of {len(manifest.tables)} tables and "
        f"{len(manifest.files):,} stored files from the backup made {manifest.created} by "
        f"Followup {manifest.followup_version} on {manifest.vendor}."
    )
    if restored.replaced:
        replaced = ", ".join(
            f"{count:,} {name}" for name, count in sorted(restored.replaced.items())
        )
        print(f"Replaced what the installation held before: {replaced}.")
    if restored.kept_entries:
        print(
            f"Kept the installation's own {restored.kept_entries:,} audit "
            f"{'entry' if restored.kept_entries == 1 else 'entries'}, after the backup's."
        )
    return 0


def add_backup_commands(commands: Commands) -> None:
    """``followup backup`` and ``followup restore``."""
    backup = add_command(
        commands,
        "backup",
        cmd_backup,
        "Write the whole database and every stored file into one archive (a ZIP file with a "
        "manifest of SHA-256 digests), readable only by you. It holds personal data: keep it "
        "encrypted (docs/deploy.md, Backup and restore).",
    )
    backup.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the archive to write (a new file)"
    )
    restore = add_command(
        commands,
        "restore",
        cmd_restore,
        "Restore a backup into an empty installation (migrated, with no users, partnerships or "
        "stored files), all or nothing. A damaged archive, one from another database schema, or "
        "an installation that is not empty is refused with the reason, and nothing is changed.",
    )
    restore.add_argument("file", metavar="FILE", help="the archive 'followup backup' wrote")
