"""Two imports of the same figures at the same moment take turns (#10): the second waits for the
first, then finds its figures unchanged; never a traceback, never a server error.

Deterministic on PostgreSQL: the first import holds its transaction open until the second is
seen waiting for a lock (``pg_stat_activity``), then commits. (Without the lock the second would
wait too, on the unique index its insert collides with, and then fail.) SQLite's transactions
take the write lock when they begin, so two imports there take turns whatever the code does;
tests/indicators/sqlite_race.py checks the web path on a SQLite file.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_import_data
from followup.indicators import actions
from followup.indicators.importer import apply_import, lock_imports, plan_import
from followup.indicators.models import DataElement, DataValue, ImportUpload
from followup.lib.tabular import read_table
from followup.lib.types import CommandLine
from followup.partnerships.models import Area, Partnership

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two sessions at once need PostgreSQL here (see the module's docstring)")


def wait_until_another_session_waits(timeout: float = 30.0) -> None:
    """Return once another session of this database waits for a lock; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    pytest.fail("the second import never waited for the first")


def in_thread(work: Any) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:  # a traceback on the command line, a 500 on the web
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


ROWS = b"area_code,period,data_element,value\nS12000028,2023,par,7\n"


@pytest.mark.parametrize("partnership", [None, "glenmorran"])
def test_two_command_line_imports_into_the_same_release_take_turns(partnership, tmp_path):
    area = Area.objects.create(code="S12000028", name="South Ayrshire")
    owner = Partnership.objects.create(slug="glenmorran", name="Glenmorran", area=area)
    DataElement.objects.create(
        code="par", name="Par", period_kind="year", partnership=owner if partnership else None
    )
    path = tmp_path / "par.csv"
    path.write_bytes(ROWS)
    options = ["--partnership", partnership] if partnership else []
    args = build_parser().parse_args(
        ["import-data", str(path), "--release", "Parallel rel", *options]
    )
    writer = owner if partnership else None

    def second() -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cmd_import_data(args)
        return status, out.getvalue(), err.getvalue()

    with transaction.atomic():  # the first run, holding its transaction open
        lock_imports(writer)
        first = plan_import(read_table(ROWS, "par.csv"), release="Parallel rel", partnership=writer)
        apply_import(first, actor=CommandLine("first"))
        thread, outcome = in_thread(second)
        wait_until_another_session_waits()
    thread.join(timeout=60)
    [(status, out, err)] = outcome
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"{path} (tidy layout): 0 new, 0 revised, 0 confirmed by another release, 1 unchanged.",
        "Nothing was imported: every figure in the file is held already.",
    ]
    assert DataValue.objects.count() == 1


def test_two_uploads_of_the_same_rows_imported_at_once_give_the_second_unchanged(world):
    """The web's answer is SQLite's: the second finds the figures imported, and says so."""
    rows = b"area_code,period,data_element,value\nS1HOME,2024,children_looked_after,12\n"
    twin = ImportUpload.objects.create(
        partnership=world.home.partnership,
        filename="twin.csv",
        data=ContentFile(rows, name="twin.csv"),
        release=world.home.upload.release,
    )
    client = world.client_for("editor")
    url = reverse("indicators:upload_preview", args=["home", twin.pk])
    with transaction.atomic():  # the lead's import of the first upload, not yet committed
        actions.apply_upload(world.users["lead"], world.home.upload)
        thread, outcome = in_thread(lambda: client.post(url))
        wait_until_another_session_waits()
    thread.join(timeout=60)
    [response] = outcome
    assert not isinstance(response, Exception), response
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing was imported from twin.csv: its figure was already imported from the same release."
    ]
    assert DataValue.objects.count() == 1
    assert ImportUpload.objects.get(pk=twin.pk).applied_at is not None
