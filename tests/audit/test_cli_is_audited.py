"""Every writing command of ``followup`` is on the record, as the operating-system user who ran it.

Each command runs in this process, as ``followup COMMAND ...`` would, against the test database,
with the operating-system user "alice". Commands that name the rows they write are checked row by
row (tests/audit/ledger.py); ``migrate`` (tests/audit/test_migration.py), ``manage`` and ``demo``
write rows the log cannot name one by one, so they record who ran which command. A command added
to ``followup`` without a line here fails the first test.
"""

from __future__ import annotations

import argparse
import io
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections

from followup import cli
from followup.audit.models import AuditEntry
from followup.evidence.models import Code
from tests.audit.ledger import Ledger, assert_recorded
from tests.conftest import PASSWORD, World
from tests.factories import PartnershipFactory

OPERATOR = "cli:alice"
FILES = Path(__file__).resolve().parent.parent / "evidence" / "files"

WRITING = {
    "createuser": "checked row by row",
    "load-framework": "checked row by row",
    "import-data": "checked row by row",
    "import-qdpx": "checked row by row",
    "import-qdc": "checked row by row",
    "migrate": "records the migrations it applied (test_migration.py)",
    "manage": "records the Django command run",
    "demo": "records who loaded it; its own writes are the demo loader's",
    "purge-uploads": "checked row by row",
}
READ_ONLY = {
    "serve": "serves the web pages, whose writes go through audited actions",
    "check": "reads the settings",
    "export-data": "writes to standard output",
    "export-qdpx": "writes a file",
    "export-qdc": "writes a file",
    "report": "writes a file",
    "signals": "needs no database",
}

TINY_FRAMEWORK = textwrap.dedent(
    """\
    kind: framework
    urn: urn:test:framework:cli
    version: 1
    name: A framework loaded from the command line
    scale: urn:followup:scale:six-point
    nodes:
      - urn: urn:test:framework:cli:1
        ref_id: "1"
        name: First indicator
        children:
          - urn: urn:test:framework:cli:1.1
            ref_id: "1.1"
            name: First child
    """
)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``followup ARGS`` in this process as the operating-system user alice."""
    monkeypatch.setattr("getpass.getuser", lambda: "alice")

    # A Django command closes the database connections when it ends; the test's transaction
    # must outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        args = cli.build_parser().parse_args(list(argv))
        return int(args.handler(args))

    return run


def test_every_command_is_known_to_write_or_only_read() -> None:
    parser = cli.build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == set(WRITING) | set(READ_ONLY)
    assert not set(WRITING) & set(READ_ONLY)


def test_createuser_records_the_user_and_the_membership_by_the_operator(
    world: World, run: Any
) -> None:
    ledger = Ledger()
    argv = ["createuser", "newbie", "--partnership", "home", "--role", "editor"]
    assert run(*argv, "--password-stdin", stdin=PASSWORD + "\n") == 0
    entries = assert_recorded(ledger, OPERATOR, "createuser")
    newbie = User.objects.get(username="newbie")
    assert [(e.verb, e.object_id) for e in entries] == [
        ("user.create", str(newbie.pk)),
        ("membership.create", str(newbie.memberships.get().pk)),
    ]
    assert entries[0].changes["password"] == [None, "(set)"]
    assert newbie.password not in str(entries[0].changes)
    assert entries[1].partnership_name == "Homeshire"
    assert entries[1].actor_id is None


def test_load_framework_records_the_framework_it_loads(
    world: World, run: Any, tmp_path: Path
) -> None:
    path = tmp_path / "cli.yaml"
    path.write_text(TINY_FRAMEWORK, encoding="utf-8")
    ledger = Ledger()
    assert run("load-framework", str(path)) == 0
    (entry,) = assert_recorded(ledger, OPERATOR, "load-framework")
    assert entry.verb == "framework.load"
    assert entry.changes["urn"] == [None, "urn:test:framework:cli"]
    assert entry.changes["quality_indicators"] == [None, 2]
    assert entry.changes["file"] == [None, "cli.yaml"]


def test_import_data_records_the_release_it_imports_by_the_operator(
    world: World, run: Any, tmp_path: Path
) -> None:
    path = tmp_path / "official.csv"
    path.write_text(
        "area_code,period,data_element,value\nS1HOME,2024,children_looked_after,12\n"
        "S1AWAY,2024,children_looked_after,7\n",
        encoding="utf-8",
    )
    ledger = Ledger()
    assert run("import-data", str(path), "--release", "Official 2025") == 0
    (entry,) = assert_recorded(ledger, OPERATOR, "import-data")
    assert (entry.verb, entry.object_repr) == ("data.import", "Official 2025")


def test_purge_uploads_records_each_staged_file_it_deletes_by_the_operator(
    world: World, run: Any
) -> None:
    import datetime

    from django.utils import timezone

    from followup.evidence.models import SurveyUpload
    from followup.indicators.models import ImportUpload

    long_ago = timezone.now() - datetime.timedelta(days=365)
    ImportUpload.objects.filter(pk=world.home.upload.pk).update(created_at=long_ago)
    SurveyUpload.objects.filter(pk=world.away.survey.pk).update(created_at=long_ago)
    ledger = Ledger()
    assert run("purge-uploads") == 0
    entries = assert_recorded(ledger, OPERATOR, "purge-uploads")
    assert sorted(e.verb for e in entries) == ["survey.purge", "upload.purge"]


@pytest.mark.parametrize(
    ("command", "file"),
    [
        ("import-qdpx", "qualitative-coding-1.7.8-focus-group.qdpx"),
        ("import-qdc", "taguette-1.5.2-codebook.qdc"),
    ],
)
def test_refi_qda_imports_record_every_code_case_and_source_by_the_operator(
    world: World, run: Any, command: str, file: str
) -> None:
    partnership: Any = PartnershipFactory(slug="fresh", name="Freshshire")
    ledger = Ledger()
    assert run(command, str(FILES / file), "--partnership", "fresh") == 0
    entries = assert_recorded(ledger, OPERATOR, command)
    codes = Code.objects.filter(partnership=partnership).count()
    assert codes > 0 and len([e for e in entries if e.verb == "code.create"]) == codes
    assert {e.partnership_name for e in entries} == {"Freshshire"}


def test_manage_records_who_ran_which_django_command(
    world: World, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    argv = ["manage", "createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.org"]
    assert run(*argv) == 0
    assert User.objects.filter(username="boss", is_superuser=True).exists()
    (entry,) = AuditEntry.objects.filter(verb="command.manage")
    assert (entry.actor_name, entry.actor_id) == (OPERATOR, None)
    assert entry.object_repr == (
        "followup manage createsuperuser --noinput --username boss --email b@x.org"
    )


def test_manage_records_nothing_for_a_command_that_only_reads(world: World, run: Any) -> None:
    assert run("manage", "showmigrations", "audit") == 0
    assert not AuditEntry.objects.filter(verb="command.manage").exists()


def test_demo_records_who_loaded_it(
    world: World, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[str | None] = []

    def load_demo(password: str | None) -> tuple[str, list[Any]]:
        loaded.append(password)
        return "pw", []

    monkeypatch.setattr("followup.demo.loader.load_demo", load_demo)
    assert run("demo") == 0
    assert loaded == [None]
    (entry,) = AuditEntry.objects.filter(verb="command.demo")
    assert (entry.actor_name, entry.object_repr) == (OPERATOR, "followup demo")
