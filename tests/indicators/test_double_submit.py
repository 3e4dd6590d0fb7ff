"""Pressing Import twice imports once (#10): the second submit gets a clear "already done" page,
never a server error, however close together the two are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from followup.indicators import actions
from followup.indicators.models import DataValue, ImportUpload
from tests.migrated import copy_database


def preview_url(world) -> str:
    return reverse("indicators:upload_preview", args=["home", world.home.upload.pk])


def test_a_second_submit_gets_the_already_imported_page_and_imports_nothing(world):
    client = world.client_for("editor")
    first = client.post(preview_url(world))
    assert first.status_code == 302
    assert DataValue.objects.count() == 1
    second = client.post(preview_url(world))
    assert second.status_code == 200
    html = second.content.decode()
    assert "This file has already been imported" in html
    assert (
        "Nothing more was imported: the file had already been imported when the Import button "
        "was pressed again." in html
    )
    assert DataValue.objects.count() == 1


def test_a_submit_that_read_the_upload_before_the_other_finished_imports_nothing(world):
    """The losing half of a race: its copy of the upload still says "not imported"."""
    stale = ImportUpload.objects.get(pk=world.home.upload.pk)
    actions.apply_upload(world.users["lead"], ImportUpload.objects.get(pk=stale.pk))
    with pytest.raises(actions.AlreadyImported):
        actions.apply_upload(world.users["editor"], stale)
    assert DataValue.objects.count() == 1
    upload = ImportUpload.objects.get(pk=stale.pk)
    assert upload.applied_at is not None and upload.data.name == ""


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_import_once_and_neither_gets_a_server_error(world):
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database cannot hold two writing sessions")
    url = preview_url(world)
    clients = [world.client_for("lead"), world.client_for("editor")]
    start = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def submit(index: int, client: Client) -> None:
        try:
            start.wait()
            outcomes[index] = client.post(url)
        except Exception as error:  # a server error: the test client raises it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sorted(o.status_code for o in outcomes) == [200, 302]
    loser = next(o for o in outcomes if o.status_code == 200)
    assert "This file has already been imported" in loser.content.decode()
    assert DataValue.objects.count() == 1


def test_two_simultaneous_imports_on_a_sqlite_file_import_once_and_neither_fails(tmp_path, request):
    """SQLite's own case ("database is locked" before #10), in a process with a file database."""
    if connection.vendor != "sqlite":
        pytest.skip("the test above runs the two sessions in this database")
    # A copy of the run's migrated database (tests/migrated.py): its migrate has nothing to do.
    copy_database(request.getfixturevalue("migrated_sqlite"), tmp_path / "followup.sqlite3")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "FOLLOWUP_DATA_DIR": str(tmp_path), "PYTHONPATH": f"{root / 'src'}:{root}"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.indicators.sqlite_race"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout)
    assert sorted(result["outcomes"]) == ["500 new, 0 unchanged", "already imported"]
    assert result["values"] == 500
    # Two different uploads of the same rows, imported at once: they take turns, and the
    # second finds every figure already imported, as on PostgreSQL (the test above).
    assert sorted(result["twins"]) == ["0 new, 500 unchanged", "500 new, 0 unchanged"]
    assert result["twin_values"] == 500
