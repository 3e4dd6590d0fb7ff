"""``followup setup``, ``followup create-partnership``, ``followup chart`` and ``followup
load-template``: from a fresh installation to a first partnership and its first chart, at the
command line (docs/install.md).

``setup`` is what a new installation runs once and every upgrade runs again: it migrates the
database, then brings the reference data up to date through the same path every release uses
(the official geography of Scotland, the framework library and its reading templates), printing
what changed. Run twice, the second run changes nothing and says so.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from followup.clitools import Commands, add_command, fail, operator


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _migrate_step() -> None:
    """As ``followup migrate``: the migrations applied are recorded, with who applied them."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from followup.audit.log import record_command

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", interactive=False, verbosity=0)
    if plan:
        applied = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
        record_command(operator(), "setup", changes={"applied": [None, applied]})
        print(f"Database: applied {_plural(len(plan), 'migration')}.")
    else:
        print("Database: up to date.")


def _geography_step() -> None:
    from followup.partnerships.actions_geography import bring_areas_up_to_date

    changes = bring_areas_up_to_date(operator())
    for line in changes.added:
        print(f"  added: {line}")
    for line in changes.updated:
        print(f"  updated: {line}")
    for line in changes.not_in_register:
        print(f"  kept, not in the register: {line}")
    if changes.changed:
        print(
            f"Areas: {len(changes.added)} added, {len(changes.updated)} updated, "
            f"{changes.unchanged} unchanged (the official geography of Scotland)."
        )
    else:
        print(f"Areas: up to date ({_plural(changes.unchanged, 'official area')}).")


def _library_step() -> None:
    from followup.frameworks.library import load_library

    results = load_library(operator())
    loaded = [result for result in results if result.created]
    for result in loaded:
        print(f"  loaded: {result.kind} {result.urn} version {result.version}: {result.name}")
    if loaded:
        print(f"Framework library: {len(loaded)} loaded, {len(results) - len(loaded)} unchanged.")
    else:
        print(f"Framework library: up to date ({_plural(len(results), 'file')}).")
    _templates_step()


def _templates_step() -> None:
    """The bundled records reading templates, which name the framework library's indicators."""
    from followup.records.actions_templates import load_template_library

    results = [r for r in load_template_library(operator()) if r.kind == "template"]
    loaded = [result for result in results if result.created]
    for result in loaded:
        print(f"  loaded: template {result.urn} version {result.version}: {result.name}")
    if loaded:
        print(f"Reading templates: {len(loaded)} loaded, {len(results) - len(loaded)} unchanged.")
    else:
        print(f"Reading templates: up to date ({_plural(len(results), 'template')}).")


def cmd_load_template(args: argparse.Namespace) -> int:
    """As ``load-framework``, for a records reading template (docs/frameworks.md)."""
    from followup.frameworks.library import LibraryFileError
    from followup.lib.uploads import SHOWN_PROBLEMS
    from followup.records.actions_templates import load_template_file, load_template_library

    if not args.file and not args.library:
        return fail("load-template: give a FILE, or --library for the bundled templates.")
    try:
        actor = operator()
        results = (
            load_template_library(actor) if args.library else load_template_file(args.file, actor)
        )
    except LibraryFileError as error:
        for line in error.errors[:SHOWN_PROBLEMS]:
            print(line, file=sys.stderr)
        if len(error.errors) > SHOWN_PROBLEMS:
            print(f"And {len(error.errors) - SHOWN_PROBLEMS:,} more.", file=sys.stderr)
        print(f"Nothing was loaded ({_plural(len(error.errors), 'problem')}).", file=sys.stderr)
        return 1
    for result in results:
        state = "loaded" if result.created else "unchanged"
        extra = f" ({'; '.join(result.messages)})" if result.messages else ""
        print(f"{state}: {result.kind} {result.urn} version {result.version}: {result.name}{extra}")
    return 0


def _password(args: argparse.Namespace) -> str | None:
    """The password from standard input (--password-stdin) or asked for twice at a terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.admin}: ")
        if getpass.getpass("Password again: ") != password:
            fail("setup: the passwords differ.")
            return None
        return password
    fail("setup: give the administrator's password on standard input with --password-stdin.")
    return None


def _create_admin(args: argparse.Namespace) -> int:
    """As ``followup createuser USERNAME --superuser``, with the same checks and audit entry."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from followup.accounts.actions import create_user

    password = _password(args)
    if password is None:
        return 1
    try:
        validate_password(password, get_user_model()(username=args.admin, email=args.email or ""))
    except ValidationError as error:
        return fail("setup: " + " ".join(error.messages))
    create_user(
        operator(), username=args.admin, email=args.email or "", password=password, superuser=True
    )
    print(f"Administrator: created {args.admin} (a service administrator).")
    return 0


def _admin_step(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=args.admin).first()
    if user is not None:
        if not user.is_superuser:
            return fail(
                f"setup: {args.admin!r} is a user already, and not an administrator: choose "
                "another name for the first administrator."
            )
        print(f"Administrator: {args.admin} exists already, unchanged.")
        return 0
    status = _create_admin(args)
    if status == 0 and settings.REQUIRE_MFA_FOR_PRIVILEGED:
        print(
            f"{args.admin} must set up a second factor (an authenticator app or a security key) "
            "at the first sign-in, as every service administrator must."
        )
    return status


def cmd_setup(args: argparse.Namespace) -> int:
    if args.password_stdin and not args.admin:
        return fail("setup: --password-stdin is for the administrator: give --admin USERNAME.")
    _migrate_step()
    _geography_step()
    _library_step()
    if args.admin:
        return _admin_step(args)
    return 0


def cmd_create_partnership(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from followup.partnerships.actions import create_partnership
    from followup.partnerships.models import Area

    area = None
    if args.area:
        area = Area.objects.filter(code=args.area).select_related("successor").first()
        if area is None:
            return fail(
                f"create-partnership: no area has the code {args.area!r}: expected an official "
                "code such as S12000028 (South Ayrshire). 'followup setup' loads them."
            )
        if area.successor is not None:
            return fail(
                f"create-partnership: {area} is no longer in use: its code was replaced by "
                f"{area.successor} from {area.successor.valid_from or 'its start'}."
            )
    data: dict[str, Any] = {
        "slug": args.slug,
        "name": args.name,
        "area": area,
        "description": args.description or "",
    }
    try:
        partnership = create_partnership(operator(), data)
    except ValidationError as error:
        if any(e.code == "unique" for e in error.error_dict.get("slug", [])):
            return fail(
                f"create-partnership: a partnership already has the slug {args.slug!r}. "
                "Choose another slug (it is the partnership's part of every address, "
                "/p/SLUG/); nothing was created."
            )
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        return fail(f"create-partnership: {problems}")
    where = f" for {area}" if area else ""
    print(f"Created the partnership {partnership.name} ({partnership.slug}){where}.")
    return 0


def cmd_chart(args: argparse.Namespace) -> int:
    import math

    from followup.indicators.export import values_for_export
    from followup.indicators.models import DataElement
    from followup.partnerships.models import Area, Partnership
    from followup.spc import control_chart, describe_chart

    partnership = None
    if args.partnership:
        partnership = Partnership.objects.filter(slug=args.partnership).first()
        if partnership is None:
            return fail(f"chart: no partnership has the slug {args.partnership!r}.")
    area = Area.objects.filter(code=args.area).first()
    if area is None:
        return fail(f"chart: no area has the code {args.area!r}.")
    element = DataElement.objects.filter(code=args.element).order_by("partnership").first()
    if element is None:
        return fail(f"chart: no data element has the code {args.element!r}.")
    values = list(values_for_export(partnership=partnership, area=args.area, element=args.element))
    if not values:
        return fail(f"chart: no figures for {args.element} in {area}.")
    chart = control_chart([value.value for value in values], chart=args.chart)
    points = chart.per_point
    kind = "run chart" if args.chart == "run" else "control chart (individuals)"
    print(f"{element.name}: {area}, {kind} of {_plural(len(values), 'point')}")
    limits = args.chart != "run"
    print(
        f"{'period':<12} {'value':>10} {'centre':>10}" + ("  outside the limits" if limits else "")
    )
    for index, value in enumerate(values):
        centre = points.cl[index]
        outside = "yes" if limits and points.sigma_signal[index] else ""
        centre_text = "" if math.isnan(centre) else f"{centre:,.1f}"
        print(f"{value.period_id:<12} {value.value:>10,g} {centre_text:>10}  {outside}".rstrip())
    print(describe_chart(chart, measure="number"))
    return 0


def add_setup_commands(commands: Commands) -> None:
    """``setup``, ``create-partnership`` and ``chart``: called by ``cli.build_parser``."""
    setup = add_command(
        commands,
        "setup",
        cmd_setup,
        "Set up a new installation, or finish an upgrade: create or update the database, then "
        "bring the reference data up to date (the official areas of Scotland, the framework "
        "library and its reading templates), printing what changed. Run it again after every upgrade; a second run "
        "changes nothing. With --admin, also create the first service administrator.",
    )
    setup.add_argument(
        "--admin",
        metavar="USERNAME",
        help="create this service administrator, unless they exist already (docs/install.md)",
    )
    setup.add_argument("--email", help="the administrator's email address")
    setup.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the administrator's password from the first line of standard input",
    )
    template = add_command(
        commands,
        "load-template",
        cmd_load_template,
        "Validate a records reading template (YAML) and load it. A file with any problem is "
        "reported with line numbers and nothing is loaded; a version loaded already with other "
        "content is refused (make a new version).",
    )
    template.add_argument("file", nargs="?", help="the YAML file (see docs/frameworks.md)")
    template.add_argument(
        "--library", action="store_true", help="load every bundled template instead"
    )
    create = add_command(
        commands,
        "create-partnership",
        cmd_create_partnership,
        "Create a partnership, as a service administrator does at /manage/partnerships/.",
    )
    create.add_argument("slug", help="its short name in addresses, e.g. south-ayrshire")
    create.add_argument("--name", required=True, help="its full name")
    create.add_argument(
        "--area", metavar="CODE", help="its official area, e.g. S12000028 (South Ayrshire)"
    )
    create.add_argument("--description", help="a sentence about it")
    chart = add_command(
        commands,
        "chart",
        cmd_chart,
        "Chart the figures of one data element for one area (the latest release of each "
        "period) as a run chart or a control chart, and say what it shows.",
    )
    chart.add_argument("--area", metavar="CODE", required=True, help="the area, e.g. S92000003")
    chart.add_argument(
        "--element",
        metavar="CODE",
        required=True,
        help="the data element's code; `followup list elements` shows them",
    )
    chart.add_argument(
        "--partnership", metavar="SLUG", help="include this partnership's own figures"
    )
    chart.add_argument(
        "--chart",
        choices=["run", "i"],
        default="run",
        help="a run chart (default) or an individuals control chart",
    )
