"""Two identical submits of the survey import or of a REFI-QDA import are harmless: the second
gets a clear "already imported" page, never a server error, on SQLite and PostgreSQL alike.

- On both databases, the second submit arrives after the first has committed but after its own
  early check had passed (the moment a double click lands): it is told the import is done.
- On PostgreSQL, two submits run at once in two threads, held together until both have read the
  file: one imports, the other waits on the lock and is told.
- On SQLite, two transactions writing at once wait for each other rather than fail with
  "database is locked", because every transaction takes the write lock when it begins.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from followup.evidence import surveys, views
from followup.evidence.models import Case, Source, SurveyUpload
from followup.evidence.refi_import import read_qdpx
from followup.lib.types import CommandLine
from tests import hostile

FILES = Path(__file__).parent / "files"
SURVEY = b"id,group,What helps?\n1,Staff,Good supervision\n2,Parent,Being listened to\n"


def staged_survey(world: Any) -> SurveyUpload:
    return surveys.stage_survey(
        world.users["lead"], world.home.partnership, title="Spring", filename="s.csv", data=SURVEY
    )


ROLES = {"role-0": "respondent", "role-1": "attribute", "role-2": "question"}


def project_file() -> Any:
    import io

    upload = io.BytesIO((FILES / "qualitative-coding-1.7.8-focus-group.qdpx").read_bytes())
    upload.name = "focus.qdpx"
    return upload


def test_a_survey_import_submitted_again_while_the_first_commits_is_told_it_is_done(
    world, monkeypatch
):
    upload = staged_survey(world)
    url = reverse("evidence:survey_preview", args=["home", upload.pk])
    first, second = world.client_for("lead"), world.client_for("editor")
    real = surveys.plan_survey
    responses: list[Any] = []
    calls: list[int] = []

    def plan_then_let_the_first_finish(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:  # the second submit has passed its early check: the first lands now
            responses.append(first.post(url, ROLES))
        return plan

    monkeypatch.setattr(surveys, "plan_survey", plan_then_let_the_first_finish)
    late = second.post(url, ROLES, follow=True)
    assert responses[0].status_code == 302
    assert late.status_code == 200
    assert "This survey has already been imported; nothing was added." in late.content.decode()
    assert Case.objects.filter(name__startswith="Spring:").count() == 2
    assert Source.objects.filter(title__startswith="Spring:").count() == 2


def test_a_survey_import_submitted_after_it_is_done_is_told_so(world):
    upload = staged_survey(world)
    url = reverse("evidence:survey_preview", args=["home", upload.pk])
    client = world.client_for("lead")
    assert client.post(url, ROLES).status_code == 302
    again = client.post(url, ROLES, follow=True)
    assert "This survey has been imported." in again.content.decode()
    assert Source.objects.filter(title__startswith="Spring:").count() == 2


def test_a_project_imported_twice_in_a_row_is_told_the_second_time_and_nothing_changes(world):
    client = world.client_for("contributor")
    url = reverse("evidence:exchange", args=["home"])
    assert client.post(url, {"file": project_file()}).status_code == 302
    sources = Source.objects.count()
    again = client.post(url, {"file": project_file()}, follow=True)
    assert again.status_code == 200
    assert (
        "This project was imported before: its 1 source is already here, so nothing was "
        "imported again." in again.content.decode()
    )
    assert Source.objects.count() == sources


def test_the_command_line_says_a_project_was_imported_before_and_succeeds(world, tmp_path, capsys):
    from followup.cli import build_parser

    path = tmp_path / "focus.qdpx"
    path.write_bytes((FILES / "qualitative-coding-1.7.8-focus-group.qdpx").read_bytes())
    for _ in range(2):
        args = build_parser().parse_args(["import-qdpx", str(path), "--partnership", "home"])
        assert args.handler(args) == 0
    assert "This project was imported before" in capsys.readouterr().out


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot hold two connections' transactions; "
    "test_sqlite_transactions_writing_at_once_wait_for_each_other covers SQLite",
)


def _at_once(posts: list[Any]) -> list[Any]:
    """Run each post in its own thread (its own database connection); return the responses."""
    results: list[Any] = [None] * len(posts)

    def run(index: int) -> None:
        try:
            results[index] = posts[index]()
        except BaseException as error:  # a server error surfaces here in the test client
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_survey_imports_at_once_import_once_and_tell_the_second(world, monkeypatch):
    upload = staged_survey(world)
    url = reverse("evidence:survey_preview", args=["home", upload.pk])
    clients = [world.client_for("lead"), world.client_for("editor")]
    together = threading.Barrier(2, timeout=20)
    real = surveys.plan_survey

    def plan_together(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        together.wait()  # both have passed the early check and planned
        return plan

    monkeypatch.setattr(surveys, "plan_survey", plan_together)
    results = _at_once([lambda c=c: c.post(url, ROLES) for c in clients])
    assert all(not isinstance(r, BaseException) for r in results), results
    assert sorted(r.status_code for r in results) == [302, 302]
    told = [c.get(reverse("evidence:sources", args=["home"])).content.decode() for c in clients]
    assert sum("already been imported" in page for page in told) == 1
    assert Source.objects.filter(title__startswith="Spring:").count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_project_imports_at_once_import_once_and_tell_the_second(world, monkeypatch):
    clients = [world.client_for("lead"), world.client_for("contributor")]
    url = reverse("evidence:exchange", args=["home"])
    together = threading.Barrier(2, timeout=20)

    def read_together(data: bytes) -> Any:
        found = read_qdpx(data)
        together.wait()  # both have read the file: both import now
        return found

    monkeypatch.setattr(views, "read_qdpx", read_together)
    results = _at_once([lambda c=c: c.post(url, {"file": project_file()}) for c in clients])
    assert all(not isinstance(r, BaseException) for r in results), results
    assert sorted(r.status_code for r in results) == [302, 302]
    told = [c.get(url).content.decode() for c in clients]
    assert sum("This project was imported before" in page for page in told) == 1
    assert sum("Imported 4 codes, 1 source, 6 codings." in page for page in told) == 1
    assert Source.objects.filter(partnership=world.home.partnership).count() == 2


def test_sqlite_transactions_writing_at_once_wait_for_each_other(tmp_path, django_db_blocker):
    """Two connections to one SQLite file, configured as Followup configures SQLite: the second
    reads then writes while the first holds the write lock, and waits instead of failing with
    "database is locked" (which a deferred transaction would)."""
    default = connections.settings["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("PostgreSQL uses row locks; the thread tests above cover it")
    connections.settings["race"] = {
        **default,
        "NAME": str(tmp_path / "race.sqlite3"),
        "TEST": {**default.get("TEST", {}), "NAME": str(tmp_path / "race.sqlite3")},
    }
    failures: list[BaseException] = []
    first_writing = threading.Event()

    def first() -> None:
        try:
            with transaction.atomic(using="race"), connections["race"].cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (1)")
                first_writing.set()
                time.sleep(0.5)
        except BaseException as error:
            failures.append(error)
        finally:
            connections["race"].close()

    def second() -> None:
        try:
            first_writing.wait(10)
            with transaction.atomic(using="race"), connections["race"].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM t")
                cursor.execute("INSERT INTO t VALUES (2)")
        except BaseException as error:
            failures.append(error)
        finally:
            connections["race"].close()

    try:
        with django_db_blocker.unblock():
            with connections["race"].cursor() as cursor:
                cursor.execute("CREATE TABLE t (n integer)")
            connections["race"].close()
            threads = [threading.Thread(target=first), threading.Thread(target=second)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            with connections["race"].cursor() as cursor:
                cursor.execute("SELECT n FROM t ORDER BY n")
                rows = cursor.fetchall()
            connections["race"].close()
    finally:
        del connections.settings["race"]
    assert failures == []
    assert rows == [(1,), (2,)]


def test_the_generated_hostile_projects_are_not_imported_twice_either(world):
    """The same project twice through the action: refused with the already-imported error."""
    from followup.evidence import actions

    data = hostile.qdpx(
        {"project.qde": hostile.project_qde([(1, "")], inline="Staff feel supported.").encode()}
    )
    actions.import_exchange(CommandLine("tests"), world.home.partnership, read_qdpx(data))
    with pytest.raises(actions.AlreadyImported):
        actions.import_exchange(CommandLine("tests"), world.home.partnership, read_qdpx(data))
