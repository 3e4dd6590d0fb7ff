"""What the ``followup`` command writes is for its own user only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_a_new_sqlite_database_and_its_data_folder_are_for_followup_s_user_only(tmp_path):
    data = tmp_path / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FOLLOWUP_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"))
    }
    env["FOLLOWUP_DATA_DIR"] = str(data)
    done = subprocess.run(
        [sys.executable, "-m", "followup.cli", "manage", "showmigrations", "partnerships"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        umask=0o022,  # as a shell usually starts it
    )
    assert done.returncode == 0, done.stderr
    database = data / "followup.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600
