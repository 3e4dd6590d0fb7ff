"""The ``followup`` commands that move data in and out: ``import-data``, ``export-data``, the
REFI-QDA imports and exports, and ``report``. ``followup.cli`` builds the parser that runs them."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from followup.clitools import fail as _fail
from followup.clitools import operator as _operator
from followup.clitools import read_bounded


def _progress(done: int, total: int) -> None:
    """A progress bar on standard error, drawn only for a person at a terminal."""
    if not sys.stderr.isatty() or total < 10_000:
        return
    width = 30
    filled = int(width * done / total)
    print(
        f"\r  checking [{'#' * filled}{' ' * (width - filled)}] {done:,} of {total:,} rows",
        end="",
        file=sys.stderr,
    )
    if done == total:
        print(file=sys.stderr)


def cmd_import_data(args: argparse.Namespace) -> int:
    """Check the file and import it, all or nothing. Imports into the same scope take turns: the
    file is checked once the lock is held, so a second run at the same moment checks it against
    what the first imported (and finds those figures unchanged)."""
    from django.db import transaction

    from followup.indicators.forms import MAX_MAPPING_BYTES
    from followup.indicators.importer import load_mapping, lock_imports, plan_import
    from followup.lib.tabular import COMMAND_LINE_BYTES, TableError, read_table
    from followup.lib.uploads import UploadError
    from followup.partnerships.models import Partnership

    partnership = None
    if args.partnership:
        partnership = Partnership.objects.filter(slug=args.partnership).first()
        if partnership is None:
            return _fail(f"import-data: no partnership has the slug {args.partnership!r}.")
    published = None
    if args.published_on:
        try:
            published = datetime.date.fromisoformat(args.published_on)
        except ValueError:
            return _fail(
                f"import-data: --published-on must be a date such as 2024-03-26, not {args.published_on!r}."
            )
    source_url = args.source_url or ""
    if source_url:
        wrong = _url_problem(source_url)
        if wrong:
            return _fail(f"import-data: --source-url {wrong}.")
    try:
        data = read_bounded(args.file, COMMAND_LINE_BYTES)
    except OSError as error:
        return _fail(f"import-data: cannot read {error.filename}: {error.strerror}.")
    except UploadError as error:
        return _fail(f"import-data: {args.file}: {error}.")
    try:
        mapping = (
            load_mapping(read_bounded(args.mapping, MAX_MAPPING_BYTES).decode("utf-8"))
            if args.mapping
            else None
        )
    except OSError as error:
        return _fail(f"import-data: cannot read {error.filename}: {error.strerror}.")
    except UnicodeDecodeError:
        return _fail(f"import-data: {args.mapping}: the mapping must be a UTF-8 text file.")
    except (UploadError, ValueError) as error:
        return _fail(f"import-data: {args.mapping}: {error}")
    try:
        table = read_table(data, args.file, command_line=True)
    except (TableError, ValueError) as error:
        return _fail(f"import-data: {args.file}: {error}")

    def plan() -> Any:
        return plan_import(
            table,
            release=args.release,
            partnership=partnership,
            create_elements=args.create_elements,
            mapping=mapping,
            progress=_progress,
        )

    if args.dry_run:
        return _report(args.file, plan(), dry_run=True)
    with transaction.atomic():
        lock_imports(partnership)
        checked = plan()
        status = _report(args.file, checked, dry_run=False)
        if status or not checked.to_write:
            return status
        return _apply(args.file, checked, published, source_url)


def _url_problem(url: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    from followup.indicators.models import Release

    limit = Release._meta.get_field("source_url").max_length or 500
    if len(url) > limit:
        return f"must be at most {limit} characters, not {len(url):,}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return f"must be a web address such as https://www.gov.scot/..., not {url[:60]!r}"
    return ""


def _report(file: str, plan: Any, *, dry_run: bool) -> int:
    """Print the plan: its problems (exit status 1), or what it changes."""
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not plan.ok:
        for problem in plan.errors:
            print(f"{file}: {problem}", file=sys.stderr)
        count = len(plan.errors)
        print(
            f"Nothing was imported ({count} problem{'s' if count != 1 else ''}).", file=sys.stderr
        )
        return 1
    print(f"{file} ({plan.layout} layout): {plan.summary()}.")
    for change in plan.revisions:
        print(
            f"  revision: {change.element} {change.area} {change.period}: {change.old_value:g} "
            f"({change.old_release}) -> {change.value:g} ({change.release})"
        )
    for change in plan.derived:
        was = "no figure" if change.old_value is None else f"{change.old_value:g}"
        print(
            f"  derived: {change.element} {change.area} {change.period}: {was} -> {change.value:g}"
        )
    if dry_run:
        print("Dry run: nothing was imported.")
    elif not plan.to_write:
        print("Nothing was imported: every figure in the file is held already.")
    return 0


def _apply(file: str, plan: Any, published: Any, source_url: str) -> int:
    from followup.indicators.importer import apply_import

    try:
        apply_import(plan, actor=_operator(), published_on=published, source_url=source_url)
    except ValueError as error:  # apply_import's own checks, made again as it writes
        return _fail(f"import-data: {file}: {error}.")
    count = len(plan.to_write)
    print(f"Imported {count:,} value{'s' if count != 1 else ''}.")
    return 0


def cmd_export_data(args: argparse.Namespace) -> int:
    from followup.indicators.export import values_for_export, write_tidy
    from followup.partnerships.models import Partnership

    partnership = None
    if args.partnership:
        partnership = Partnership.objects.filter(slug=args.partnership).first()
        if partnership is None:
            return _fail(f"export-data: no partnership has the slug {args.partnership!r}.")
    values = values_for_export(
        partnership=partnership,
        area=args.area,
        element=args.element,
        all_releases=args.all_releases,
    )
    write_tidy(sys.stdout, values)
    return 0


def _partnership(command: str, slug: str) -> Any:
    from django.core.management.base import CommandError

    from followup.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise CommandError(f"{command}: no partnership has the slug {slug!r}.")
    return partnership


def cmd_export_refi(args: argparse.Namespace) -> int:
    from followup.evidence.refi import ExchangeError, codebook_xml, project_qdpx

    partnership = _partnership(args.command, args.partnership)
    try:
        data = (
            project_qdpx(partnership)
            if args.command == "export-qdpx"
            else codebook_xml(partnership)
        )
    except ExchangeError as error:
        return _fail(f"{args.command}: {error}")
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"Wrote {args.output} ({len(data):,} bytes).")
    return 0


def cmd_import_refi(args: argparse.Namespace) -> int:
    from django.conf import settings

    from followup.evidence.actions import AlreadyImported, import_exchange
    from followup.evidence.refi import ExchangeError
    from followup.evidence.refi_import import import_summary, read_qdc, read_qdpx
    from followup.lib.uploads import UploadError, check_size

    partnership = _partnership(args.command, args.partnership)
    try:
        data = read_bounded(args.file, settings.MAX_UPLOAD_BYTES)
        check_size(len(data))
        found = read_qdpx(data) if args.command == "import-qdpx" else read_qdc(data)
        counts = import_exchange(_operator(), partnership, found)
    except OSError as error:
        return _fail(f"{args.command}: cannot read {error.filename}: {error.strerror}.")
    except AlreadyImported as error:
        print(f"{args.file}: {error}")
        return 0
    except (ExchangeError, UploadError) as error:
        return _fail(f"{args.command}: {args.file}: {error}")
    print(import_summary(counts, found.warnings))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import logging

    from followup.inspections.models import Inspection
    from followup.reports import render
    from followup.reports.compose import inspection_report, review_report
    from followup.reviews.models import ProgressReview

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    target = args.target
    if target.startswith("inspection:") and target.removeprefix("inspection:").isdigit():
        inspection = Inspection.objects.filter(pk=int(target.removeprefix("inspection:"))).first()
        if inspection is None:
            return _fail(f"report: no inspection has the id {target.removeprefix('inspection:')}.")
        report = inspection_report(inspection)
    else:
        if target.isdigit():
            review = ProgressReview.objects.filter(pk=int(target)).first()
        elif target.endswith(":latest"):
            review = (
                ProgressReview.objects.filter(
                    inspection__partnership__slug=target.removesuffix(":latest")
                )
                .order_by("-published_on", "-fieldwork_start", "-pk")
                .first()
            )
        else:
            return _fail(
                f"report: give a review's id, SLUG:latest or inspection:ID, not {target!r}."
            )
        if review is None:
            return _fail(f"report: no progress review matches {target!r}.")
        report = review_report(review)
    data = render.render(report, args.format)
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"Wrote {args.output} ({len(data):,} bytes, {args.format.upper()}).")
    for warning in report.warnings:
        print(f"note: {warning}", file=sys.stderr)
    return 0
