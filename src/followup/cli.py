"""The ``followup`` command: set up, serve and administer Followup.

Run ``followup --help`` for the commands, and ``followup COMMAND --help`` for each one.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeAlias

from followup.cli_backup import add_backup_commands
from followup.cli_data import (
    cmd_export_data,
    cmd_export_refi,
    cmd_import_data,
    cmd_import_refi,
    cmd_report,
)
from followup.cli_files import _add_files_commands
from followup.cli_funnel import add_funnel_command, run_funnel
from followup.cli_list import add_list_command
from followup.cli_manage import cmd_manage
from followup.cli_serve import add_serve_command
from followup.cli_setup import add_setup_commands
from followup.cli_tick import add_tick_command
from followup.cli_tokens import add_token_command
from followup.cli_worker import _add_worker_commands
from followup.clitools import add_command as _command
from followup.clitools import fail as _fail
from followup.clitools import operator as _operator
from followup.settings_registry import setting_text

LOCAL_NOTE = (
    "No FOLLOWUP_SECRET_KEY is set, so Followup runs in local mode: a secret key kept in "
    "{path}, the SQLite database in {data}, and HTTPS protections off for http://127.0.0.1."
)


def _local_defaults(*, writes: bool = True) -> bool:
    """Choose settings for a single user's machine when none are configured.

    A deployment sets FOLLOWUP_SECRET_KEY (or FOLLOWUP_SECRET_KEY_FILE); without either we are
    on a developer's or evaluator's machine, so we keep a generated key under the data folder
    and serve plain HTTP on the loopback address. A variable that is set, even to nothing, means
    a deployment: an empty one then stops Followup with the variable named (followup.env), never
    falls back to local mode.

    Without ``writes`` (``followup restore``, which must leave an installation it refuses as it
    found it) nothing is made: a data folder with no key yet gets a key for this run only.
    """
    if "FOLLOWUP_SECRET_KEY" in os.environ or "FOLLOWUP_SECRET_KEY_FILE" in os.environ:
        return False
    data_dir = Path(setting_text("FOLLOWUP_DATA_DIR")).resolve()
    key_file = data_dir / "secret_key"
    if not writes and not key_file.exists():
        os.environ["FOLLOWUP_SECRET_KEY"] = secrets.token_urlsafe(50)
        os.environ.setdefault("FOLLOWUP_HTTPS", "false")
        return True
    data_dir.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    os.environ["FOLLOWUP_SECRET_KEY_FILE"] = str(key_file)
    os.environ.setdefault("FOLLOWUP_HTTPS", "false")
    return True


def _setup(*, writes: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followup.settings")
    import django
    from django.conf import settings

    django.setup()
    if writes:
        # The folder collectstatic fills; WhiteNoise also serves straight from the app folders.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def _migrate(quiet: bool = False) -> None:
    """Bring the database up to date, and record which migrations were applied, and by whom."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from followup.audit.log import record_command

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)
    # The cache every `followup serve` process shares (settings.CACHES): a table, by default.
    call_command("createcachetable", verbosity=0)
    if plan:
        applied = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
        record_command(_operator(), "migrate", changes={"applied": [None, applied]})


def cmd_migrate(args: argparse.Namespace) -> int:
    _migrate()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from followup.demo.loader import load_demo
    from followup.demo.replace import DemoRefused

    _migrate(quiet=True)
    try:
        # The demo's own writes are recorded as its loader's; the operator is recorded as
        # having loaded it, with what the reload removed.
        password, sign_ins = load_demo(
            setting_text("FOLLOWUP_DEMO_PASSWORD") or None, operator=_operator()
        )
    except DemoRefused as refused:
        for problem in refused.problems:
            print(f"demo: {problem}.", file=sys.stderr)
        return _fail(
            "demo: refused, and nothing was changed: loading the demo replaces the demo "
            "partnerships and users with everything in them, and would have touched what is "
            "not the demo's. Load the demo into a database of its own."
        )
    print("Demo loaded: South Ayrshire's 2016 inspection and 2018 progress review (public facts),")
    print("with an illustrative improvement plan, and the fictional Glenmorran partnership.")
    print()
    print("Sign in with any of these usernames:")
    for sign_in in sign_ins:
        print(f"  {sign_in.username:<12} {sign_in.role:<21} {sign_in.partnership}")
    print(f"Password for all of them: {password}")
    if not setting_text("FOLLOWUP_DEMO_PASSWORD"):
        print("(generated now; set FOLLOWUP_DEMO_PASSWORD to choose your own)")
    print("Each has the email address USERNAME@example.org (lead@example.org, ...).")
    from django.conf import settings

    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        print("Emails (password reset links, address checks) are written to this console.")
    for sign_in in sign_ins:
        if sign_in.totp_secret:
            print()
            print(
                f"{sign_in.username} signs in with a code too. Add this key to an authenticator app"
            )
            print(f"(time-based, 6 digits): {sign_in.totp_secret}")
            print(f"or open this link on the phone that has the app: {sign_in.totp_uri}")
    print()
    if settings.REQUIRE_MFA_FOR_PRIVILEGED:
        print("inspector must set up a second factor at first sign-in: scan the QR code it shows.")
    else:
        print("No other demo user needs a second factor: `make demo` turns the requirement off.")
        print("FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED=true make demo makes the inspector set one up.")
    print("Security keys and passkeys work at http://localhost:<port>/, not at 127.0.0.1.")
    return 0


def cmd_purge_uploads(args: argparse.Namespace) -> int:
    from django.conf import settings

    from followup.evidence.surveys import purge_expired_surveys
    from followup.indicators.actions import purge_expired_uploads

    operator = _operator()
    surveys, files = purge_expired_surveys(operator), purge_expired_uploads(operator)
    print(
        f"Purged {surveys} survey file{'s' if surveys != 1 else ''} and {files} data "
        f"file{'s' if files != 1 else ''} staged more than {settings.STAGED_UPLOAD_DAYS} "
        f"day{'s' if settings.STAGED_UPLOAD_DAYS != 1 else ''} ago and never imported."
    )
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from followup.accounts.actions import create_user
    from followup.partnerships.actions import add_member
    from followup.partnerships.models import Partnership, Role

    User = get_user_model()
    if User.objects.filter(username=args.username).exists():
        return _fail(f"createuser: a user called {args.username!r} already exists.")
    partnership = None
    if args.partnership:
        partnership = Partnership.objects.filter(slug=args.partnership).first()
        if partnership is None:
            return _fail(f"createuser: no partnership has the slug {args.partnership!r}.")
        if not args.role:
            return _fail("createuser: --partnership needs --role.")
    if args.role and not args.partnership:
        return _fail("createuser: --role needs --partnership.")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            return _fail("createuser: the passwords differ.")
    else:
        return _fail("createuser: give the password on standard input with --password-stdin.")
    candidate = User(username=args.username, email=args.email or "")
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        return _fail("createuser: " + " ".join(error.messages))
    operator = _operator()
    with transaction.atomic():
        user = create_user(
            operator,
            username=args.username,
            email=args.email or "",
            password=password,
            superuser=args.superuser,
        )
        if partnership is not None:
            add_member(operator, user, partnership, args.role)
    where = f" as {Role(args.role).label} of {partnership.name}" if partnership else ""
    print(f"Created {args.username}{where}{' (superuser)' if args.superuser else ''}.")
    return 0


def cmd_load_framework(args: argparse.Namespace) -> int:
    from followup.frameworks.library import LibraryFileError, load_file, load_library
    from followup.lib.uploads import SHOWN_PROBLEMS

    if not args.file and not args.library:
        return _fail("load-framework: give a FILE, or --library for the bundled library.")
    try:
        operator = _operator()
        results = load_library(operator) if args.library else load_file(args.file, operator)
    except LibraryFileError as error:
        for line in error.errors[:SHOWN_PROBLEMS]:
            print(line, file=sys.stderr)
        more = len(error.errors) - SHOWN_PROBLEMS
        if more > 0:
            print(f"And {more:,} more.", file=sys.stderr)
        print(
            f"Nothing was loaded ({len(error.errors):,} problem{'s' if len(error.errors) != 1 else ''}).",
            file=sys.stderr,
        )
        return 1
    for result in results:
        state = "loaded" if result.created else "unchanged"
        extra = f" ({'; '.join(result.messages)})" if result.messages else ""
        print(f"{state}: {result.kind} {result.urn} version {result.version}: {result.name}{extra}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("check", deploy=args.deploy, fail_level="WARNING")
    print("No problems found." + (" (deployment checks included)" if args.deploy else ""))
    return 0


def version() -> str:
    """Followup's version, as installed (pyproject.toml's)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("followup")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


Handler: TypeAlias = Callable[[argparse.Namespace], int]
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def build_parser() -> argparse.ArgumentParser:
    """The ``followup`` command's parser: one function below adds each group of commands, in the
    order ``followup --help`` lists them. docs/cli.md is generated from it (``make docs``)."""
    parser = argparse.ArgumentParser(
        prog="followup",
        description=(
            "Followup: inspection follow-up for children's services partnerships. Settings come "
            "from the environment (see docs/configuration.md); with no FOLLOWUP_SECRET_KEY set, "
            "Followup runs in local mode with its data in ./var."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"followup {version()}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_running_commands(commands)
    _add_administration_commands(commands)
    add_setup_commands(commands)
    add_list_command(commands)
    _add_data_commands(commands)
    _add_evidence_commands(commands)
    _add_report_command(commands)
    _add_statistics_command(commands)
    add_funnel_command(commands)
    _add_agreement_command(commands)
    _add_manage_command(commands)
    _add_files_commands(commands)
    add_backup_commands(commands)
    _add_worker_commands(commands)
    add_tick_command(commands)
    add_token_command(commands)
    return parser


def _add_running_commands(commands: Commands) -> None:
    """The demo, the server, and what keeps a database in order."""
    _command(
        commands,
        "demo",
        cmd_demo,
        "Create or update the database, then load the demo partnerships and users, and print the "
        "sign-ins. When run again, it REPLACES the demo partnerships and users with everything in "
        "them (what anyone added there too), and touches nothing else. The password is "
        "FOLLOWUP_DEMO_PASSWORD if set, otherwise generated.",
    )
    add_serve_command(commands, _command)
    _command(commands, "migrate", cmd_migrate, "Create or update the database tables.")
    _command(
        commands,
        "purge-uploads",
        cmd_purge_uploads,
        "Delete survey and data files staged for import more than FOLLOWUP_STAGED_UPLOAD_DAYS "
        "days ago and never imported (each new upload does this too). Run it daily from cron "
        "or a systemd timer.",
    )


def _add_administration_commands(commands: Commands) -> None:
    """Users, the framework library, and the configuration check."""
    create = _command(
        commands,
        "createuser",
        cmd_createuser,
        "Create a user, optionally with a role in a partnership. The password is asked for, or read from standard input with --password-stdin.",
    )
    create.add_argument("username", help="the new user's username")
    create.add_argument("--email", help="email address")
    create.add_argument("--partnership", metavar="SLUG", help="partnership to add the user to")
    create.add_argument(
        "--role",
        choices=["viewer", "contributor", "editor", "lead", "reader", "inspector", "admin"],
        help="role in that partnership",
    )
    create.add_argument(
        "--superuser",
        action="store_true",
        help="a service administrator: manages partnerships at /manage/ and may use the Django admin",
    )
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    load = _command(
        commands,
        "load-framework",
        cmd_load_framework,
        "Validate a framework or scale library file (YAML) and load it. A file with any problem is reported with line numbers and nothing is loaded.",
    )
    load.add_argument("file", nargs="?", help="the YAML file (see docs/frameworks.md)")
    load.add_argument(
        "--library", action="store_true", help="load every file of the bundled library instead"
    )
    check = _command(
        commands,
        "check",
        cmd_check,
        "Check the configuration for problems; with --deploy, also for what production needs.",
    )
    check.add_argument(
        "--deploy",
        action="store_true",
        help="include Django's deployment checks (use with production settings)",
    )


def _add_data_commands(commands: Commands) -> None:
    """Performance data in and out, in the tidy layout."""
    importer = _command(
        commands,
        "import-data",
        cmd_import_data,
        "Import performance data from a CSV or XLSX file in the tidy layout or a statistics.gov.scot "
        "download (docs/data-import.md). Every bad row is reported with its line and column, and a "
        "file with any problem imports nothing.",
    )
    importer.add_argument("file", help="the CSV or XLSX file")
    importer.add_argument(
        "--release",
        metavar="NAME",
        help="the release the values come from: required when the file has no release column",
    )
    importer.add_argument(
        "--partnership",
        metavar="SLUG",
        help="the partnership's own data; without it, official statistics shared by all",
    )
    importer.add_argument(
        "--mapping",
        metavar="FILE",
        help="for a statistics.gov.scot download: which rows are which data element (YAML)",
    )
    importer.add_argument(
        "--create-elements",
        action="store_true",
        help="create data elements the file names but Followup does not know: each as a count "
        "(its small numbers withheld from viewers and in reports) unless one of its figures is "
        "no whole number from 0 to 9,007,199,254,740,991 (the largest held exactly), then as a "
        "measure",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="show what would change, and change nothing"
    )
    importer.add_argument(
        "--published-on",
        metavar="DATE",
        help="the release's publication date (YYYY-MM-DD), for a new release",
    )
    importer.add_argument(
        "--source-url", metavar="URL", help="where the release is published, for a new release"
    )
    exporter = _command(
        commands,
        "export-data",
        cmd_export_data,
        "Write values in the tidy layout to standard output: the latest release of each value unless --all-releases.",
    )
    exporter.add_argument("--area", metavar="CODE", help="only this area, e.g. S12000028")
    exporter.add_argument(
        "--element",
        metavar="CODE",
        help="only this data element (`followup list elements` shows the codes)",
    )
    exporter.add_argument(
        "--partnership",
        metavar="SLUG",
        help="include this partnership's own data (`followup list partnerships` shows the slugs)",
    )
    exporter.add_argument(
        "--all-releases",
        action="store_true",
        help="every release of every value, revisions included",
    )


def _add_evidence_commands(commands: Commands) -> None:
    """Qualitative evidence in and out as REFI-QDA projects (.qdpx) and codebooks (.qdc)."""
    for kind, what in (("qdpx", "whole project"), ("qdc", "codebook")):
        export = _command(
            commands,
            f"export-{kind}",
            cmd_export_refi,
            f"Write a partnership's {what} as a REFI-QDA .{kind} file (docs/evidence.md), for NVivo, "
            "ATLAS.ti, MAXQDA, QualCoder or Taguette.",
        )
        export.add_argument(
            "--partnership", metavar="SLUG", required=True, help="the partnership to export"
        )
        export.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            required=True,
            help="the file to write; '-' for standard output",
        )
        load = _command(
            commands,
            f"import-{kind}",
            cmd_import_refi,
            f"Import a REFI-QDA .{kind} file (a {what}) into a partnership. The file is checked against "
            "the REFI-QDA schema first; a file with any problem imports nothing and the problem is named.",
        )
        load.add_argument("file", help=f"the .{kind} file")
        load.add_argument(
            "--partnership", metavar="SLUG", required=True, help="the partnership to import into"
        )


def _add_report_command(commands: Commands) -> None:
    report = _command(
        commands,
        "report",
        cmd_report,
        "Write a progress review report (or an inspection summary) as HTML, PDF or Word, exactly "
        "as it would be published: small counts withheld, approved quotes only. Gaps in the "
        "evidence are noted on standard error.",
    )
    report.add_argument(
        "target",
        metavar="REVIEW",
        help="a review's id (`followup list reviews` shows them), SLUG:latest, or "
        "inspection:ID for an inspection summary",
    )
    report.add_argument(
        "--format",
        choices=["html", "pdf", "docx"],
        default="pdf",
        help="the file's format (default pdf)",
    )
    report.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the file to write; '-' for standard output",
    )


def _add_statistics_command(commands: Commands) -> None:
    """Charts from JSON: main() runs it before any settings are read (it needs none)."""
    text = (
        "Compute a run chart, control chart or Making Data Count chart. Reads one JSON request "
        '({"chart": ..., "options": {...}, "input": {...}}) from FILE or standard input and writes '
        "the JSON result to standard output. A malformed request exits with status 2 and one line "
        "on standard error naming the field."
    )
    # 'signals' is the command's name before 0.2: it still works, with a note, for a release.
    spc = commands.add_parser("spc", aliases=["signals"], help=text, description=text)
    spc.set_defaults(handler=cmd_manage)
    spc.add_argument("file", nargs="?", help="the request file; '-' or nothing for standard input")


def _add_agreement_command(commands: Commands) -> None:
    """Agreement between readers from JSON: main() runs it before any settings are read."""
    text = (
        "Measure how far readers agree when they grade the same records on an ordinal scale: "
        "Cohen's kappa (two readers), Krippendorff's alpha and Gwet's AC1 and AC2, each with a "
        'confidence interval. Reads one JSON request ({"input": {"scale": [1, 2, 3, 4, 5, 6], '
        '"ratings": [[...], [...]]}}, one list of grades for each reader, null where not graded) '
        "from FILE or standard input and writes the JSON result to standard output. A malformed "
        "request exits with status 2 and one line on standard error naming the field."
    )
    agreement = commands.add_parser("agreement", help=text, description=text)
    agreement.set_defaults(handler=_run_agreement)
    agreement.add_argument(
        "file", nargs="?", help="the request file; '-' or nothing for standard input"
    )


def _run_agreement(args: argparse.Namespace) -> int:
    from followup.agreement.request import main as agreement_main

    return agreement_main(args.file)


def _add_manage_command(commands: Commands) -> None:
    manage = _command(
        commands,
        "manage",
        cmd_manage,
        "Run a Django management command, e.g. 'followup manage shell'. The audit log records "
        "who ran it, with its arguments, before it runs, and how it ended. Commands that would "
        "erase or bypass the record (flush, loaddata, dbshell, migrating backwards) are refused.",
    )
    manage.add_argument("arguments", nargs=argparse.REMAINDER, help="the command and its arguments")


def main(argv: Sequence[str] | None = None) -> int:
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.base import CommandError

    args = build_parser().parse_args(argv)
    # What followup writes (the SQLite database, its journal, the data folder, logs, backups) is
    # for its own user only: the database holds password hashes, second-factor secrets and
    # personal data.
    os.umask(0o077)
    if args.command in {"spc", "signals"}:
        # The statistics library needs no settings and no database.
        from followup.spc.request import main as spc_main

        if args.command == "signals":
            print(
                "followup: 'signals' is now 'spc'; the old name will go in a later release.",
                file=sys.stderr,
            )
        return spc_main(args.file)
    if args.command == "funnel":
        return run_funnel(args)  # needs no settings and no database, as spc
    if args.command == "agreement":
        return _run_agreement(args)  # needs no settings and no database, as spc
    # A restore writes nothing until it has checked everything (followup.backup.restore).
    writes = args.command != "restore"
    local = _local_defaults(writes=writes)
    if local and args.command in {"demo", "serve"}:
        data = setting_text("FOLLOWUP_DATA_DIR")
        print(
            LOCAL_NOTE.format(path=os.environ["FOLLOWUP_SECRET_KEY_FILE"], data=data),
            file=sys.stderr,
        )
    try:
        _setup(writes=writes)
        return int(args.handler(args))
    except ImproperlyConfigured as error:
        return _fail(f"Configuration problem: {error}")
    except CommandError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
