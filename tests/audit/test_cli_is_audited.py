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
    "load-template": "checked row by row",
    "import-data": "checked row by row",
    "import-qdpx": "checked row by row",
    "import-qdc": "checked row by row",
    "migrate": "records the migrations it applied (test_migration.py)",
    "manage": "records the Django command before it runs, and how it ended",
    "demo": "records who loaded it and what the reload removed; its own writes are the loader's",
    "purge-uploads": "checked row by row",
    "setup": "checked row by row; records the migrations it applied as migrate does",
    "create-partnership": "checked row by row",
    "createtoken": "checked row by row",
    "tick": "purges are recorded row by row, and so are the update cycle's rounds and escalations "
    "(its emails are on the mail record); the rest as one entry when it changed something "
    "(tests/jobs/test_tick.py, tests/plans/test_cycle.py)",
    "backup": "records who wrote which archive, before reading (tests/backup/test_refusals.py)",
    "restore": "records the backup it loaded and what it replaced (tests/backup/test_refusals.py)",
}
READ_ONLY = {
    "serve": "serves the web pages, whose writes go through audited actions",
    "check": "reads the settings",
    "worker": "runs the background jobs, whose writes go through audited actions",
    "export-data": "writes to standard output",
    "export-qdpx": "writes a file",
    "export-qdc": "writes a file",
    "report": "writes a file",
    "spc": "needs no database",
    "funnel": "needs no database",
    "agreement": "needs no database",
    "signals": "the name of spc before 0.2",
    "chart": "writes to standard output",
    "check-files": "reads the stored files back and prints what is missing or different",
    "list": "writes to standard output",
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


def test_createtoken_records_the_token_by_the_operator_without_its_text(
    world: World, run: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = Ledger()
    assert run("createtoken", "viewer", "--name", "Power BI") == 0
    text = capsys.readouterr().out.strip()
    entries = assert_recorded(ledger, OPERATOR, "createtoken")
    token = User.objects.get(username="viewer").access_tokens.get()
    assert [(e.verb, e.object_id) for e in entries] == [("token.create", str(token.pk))]
    assert text not in str(entries[0].changes) and token.digest not in str(entries[0].changes)


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


def test_load_template_records_the_template_it_loads(world: World, run: Any) -> None:
    from followup.records.template_files import TEMPLATES_DIR

    ledger = Ledger()
    assert run("load-template", str(TEMPLATES_DIR / "followup-default-records.yaml")) == 0
    (entry,) = assert_recorded(ledger, OPERATOR, "load-template")
    assert entry.verb == "reading_template.load"
    assert entry.changes["key"] == [None, "followup-default"]
    assert entry.changes["file"] == [None, "followup-default-records.yaml"]


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


def test_setup_records_every_area_and_the_administrator_it_creates_by_the_operator(
    world: World, run: Any
) -> None:
    ledger = Ledger()
    assert run("setup", "--admin", "chief", "--password-stdin", stdin=PASSWORD + "\n") == 0
    entries = assert_recorded(ledger, OPERATOR, "setup")
    verbs = [e.verb for e in entries]
    assert verbs.count("area.create") == 55
    assert verbs[-1] == "user.create" and entries[-1].object_repr == "chief"
    again = Ledger()
    assert run("setup") == 0
    assert again.writes() == []


def test_create_partnership_records_the_partnership_by_the_operator(world: World, run: Any) -> None:
    ledger = Ledger()
    assert run("create-partnership", "fresh", "--name", "Freshshire", "--area", "S1HOME") == 0
    (entry,) = assert_recorded(ledger, OPERATOR, "create-partnership")
    assert (entry.verb, entry.partnership_name) == ("partnership.create", "Freshshire")


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
    (end,) = AuditEntry.objects.filter(verb="command.manage.end")
    assert end.actor_name == OPERATOR and end.object_repr == entry.object_repr
    assert end.changes == {"outcome": [None, "completed"], "started_entry": [None, entry.pk]}


@pytest.fixture
def django_command(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Stand in for Django's command runner: the entries already on the record when it
    started, and what it was asked to run."""
    calls: list[Any] = []

    def execute(argv: list[str]) -> None:
        calls.append(list(AuditEntry.objects.order_by("id").values_list("verb", "object_repr")))
        calls.append(argv)

    monkeypatch.setattr("django.core.management.execute_from_command_line", execute)
    return calls


def test_manage_records_the_command_before_it_runs(
    world: World, run: Any, django_command: list[Any]
) -> None:
    """A command that never returns (``os._exit`` in ``manage shell``, a killed process) is
    on the record all the same."""
    code = (
        "a = Action.objects.first(); a.title = 'unaudited edit'; a.save(); import os; os._exit(0)"
    )
    assert run("manage", "shell", "-c", code) == 0
    on_record_when_it_ran, argv = django_command
    line = f"followup manage shell -c {code}"
    assert on_record_when_it_ran[-1:] == [("command.manage", line)]
    assert argv == ["followup manage", "shell", "-c", code]
    assert list(AuditEntry.objects.order_by("id").values_list("verb", "actor_name"))[-2:] == [
        ("command.manage", OPERATOR),
        ("command.manage.end", OPERATOR),
    ]


def test_manage_records_how_a_failing_command_ended(
    world: World, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(argv: list[str]) -> None:
        raise SystemExit(3)

    monkeypatch.setattr("django.core.management.execute_from_command_line", fails)
    with pytest.raises(SystemExit):
        run("manage", "shell", "-c", "raise SystemExit(3)")
    end = AuditEntry.objects.get(verb="command.manage.end")
    assert end.changes["outcome"] == [None, "exit status 3"]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (
            ["flush", "--noinput"],
            "it would delete every row of every table, the audit log included",
        ),
        (["loaddata", "fixture.json"], "it writes rows directly, past the audit log"),
        (["dbshell"], "SQL typed there changes rows with no audit entry"),
        (["migrate", "audit", "zero"], "it would unapply migrations"),
        (["migrate", "plans", "0001"], "it would unapply migrations"),
    ],
)
def test_manage_refuses_commands_that_would_erase_or_bypass_the_record(
    world: World,
    run: Any,
    django_command: list[Any],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    reason: str,
) -> None:
    entries = AuditEntry.objects.count()
    assert run("manage", *argv) == 1
    assert django_command == []
    assert AuditEntry.objects.count() == entries
    assert capsys.readouterr().err.startswith(f"manage {argv[0]}: refused: {reason}")


@pytest.mark.parametrize(
    "argv",
    [["sqlflush"], ["migrate"], ["migrate", "plans"], ["migrate", "audit", "zero", "--plan"]],
)
def test_manage_runs_commands_that_only_print_or_migrate_forwards(
    world: World, run: Any, django_command: list[Any], argv: list[str]
) -> None:
    assert run("manage", *argv) == 0
    assert django_command[-1] == ["followup manage", *argv]


def test_manage_records_nothing_for_a_command_that_only_reads(world: World, run: Any) -> None:
    assert run("manage", "showmigrations", "audit") == 0
    assert not AuditEntry.objects.filter(verb__startswith="command.manage").exists()


def test_demo_is_loaded_as_the_operator(
    world: World, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader records the operator, with what the reload removed (tests/demo)."""
    loaded: list[Any] = []

    def load_demo(password: str | None, operator: Any) -> tuple[str, list[Any]]:
        loaded.append((password, operator.name))
        return "pw", []

    monkeypatch.setattr("followup.demo.loader.load_demo", load_demo)
    assert run("demo") == 0
    assert loaded == [(None, OPERATOR)]


def test_demo_refuses_to_replace_a_partnership_it_did_not_make(
    world: World, run: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    PartnershipFactory(slug="glenmorran", name="The real Glenmorran")
    entries = AuditEntry.objects.count()
    assert run("demo") == 1
    err = capsys.readouterr().err
    assert (
        "demo: a partnership with the demo's slug 'glenmorran' (The real Glenmorran) was not "
        "made by the demo." in err
    )
    assert "demo: refused, and nothing was changed" in err
    assert AuditEntry.objects.count() == entries
    assert not User.objects.filter(username="demo-loader").exists()
